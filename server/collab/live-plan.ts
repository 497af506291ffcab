// A plan open in memory: its Y.Doc and presence, the sockets on it, and the two ways
// changes leave it: relayed to the other sockets (encoded once) and queued for storage.
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { sectionOutline } from "../../app/editor/document.server";
import { applyStoredUpdates, loadClientBindings, loadPlanUpdates } from "../../app/models/plan-document.server";
import { syncSectionIndex } from "../../app/models/section.server";
import { errorFields, log } from "../../app/utils/log.server";
import { encodeAwarenessMessage, encodePlanChanged, encodeUpdateMessage } from "./messages";
import type { CollabConnection } from "./connection";
import type { UpdateStore } from "./update-store";

const LOAD_ORIGIN = Symbol("load");
/** Section ids and titles reach SQLite (dashboard, details) this long after the last edit. */
const SECTION_INDEX_DELAY_MS = 1000;

export class LivePlan {
  readonly connections = new Set<CollabConnection>();
  readonly awareness: awarenessProtocol.Awareness;
  /** Yjs client id → account id, from the server's own records. */
  private readonly clientOwners: Map<number, number>;
  private sectionIndexTimer: NodeJS.Timeout | undefined;
  /** Section ids as last written to SQLite, to tell pages when the set changes. */
  private indexedSectionIds = "";

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
    applyStoredUpdates(doc, updates, LOAD_ORIGIN);
    const plan = new LivePlan(planId, doc, clientOwners, store);
    plan.indexedSectionIds = sectionOutline(doc)
      .map((section) => section.id)
      .join(" ");
    return plan;
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
    this.sectionIndexTimer ??= setTimeout(() => void this.indexSections(), SECTION_INDEX_DELAY_MS);
  };

  /** Writes the sections' ids, titles and order to SQLite; runs after edits and on unload. */
  async indexSections(): Promise<void> {
    clearTimeout(this.sectionIndexTimer);
    this.sectionIndexTimer = undefined;
    try {
      const outline = sectionOutline(this.doc);
      await syncSectionIndex(this.planId, outline);
      const ids = outline.map((section) => section.id).join(" ");
      // A section was added or removed: open pages reload its details (status, lead…).
      if (this.indexedSectionIds && ids !== this.indexedSectionIds) this.broadcast(encodePlanChanged());
      this.indexedSectionIds = ids;
    } catch (error) {
      log.error("section index update failed", { plan: this.planId, ...errorFields(error) });
    }
  }

  broadcast(message: Uint8Array): void {
    for (const connection of this.connections) connection.send(message);
  }

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
    clearTimeout(this.sectionIndexTimer);
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
