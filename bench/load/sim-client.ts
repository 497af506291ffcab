// One simulated user: a lightweight protocol client speaking the y-websocket sync and
// awareness messages (with Hocuspocus's document-name prefix where needed). Readers keep no
// Y.Doc; they only read the (client, clock) of each update to look up when it was sent.
// Typers keep a Y.Doc and type single characters into their own paragraph.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import WebSocket from "ws";
import * as Y from "yjs";

export type ServerKind = "gotong" | "ywebsocket" | "hocuspocus";

/** Typers get Yjs client ids from here on, so a receiver knows the typer by the id. */
export const TYPER_CLIENT_BASE = 1_000_000;
/** Send times are kept per typer in a ring of this many clocks. */
export const SEND_RING = 4096;

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_SYNC_REPLY = 4; // Hocuspocus: step 2 + step 1 answering ours
const MESSAGE_SAVE_REQUEST = 100; // Gotong: "tell me when everything I sent is stored"
const MESSAGE_SAVED = 101;
const SAVE_REQUEST_DELAY_MS = 50; // as the app's SaveTracker
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());
const CONNECT_TIMEOUT_MS = 30_000;

export interface ClientSpec {
  kind: ServerKind;
  url: string;
  docName: string;
  cookie?: string;
  /** Typers: their index among all typers, and where they type. */
  typer?: {
    index: number;
    section: number;
    rate: number;
    awareness: boolean;
    applyRemote?: boolean;
    /** Types every character as a suggestion of this account's (a commenter's typing). */
    suggestAs?: number;
  };
  /** An update this client sends once synced (the plan's first content, for peers without storage of it). */
  seed?: Uint8Array;
}

export interface Recorder {
  now(): number;
  sendTimes: Float64Array;
  latency(ms: number): void;
  saveLatency(ms: number): void;
}

export const now = (): number => performance.timeOrigin + performance.now();

/** The first struct's client and clock of a v1 update: who sent it, and which edit it is. */
export function updateOrigin(update: Uint8Array): { client: number; clock: number } | undefined {
  const decoder = decoding.createDecoder(update);
  const groups = decoding.readVarUint(decoder);
  if (groups === 0) return undefined;
  decoding.readVarUint(decoder); // number of structs
  const client = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  return { client, clock };
}

export class SimClient {
  private socket: WebSocket | undefined;
  private doc: Y.Doc | undefined;
  private awareness: awarenessProtocol.Awareness | undefined;
  private typingTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private saveSeq = 0;
  private readonly saveSentAt = new Map<number, number>();
  connectStartedAt = 0;
  syncedAt = 0;
  step2Bytes = 0;
  updatesSent = 0;
  updatesReceived = 0;
  closed = false;
  closeCode = 0;
  private onSynced: (() => void) | undefined;

  constructor(
    readonly spec: ClientSpec,
    private readonly recorder: Recorder,
  ) {
    if (spec.typer) {
      this.doc = new Y.Doc();
      this.doc.clientID = TYPER_CLIENT_BASE + spec.typer.index;
      this.awareness = new awarenessProtocol.Awareness(this.doc);
      this.awareness.setLocalState({ user: { name: `Typer ${spec.typer.index}`, color: "#aa3366" } });
      this.doc.on("update", this.onLocalUpdate);
    }
  }

  connect(): Promise<void> {
    const { kind, url, docName, cookie } = this.spec;
    const address = kind === "hocuspocus" ? url : `${url}/${docName}`;
    this.connectStartedAt = now();
    const synced = new Promise<void>((resolve, reject) => {
      // A server that never answers must fail the run, not hang it.
      const timeout = setTimeout(() => {
        reject(new Error(`no sync from ${address} within ${CONNECT_TIMEOUT_MS} ms`));
        this.socket?.terminate();
      }, CONNECT_TIMEOUT_MS);
      this.onSynced = () => {
        clearTimeout(timeout);
        resolve();
      };
      const socket = new WebSocket(address, { headers: cookie ? { cookie } : {}, perMessageDeflate: false });
      socket.binaryType = "nodebuffer";
      this.socket = socket;
      socket.on("open", () => {
        if (kind === "hocuspocus") {
          // Auth (2), token (0), an empty token: Hocuspocus waits for it before anything else.
          this.send((e) => {
            encoding.writeVarUint(e, 2);
            encoding.writeVarUint(e, 0);
            encoding.writeVarString(e, "");
          });
        }
        this.send((e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          if (this.doc) syncProtocol.writeSyncStep1(e, this.doc);
          else {
            encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
            encoding.writeVarUint8Array(e, new Uint8Array([0]));
          }
        });
        this.sendAwareness();
      });
      socket.on("message", (data: Buffer) => this.receive(data));
      socket.on("error", (error) => reject(error));
      socket.on("close", (code) => {
        this.closed = true;
        this.closeCode = code;
        reject(new Error(`closed with ${code} before sync`));
      });
    });
    return synced;
  }

  private send(write: (encoder: encoding.Encoder) => void): void {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    if (this.spec.kind === "hocuspocus") encoding.writeVarString(encoder, this.spec.docName);
    write(encoder);
    this.socket.send(encoding.toUint8Array(encoder));
  }

  private receive(data: Buffer): void {
    const decoder = decoding.createDecoder(data);
    if (this.spec.kind === "hocuspocus") decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC || type === MESSAGE_SYNC_REPLY) this.receiveSync(decoder);
    else if (type === MESSAGE_SAVED) {
      const seq = decoding.readVarUint(decoder);
      for (const [sentSeq, at] of this.saveSentAt) {
        if (sentSeq > seq) break;
        this.recorder.saveLatency(this.recorder.now() - at);
        this.saveSentAt.delete(sentSeq);
      }
    }
    // Awareness, auth answers and status messages need nothing from a simulated user.
  }

  private receiveSync(decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      // The server asks for what we have: a typer answers with its doc, a reader has nothing.
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
        encoding.writeVarUint8Array(e, this.doc ? Y.encodeStateAsUpdate(this.doc, payload) : EMPTY_UPDATE);
      });
      return;
    }
    if (syncType === syncProtocol.messageYjsSyncStep2) {
      if (this.doc) Y.applyUpdate(this.doc, payload, this);
      if (this.syncedAt === 0) {
        this.syncedAt = now();
        this.step2Bytes = payload.byteLength;
        if (this.spec.seed) this.sendUpdate(this.spec.seed);
        this.onSynced?.();
      }
      return;
    }
    const origin = updateOrigin(payload);
    // Hocuspocus and y-websocket send a client's own updates back to it: not a receipt.
    if (origin && this.doc && origin.client === this.doc.clientID) return;
    this.updatesReceived += 1;
    if (origin && origin.client >= TYPER_CLIENT_BASE) {
      const sentAt = this.recorder.sendTimes[(origin.client - TYPER_CLIENT_BASE) * SEND_RING + (origin.clock % SEND_RING)];
      if (sentAt) this.recorder.latency(this.recorder.now() - sentAt);
    }
    // A typer in the throughput test skips this: it types only into its own text, and
    // applying everyone's updates would make the load generator the bottleneck.
    if (this.doc && this.spec.typer?.applyRemote !== false) Y.applyUpdate(this.doc, payload, this);
  }

  private sendUpdate(update: Uint8Array): void {
    this.send((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, update);
    });
  }

  private onLocalUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return;
    const typer = this.spec.typer!;
    const first = updateOrigin(update);
    if (first) this.recorder.sendTimes[typer.index * SEND_RING + (first.clock % SEND_RING)] = this.recorder.now();
    this.updatesSent += 1;
    this.sendUpdate(update);
    if (this.spec.kind === "gotong") this.scheduleSaveRequest();
  };

  private scheduleSaveRequest(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveSeq += 1;
      this.saveSentAt.set(this.saveSeq, this.recorder.now());
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE_SAVE_REQUEST);
        encoding.writeVarUint(e, this.saveSeq);
      });
    }, SAVE_REQUEST_DELAY_MS);
  }

  private sendAwareness(): void {
    if (!this.awareness) {
      // A reader announces itself once, as the editor does on open.
      const reader = new awarenessProtocol.Awareness(new Y.Doc());
      reader.setLocalState({ user: { name: "Reader", color: "#3366aa" } });
      const update = awarenessProtocol.encodeAwarenessUpdate(reader, [reader.clientID]);
      reader.destroy();
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE_AWARENESS);
        encoding.writeVarUint8Array(e, update);
      });
      return;
    }
    const awareness = this.awareness;
    this.send((e) => {
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]));
    });
  }

  /** The typer's paragraph: the first paragraph of its section (as the plan schema lays it out). */
  private paragraphText(): Y.XmlText | undefined {
    const fragment = this.doc!.getXmlFragment("default");
    if (fragment.length === 0) return undefined;
    const section = fragment.get(this.spec.typer!.section % fragment.length);
    if (!(section instanceof Y.XmlElement)) return undefined;
    const paragraph = section.get(Math.min(1, section.length - 1));
    if (!(paragraph instanceof Y.XmlElement)) return undefined;
    let text = paragraph.get(0);
    if (!(text instanceof Y.XmlText)) {
      text = new Y.XmlText();
      paragraph.insert(0, [text]);
    }
    return text as Y.XmlText;
  }

  /** Types `rate` characters a second (the spec's rate unless given), until stopTyping. */
  startTyping(rate?: number): void {
    const typer = this.spec.typer;
    if (!typer) return;
    this.stopTyping();
    const interval = 1000 / (rate ?? typer.rate);
    const tick = () => {
      const text = this.paragraphText();
      if (!text) return;
      this.cursor = Math.min(this.cursor, text.length);
      const character = String.fromCharCode(97 + (this.updatesSent % 26));
      if (typer.suggestAs === undefined) text.insert(this.cursor, character);
      // One suggestion per typer, as a commenter's editor continues their own run of words.
      else
        text.insert(this.cursor, character, {
          suggestionInsert: { id: `g-typer${String(typer.index).padStart(7, "0")}`, authorId: typer.suggestAs },
        });
      this.cursor += 1;
      if (typer.awareness) {
        const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, this.cursor));
        this.awareness!.setLocalStateField("cursor", { anchor: position, head: position });
        this.sendAwareness();
      }
    };
    // Typers start at random moments, so their keystrokes do not all land in one tick.
    this.typingTimer = setTimeout(() => {
      tick();
      this.typingTimer = setInterval(tick, interval);
    }, Math.random() * interval);
  }

  stopTyping(): void {
    clearTimeout(this.typingTimer);
    clearInterval(this.typingTimer);
    this.typingTimer = undefined;
  }

  close(): void {
    this.stopTyping();
    clearTimeout(this.saveTimer);
    this.socket?.removeAllListeners("close");
    this.socket?.on("error", () => undefined);
    this.socket?.terminate();
    this.awareness?.destroy();
    this.doc?.destroy();
  }
}
