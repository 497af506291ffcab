// The connection state a person sees, computed so that it never lies: "Saved" only after
// the server said everything we sent is committed to its database.
//
// Each local change bumps `localSeq` and, when connected, is followed on the socket by a
// save request [100, localSeq]; the server answers [101, seq] after its commit. After a
// reconnect the edits made offline travel in the sync handshake, and a save request follows
// once the handshake is done.
//
// It is also calm: while someone types, every keystroke is sent and acknowledged within a
// few dozen milliseconds, and a label that followed each one would flicker. So a change the
// server has not acknowledged yet reads "Editing" for its first second and "Saving…" only
// after that; "Saved" waits until the text has been still for a moment as well as
// acknowledged. Neither delay ever shows "Saved" for a change the server has not stored.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import { MESSAGE_SAVE_REQUEST, MESSAGE_SAVED } from "./protocol";

const SAVE_REQUEST_DELAY_MS = 50;
/** How long a change may wait for the server before the page says "Saving…". */
export const SAVING_AFTER_MS = 1000;
/** How long the text must be still, and stored, before "Editing" turns to "Saved". */
export const SAVED_AFTER_QUIET_MS = 800;

export type SaveStatus = "connecting" | "offline" | "editing" | "saving" | "saved" | "connected" | "closed";

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
  /** The changes the server has not acknowledged yet, oldest first, with when each was made. */
  private readonly unsavedChanges: { seq: number; at: number }[] = [];
  private lastChangeAt = 0;
  private recheckTimer: ReturnType<typeof setTimeout> | undefined;
  private current: SaveState = { status: "connecting" };
  private readonly listeners = new Set<(state: SaveState) => void>();
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly provider: WebsocketProvider,
    doc: Y.Doc,
  ) {
    provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
      this.ackedSeq = Math.max(this.ackedSeq, decoding.readVarUint(decoder));
      // An acknowledgement covers every change up to its number.
      while (this.unsavedChanges.length > 0 && this.unsavedChanges[0]!.seq <= this.ackedSeq) this.unsavedChanges.shift();
      this.emit();
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider) return; // a change from the server, not ours
      this.localSeq += 1;
      this.lastChangeAt = Date.now();
      this.unsavedChanges.push({ seq: this.localSeq, at: this.lastChangeAt });
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

  /** The protocol's truth, without the calm delays of `state`: connected and synced, with
   * changes made and every one of them stored. */
  get isEverythingStored(): boolean {
    return this.closeCode === undefined && this.connection === "connected" && this.isSynced && this.localSeq > 0 && !this.hasUnsavedChanges;
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
    const now = Date.now();
    if (this.hasUnsavedChanges) {
      const waited = now - (this.unsavedChanges[0]?.at ?? now);
      if (waited >= SAVING_AFTER_MS) return { status: "saving" };
      this.recheckIn(SAVING_AFTER_MS - waited);
      return { status: "editing" };
    }
    if (this.localSeq === 0) return { status: "connected" };
    // Stored, but the person may still be typing: say "Saved" once the text is still.
    const still = now - this.lastChangeAt;
    if (this.current.status === "editing" && still < SAVED_AFTER_QUIET_MS) {
      this.recheckIn(SAVED_AFTER_QUIET_MS - still);
      return { status: "editing" };
    }
    return { status: "saved" };
  }

  private recheckIn(delayMs: number): void {
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      this.emit();
    }, delayMs);
  }

  subscribe(listener: (state: SaveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    clearTimeout(this.saveRequestTimer);
    clearTimeout(this.recheckTimer);
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
