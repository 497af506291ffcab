// The connection state a person sees, computed so that it never lies: "Saved" only after
// the server said everything we sent is committed to its database.
//
// Each local change bumps `localSeq` and, when connected, is followed on the socket by a
// save request [100, localSeq]; the server answers [101, seq] after its commit. After a
// reconnect the edits made offline travel in the sync handshake, and a save request follows
// once the handshake is done.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import { MESSAGE_SAVE_REQUEST, MESSAGE_SAVED } from "./protocol";

const SAVE_REQUEST_DELAY_MS = 50;

export type SaveStatus = "connecting" | "offline" | "saving" | "saved" | "connected" | "closed";

export interface SaveState {
  status: SaveStatus;
  /** Set when the server ended the connection for good (status "closed"). */
  closeCode?: number;
}

export class SaveTracker {
  private localSeq = 0;
  private ackedSeq = 0;
  private connection: "connecting" | "connected" | "disconnected" = "connecting";
  private isSynced = false;
  private closeCode: number | undefined;
  private saveRequestTimer: ReturnType<typeof setTimeout> | undefined;
  private current: SaveState = { status: "connecting" };
  private readonly listeners = new Set<(state: SaveState) => void>();
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly provider: WebsocketProvider,
    doc: Y.Doc,
  ) {
    provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
      this.ackedSeq = Math.max(this.ackedSeq, decoding.readVarUint(decoder));
      this.emit();
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider) return; // a change from the server, not ours
      this.localSeq += 1;
      this.scheduleSaveRequest();
      this.emit();
    };
    const onStatus = ({ status }: { status: "connecting" | "connected" | "disconnected" }) => {
      this.connection = status;
      if (status !== "connected") this.isSynced = false;
      this.emit();
    };
    const onSync = (isSynced: boolean) => {
      this.isSynced = isSynced;
      if (isSynced) this.requestSaveAck();
      this.emit();
    };
    const onClosed = ({ code }: { code: number }) => {
      this.closeCode = code;
      this.emit();
    };
    doc.on("update", onUpdate);
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    provider.on("closed", onClosed);
    this.disposers.push(
      () => doc.off("update", onUpdate),
      () => provider.off("status", onStatus),
      () => provider.off("sync", onSync),
      () => provider.off("closed", onClosed),
    );
  }

  /** How many local changes this client has made, and how many of them the server has stored. */
  get changesMade(): number {
    return this.localSeq;
  }

  get changesSaved(): number {
    return this.ackedSeq;
  }

  get hasUnsavedChanges(): boolean {
    return this.localSeq > this.ackedSeq;
  }

  /** The current state; the same object until something changes (for useSyncExternalStore). */
  get state(): SaveState {
    return this.current;
  }

  private compute(): SaveState {
    if (this.closeCode !== undefined) return { status: "closed", closeCode: this.closeCode };
    if (this.connection !== "connected" || !this.isSynced) {
      if (this.hasUnsavedChanges || this.connection === "disconnected") return { status: "offline" };
      return { status: "connecting" };
    }
    if (this.hasUnsavedChanges) return { status: "saving" };
    return { status: this.localSeq > 0 ? "saved" : "connected" };
  }

  subscribe(listener: (state: SaveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    clearTimeout(this.saveRequestTimer);
    for (const dispose of this.disposers) dispose();
    this.listeners.clear();
  }

  /** One save request covers every change before it, so a burst of keystrokes needs one. */
  private scheduleSaveRequest(): void {
    if (this.saveRequestTimer !== undefined) return;
    this.saveRequestTimer = setTimeout(() => {
      this.saveRequestTimer = undefined;
      this.requestSaveAck();
    }, SAVE_REQUEST_DELAY_MS);
  }

  private requestSaveAck(): void {
    const ws = this.provider.ws;
    if (!this.provider.wsconnected || !this.isSynced || !ws || ws.readyState !== ws.OPEN) return;
    if (!this.hasUnsavedChanges) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SAVE_REQUEST);
    encoding.writeVarUint(encoder, this.localSeq);
    ws.send(encoding.toUint8Array(encoder));
  }

  private emit(): void {
    const next = this.compute();
    if (next.status === this.current.status && next.closeCode === this.current.closeCode) return;
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }
}
