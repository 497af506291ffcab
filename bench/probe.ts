// A reader that accounts for every keystroke, not only for every message. The load threads'
// readers (load/sim-client.ts) time an update by its first struct and count messages; that is
// exact while a server passes each typer's update on as it came, but a server that merges
// several into one message (Hocuspocus's Redis extension sends other instances a diff of the
// document) would show fewer receipts and time only the first keystroke of each. A probe
// decodes every struct it receives and times each keystroke (typer, clock) the first time it
// arrives, against the send time the typer recorded in the pool's shared table.
//
// Probes run in the harness's main thread (a few of them, beside the pool's threads): each is
// a SimClient reader, with a second listener on its socket.
import * as decoding from "lib0/decoding";
import type WebSocket from "ws";
import * as Y from "yjs";
import type { LoadPool } from "./load/pool";
import { now, SEND_RING, SimClient, TYPER_CLIENT_BASE, type ClientSpec } from "./load/sim-client";

const MESSAGE_SYNC = 0;
const MESSAGE_SYNC_REPLY = 4;

export class EditProbe {
  private readonly client: SimClient;
  private readonly sendTimes: Float64Array;
  /** Keystrokes seen, as typer index * SEND_RING * 1024 + clock. */
  private readonly seen = new Set<number>();
  private windowStart = Infinity;
  latencies: number[] = [];

  constructor(spec: ClientSpec, pool: LoadPool) {
    this.sendTimes = new Float64Array(pool["sendTimes"]);
    const ignore = () => undefined;
    this.client = new SimClient(spec, { now, sendTimes: this.sendTimes, latency: ignore, saveLatency: ignore });
  }

  async connect(): Promise<void> {
    const synced = this.client.connect();
    (this.client["socket"] as WebSocket).on("message", (data: Buffer) => this.receive(data));
    await synced;
  }

  /** From now on, time the keystrokes sent from now on. */
  reset(): void {
    this.windowStart = now();
    this.latencies = [];
  }

  get messagesReceived(): number {
    return this.client.updatesReceived;
  }

  /**
   * Keystrokes sent in [from, to] (by the typers' table) and how many of them this probe has.
   * A typer's clocks start at 0, one a keystroke, so slot i of its ring is clock i as long as
   * it has typed fewer than SEND_RING characters (the fan-out runs type about 60 each).
   */
  delivered(from: number, to: number): { sent: number; received: number } {
    let sent = 0;
    let received = 0;
    for (let i = 0; i < this.sendTimes.length; i += 1) {
      const at = this.sendTimes[i]!;
      if (at < from || at > to) continue;
      sent += 1;
      if (this.seen.has(Math.floor(i / SEND_RING) * SEND_RING * 1024 + (i % SEND_RING))) received += 1;
    }
    return { sent, received };
  }

  close(): void {
    this.client.close();
  }

  private receive(data: Buffer): void {
    const decoder = decoding.createDecoder(data);
    if (this.client.spec.kind === "hocuspocus") decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type !== MESSAGE_SYNC && type !== MESSAGE_SYNC_REPLY) return;
    const syncType = decoding.readVarUint(decoder);
    if (syncType === 0) return; // step 1: the server asks what we have
    const at = now();
    for (const struct of Y.decodeUpdate(decoding.readVarUint8Array(decoder)).structs) {
      if (!(struct instanceof Y.Item) || struct.id.client < TYPER_CLIENT_BASE) continue;
      const typer = struct.id.client - TYPER_CLIENT_BASE;
      // A typer sends one character per update: each clock is one keystroke.
      for (let clock = struct.id.clock; clock < struct.id.clock + struct.length; clock += 1) {
        const key = typer * SEND_RING * 1024 + clock;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        const sentAt = this.sendTimes[typer * SEND_RING + (clock % SEND_RING)];
        if (sentAt && sentAt >= this.windowStart) this.latencies.push(at - sentAt);
      }
    }
  }
}
