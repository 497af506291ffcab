// A plan open in memory: its Y.Doc and presence, the sockets on it, and the two ways
// changes leave it: relayed to the other sockets (encoded once) and queued for storage.
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { loadClientBindings, loadPlanUpdates } from "../../app/models/plan-document.server";
import { encodeAwarenessMessage, encodeUpdateMessage } from "./messages";
import type { CollabConnection } from "./connection";
import type { UpdateStore } from "./update-store";

const LOAD_ORIGIN = Symbol("load");

export class LivePlan {
  readonly connections = new Set<CollabConnection>();
  readonly awareness: awarenessProtocol.Awareness;
  /** Yjs client id → account id, from the server's own records. */
  private readonly clientOwners: Map<number, number>;

  private constructor(
    readonly planId: string,
    readonly doc: Y.Doc,
    clientOwners: Map<number, number>,
    private readonly store: UpdateStore,
  ) {
    this.clientOwners = clientOwners;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  static async load(planId: string, store: UpdateStore): Promise<LivePlan> {
    const [updates, clientOwners] = await Promise.all([loadPlanUpdates(planId), loadClientBindings(planId)]);
    const doc = new Y.Doc();
    if (updates.length > 0) {
      Y.applyUpdate(doc, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), LOAD_ORIGIN);
    }
    return new LivePlan(planId, doc, clientOwners, store);
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (origin === LOAD_ORIGIN) return;
    const message = encodeUpdateMessage(update);
    for (const connection of this.connections) {
      if (connection !== origin) connection.send(message);
    }
    const author = this.connectionOf(origin);
    const newClientIds: number[] = [];
    if (author) {
      for (const [clientId, clock] of transaction.afterState) {
        if (clock > (transaction.beforeState.get(clientId) ?? 0) && !this.clientOwners.has(clientId)) {
          this.clientOwners.set(clientId, author.user.id);
          newClientIds.push(clientId);
        }
      }
    }
    this.store.enqueue({
      planId: this.planId,
      userId: author?.user.id ?? null,
      update,
      createdAt: Date.now(),
      newClientIds,
    });
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const message = encodeAwarenessMessage(this.awareness, changed);
    for (const connection of this.connections) {
      if (connection !== origin) connection.send(message);
    }
  };

  private connectionOf(origin: unknown): CollabConnection | undefined {
    return origin && this.connections.has(origin as CollabConnection) ? (origin as CollabConnection) : undefined;
  }

  /** Whether another socket than this one speaks for this awareness client id. */
  isAwarenessIdOwnedByOther(connection: CollabConnection, clientId: number): boolean {
    for (const other of this.connections) {
      if (other !== connection && other.awarenessClientIds.has(clientId)) return true;
    }
    return false;
  }

  /** The people on this plan now, once each. */
  onlineUsers(): { id: number; name: string; color: string }[] {
    const users = new Map<number, { id: number; name: string; color: string }>();
    for (const connection of this.connections) {
      const { id, name, color } = connection.presenceUser;
      users.set(id, { id, name, color });
    }
    return [...users.values()];
  }

  destroy(): void {
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
