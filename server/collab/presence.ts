// Who is on a plan and where their carets are: the plan's awareness, passed on to its sockets;
// our own clients' changes shared with the other instances, and theirs applied here. A socket
// never speaks for an id another socket or instance speaks for (docs/security.md).
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { filterAwarenessUpdate } from "./awareness-stamp";
import { encodeAwarenessMessage } from "./messages";
import type { PlanSocket } from "./plan-socket";

/** Presence relayed from another instance. */
const RELAYED_PRESENCE = Symbol("relayed presence");

export class PlanPresence {
  readonly awareness: awarenessProtocol.Awareness;
  /** Awareness client ids whose presence another instance relays. */
  private readonly relayedAwarenessIds = new Set<number>();

  constructor(
    private readonly sockets: ReadonlySet<PlanSocket>,
    /** Presence changes of our own clients, for the other instances (none: one instance). */
    private readonly share: ((update: Uint8Array) => void) | undefined,
  ) {
    // Presence has a document of its own: the plan's is replaced when it hibernates.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    this.awareness.setLocalState(null);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  /** Presence another instance relays for its clients (never for an id a socket here speaks for). */
  applyRelayed(update: Uint8Array): void {
    const ownedHere = this.idsSpokenForHere();
    const relayed = ownedHere.size === 0 ? update : filterAwarenessUpdate(update, (clientId) => !ownedHere.has(clientId));
    if (relayed) awarenessProtocol.applyAwarenessUpdate(this.awareness, relayed, RELAYED_PRESENCE);
  }

  /** The presence of this instance's own clients, for an instance that just opened the plan. */
  local(): Uint8Array | null {
    const states = this.awareness.getStates();
    const ids = [...this.idsSpokenForHere()].filter((id) => states.has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Whether another socket than this one speaks for this awareness client id. */
  isOwnedByOther(socket: PlanSocket, clientId: number): boolean {
    for (const other of this.sockets) {
      if (other !== socket && other.awarenessClientIds.has(clientId)) return true;
    }
    if (!this.relayedAwarenessIds.has(clientId)) return false;
    // Another instance speaks for it; the same account may take it over (it moved here).
    const state = this.awareness.getStates().get(clientId) as { user?: { id?: unknown } } | undefined;
    return state?.user?.id !== socket.user.id;
  }

  /** The people on this plan now, once each. */
  onlineUsers(): { id: number; name: string; color: string }[] {
    const users = new Map<number, { id: number; name: string; color: string }>();
    for (const socket of this.sockets) {
      const { id, name, color } = socket.presenceUser;
      users.set(id, { id, name, color });
    }
    return [...users.values()];
  }

  destroy(): void {
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
  }

  private idsSpokenForHere(): Set<number> {
    return new Set([...this.sockets].flatMap((socket) => [...socket.awarenessClientIds]));
  }

  private onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const message = encodeAwarenessMessage(this.awareness, changed);
    for (const socket of this.sockets) {
      if (socket !== origin) socket.send(message);
    }
    for (const clientId of removed) this.relayedAwarenessIds.delete(clientId);
    if (origin === RELAYED_PRESENCE) {
      for (const clientId of [...added, ...updated]) this.relayedAwarenessIds.add(clientId);
    } else if (origin !== "timeout" && this.share) {
      // Our clients' presence (and their leaving); not states the 30-second timeout dropped
      // here, which may be alive on their own instance.
      this.share(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    }
  };
}
