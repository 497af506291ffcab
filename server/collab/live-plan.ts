// A plan open in memory: its Y.Doc and presence, the sockets on it, and the two ways
// changes leave it: relayed to the other sockets (encoded once) and queued for storage.
//
// Opening is lazy: a plan's stored state is applied to the Y.Doc only when something needs
// its content (an edit, a returning client's sync). A client that has nothing yet (its state
// vector is empty) is answered with the stored state as it is, so people who open a large
// plan do not wait for the server to integrate 100,000 edits; and a plan nobody has changed
// for a while gives its Y.Doc back (docs/architecture.md, "Opening a plan").
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { commentAnchorsIn, type AnchorPlace } from "../../app/editor/comment-anchors";
import { PLAN_FRAGMENT, planSchema, sectionOutline } from "../../app/editor/document.server";
import { repairDocument } from "../../app/editor/schema-check";
import { applyStoredUpdates, loadClientBindings, loadPlanLog } from "../../app/models/plan-document.server";
import { isPlanContentChecked, listUpdateIdsAfter, loadUpdatesByIds, markPlanContentChecked } from "./storage/sql-update-log";
import { syncSectionIndex } from "../../app/models/section.server";
import { errorFields, log } from "../../app/utils/log.server";
import { encodeAwarenessMessage, encodePlanChanged, encodeSyncStep1For, encodeSyncStep2Update, encodeUpdateMessage } from "./messages";
import type { CollabConnection } from "./connection";
import type { RelayedUpdate } from "./cluster/relay-codec";
import { filterAwarenessUpdate } from "./awareness-stamp";
import { schemaRefusal } from "./schema-guard";
import type { UpdateStore } from "./update-store";

export interface CheckpointTimes {
  /** Quiet time after changes before a checkpoint is due. */
  quietMs: number;
  /** Longest time changes go without a checkpoint while editing goes on. */
  maxIntervalMs: number;
  /** Called when a checkpoint is due (the hub saves it); settles once it is written. */
  due(plan: LivePlan): Promise<void> | void;
}
const NO_CHECKPOINTS: CheckpointTimes = { quietMs: Infinity, maxIntervalMs: Infinity, due: () => undefined };

export interface PlanLimits {
  /** Size the plan may grow to (approximately: stored size plus updates since opening). */
  maxBytes: number;
  /** Quiet time after which the plan's Y.Doc is dropped for its encoded state. */
  hibernateAfterMs: number;
}
const NO_LIMITS: PlanLimits = { maxBytes: Infinity, hibernateAfterMs: Infinity };

/** What the other instances on this plan should hear from it (docs/deployment.md). */
export interface PlanPeers {
  /** Presence changes of our own clients (carets, who is here). */
  shareAwareness(update: Uint8Array): void;
}
const NO_PEERS: PlanPeers = { shareAwareness: () => undefined };

const LOAD_ORIGIN = Symbol("load");
/** Updates another instance stored: relayed to our sockets, never stored again by us. */
const STORED_ELSEWHERE = Symbol("stored elsewhere");
/** Presence relayed from another instance. */
const RELAYED_PRESENCE = Symbol("relayed presence");
/** The server's own edits: taking out what was stored outside the schema before the server
 * checked every update (docs/security.md). */
const REPAIR_ORIGIN = Symbol("repair");
/** An edit the server makes for a person through another path than their socket (the comment
 * mark of docs/comments.md): stored and relayed as theirs, its client id bound to them. */
export class EditOnBehalf {
  constructor(
    readonly userId: number,
    /** A comment mark changes no text: it does not make a checkpoint due. */
    readonly isCommentMark = false,
  ) {}
}

/** Section ids and titles reach SQLite (dashboard, details) this long after the last edit. */
const SECTION_INDEX_DELAY_MS = 1000;

/** Sync step 2 answers kept per plan state, besides the newcomers' (each up to the plan's size). */
const MAX_CACHED_SYNC_ANSWERS = 4;

/**
 * The part of a client's state vector that bears on what it lacks from `doc`. Clients the
 * document has never seen and clocks past ours change nothing in the answer, so they are left
 * out; a lower clock could only make the answer larger, never miss anything.
 */
function relevantStateVector(doc: Y.Doc, stateVector: Uint8Array): Map<number, number> {
  const relevant = new Map<number, number>();
  for (const [clientId, clock] of Y.decodeStateVector(stateVector)) {
    const ours = Y.getState(doc.store, clientId);
    if (clock > 0 && ours > 0) relevant.set(clientId, Math.min(clock, ours));
  }
  return relevant;
}

/**
 * The id ranges an update deletes that `doc` does not have deleted yet, [client, clock, length].
 * A client's sync step 2 declares every deletion it knows of; only the new ones are its own
 * (else whoever reconnects first after a deletion nobody recorded, such as the server's own
 * repair, would be credited with it). Ranges of structs the document does not have yet are kept:
 * they arrive deleted.
 */
function newDeletions(doc: Y.Doc, update: Uint8Array): [number, number, number][] {
  const ranges: [number, number, number][] = [];
  const add = (clientId: number, clock: number, length: number) => {
    const last = ranges[ranges.length - 1];
    if (last && last[0] === clientId && last[1] + last[2] === clock) last[2] += length;
    else ranges.push([clientId, clock, length]);
  };
  for (const [clientId, items] of Y.decodeUpdate(update).ds.clients) {
    const structs = doc.store.clients.get(clientId) ?? [];
    const known = Y.getState(doc.store, clientId);
    for (const { clock, len } of items) {
      const end = clock + len;
      let at = clock;
      if (at < known) {
        for (let index = Y.findIndexSS(structs, at); at < Math.min(end, known); index += 1) {
          const struct = structs[index]!;
          const upTo = Math.min(end, struct.id.clock + struct.length);
          if (!struct.deleted) add(clientId, at, upTo - at);
          at = upTo;
        }
      }
      if (end > at) add(clientId, at, end - at);
    }
  }
  return ranges;
}

export class LivePlan {
  readonly connections = new Set<CollabConnection>();
  readonly awareness: awarenessProtocol.Awareness;
  /** Replaced by a fresh one when the plan hibernates (see hibernate). */
  private doc = new Y.Doc();
  private hibernateTimer: NodeJS.Timeout | undefined;
  private lastChangeAt = Date.now();
  /** The stored content predates the check of every update: repair it when it is opened. */
  private needsRepairOnOpen = false;
  /** Stored updates not yet applied to `doc` (see materialize). */
  private storedUpdates: Uint8Array[] | undefined;
  /** Stored size as of opening, plus every update since: deletions do not shrink it until
   * the plan is compacted and opened again, so it errs on the large side. */
  private approximateBytes: number;
  /** The state vector of `storedUpdates` when they are one row; cleared whenever they change. */
  private storedStateVector: Uint8Array | undefined;
  /** Sync step 2 for a client with an empty document; dropped on every change. */
  private fullStateMessage: Uint8Array | undefined;
  /** Sync step 2 for other state vectors, by the part of the state vector that bears on this
   * document (relevantStateVector); dropped on every change. */
  private readonly syncAnswers = new Map<string, Uint8Array>();
  /** Yjs's held-back structs and deletions as they were when the answers above were encoded:
   * they are part of every answer, and change without an update event. */
  private syncAnswersHeldBack: { structs: Uint8Array | undefined; deletions: Uint8Array | null } = { structs: undefined, deletions: null };
  /** Where comment marks are, read off the document; dropped on every change. */
  private anchors: Map<string, AnchorPlace> | undefined;
  private sectionIndexTimer: NodeJS.Timeout | undefined;
  /** Section ids as last written to SQLite, to tell pages when the set changes. */
  private indexedSectionIds = "";
  /** The outline (ids, titles, order) as last written; unknown ("") until the first write. */
  private indexedOutline = "";

  /** Client ids bound on arrival (applyClientUpdate), stored with the update they came in. */
  private bindingsToStore: number[] = [];
  /** While a client's update is applied: the client ids it carries structs for (onDocUpdate). */
  private clientsInIncomingUpdate: ReadonlySet<number> | null = null;
  /** Deletions a client's update declared, stored with it as that client's account's. */
  private deletionsToStore: [number, number, number][] = [];
  /** Accounts that changed the plan since its last version; null: no change since. */
  private editorsSinceVersion: Set<number> | null = null;
  private lastVersionAt = Date.now();
  private checkpointTimer: NodeJS.Timeout | undefined;

  /** Every row of the plan's update log up to this id is in `doc` (see heal). */
  private healedThroughId: number;
  /** Rows past healedThroughId already in `doc`: stored by us or relayed to us. */
  private readonly seenRowIds = new Set<number>();
  private healing: Promise<void> | undefined;
  /** Asked to heal while a heal was reading: run once more after it. */
  private isHealAgainWanted = false;
  /** While updates stored elsewhere are applied: Yjs may integrate a client's held-back update. */
  private mayApplyHeldBack = false;
  /** Awareness client ids whose presence another instance relays. */
  private readonly relayedAwarenessIds = new Set<number>();
  private isDestroyed = false;

  private constructor(
    readonly planId: string,
    storedUpdates: Uint8Array[],
    /** Yjs client id → account id, from the server's own records. */
    private readonly clientOwners: Map<number, number>,
    private readonly store: UpdateStore,
    private readonly limits: PlanLimits,
    private readonly checkpoints: CheckpointTimes,
    lastUpdateId: number,
    private readonly peers: PlanPeers,
  ) {
    this.healedThroughId = lastUpdateId;
    this.storedUpdates = storedUpdates;
    this.approximateBytes = storedUpdates.reduce((sum, update) => sum + update.byteLength, 0);
    // Presence has a document of its own: the plan's is replaced when it hibernates.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    this.awareness.setLocalState(null);
    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  static async load(
    planId: string,
    store: UpdateStore,
    limits: PlanLimits = NO_LIMITS,
    checkpoints: CheckpointTimes = NO_CHECKPOINTS,
    peers: PlanPeers = NO_PEERS,
  ): Promise<LivePlan> {
    const [{ updates, lastUpdateId }, clientOwners, isContentChecked] = await Promise.all([
      loadPlanLog(planId),
      loadClientBindings(planId),
      isPlanContentChecked(planId),
    ]);
    const plan = new LivePlan(planId, updates, clientOwners, store, limits, checkpoints, lastUpdateId, peers);
    if (!isContentChecked) plan.checkStoredContent();
    return plan;
  }

  /**
   * A plan stored before every update was checked may hold what the schema cannot (migration
   * 0006): it is opened in full now, so that nobody is served its stored bytes as they are, and
   * repaired (document()); once the repair is stored, it never needs this again.
   */
  private checkStoredContent(): void {
    this.needsRepairOnOpen = true;
    this.document();
    this.store
      .whenStored()
      .then(() => markPlanContentChecked(this.planId))
      // Checked again the next time it is opened.
      .catch((error) => log.error("could not record that a plan's content was checked", { plan: this.planId, ...errorFields(error) }));
  }

  /** Whether anything changed since the last version was kept. */
  get hasChangesSinceVersion(): boolean {
    return this.editorsSinceVersion !== null;
  }

  /** The accounts that edited since the last version; resets the count for the next one. */
  takeEditorsSinceVersion(): number[] {
    const editors = [...(this.editorsSinceVersion ?? [])];
    this.editorsSinceVersion = null;
    this.lastVersionAt = Date.now();
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    return editors;
  }

  private noteChangeForCheckpoint(authorId: number | null): void {
    this.editorsSinceVersion ??= new Set();
    if (authorId !== null) this.editorsSinceVersion.add(authorId);
    if (!Number.isFinite(this.checkpoints.quietMs)) return;
    clearTimeout(this.checkpointTimer);
    if (Date.now() - this.lastVersionAt >= this.checkpoints.maxIntervalMs) {
      // Once, not on every keystroke until the checkpoint is written.
      this.lastVersionAt = Date.now();
      this.checkpointTimer = undefined;
      void this.checkpoints.due(this);
      return;
    }
    this.checkpointTimer = setTimeout(() => void this.checkpoints.due(this), this.checkpoints.quietMs);
    this.checkpointTimer.unref();
  }

  /** Whether the Y.Doc is built (not waiting to be opened, nor hibernating). */
  get isInMemory(): boolean {
    return this.storedUpdates === undefined;
  }

  /** The plan's document with everything stored applied: call before reading or changing it. */
  document(): Y.Doc {
    const stored = this.storedUpdates;
    if (stored) {
      this.storedUpdates = undefined;
      this.storedStateVector = undefined;
      applyStoredUpdates(this.doc, stored, LOAD_ORIGIN);
      if (this.needsRepairOnOpen) {
        // Once: what is stored after it was checked every update on arrival.
        this.needsRepairOnOpen = false;
        const repairs = repairDocument(this.doc, this.doc.getXmlFragment(PLAN_FRAGMENT), planSchema(), REPAIR_ORIGIN);
        if (repairs > 0) log.warn("stored plan held content outside the schema; taken out as the server's edit", { plan: this.planId, repairs });
      }
      this.indexedSectionIds = sectionOutline(this.doc)
        .map((section) => section.id)
        .join(" ");
      this.lastChangeAt = Date.now();
      this.armHibernation(this.limits.hibernateAfterMs);
    }
    return this.doc;
  }

  private armHibernation(delayMs: number): void {
    if (!Number.isFinite(delayMs)) return;
    this.hibernateTimer = setTimeout(() => void this.hibernate(), delayMs);
    this.hibernateTimer.unref();
  }

  /**
   * After `hibernateAfterMs` without a change, trades the Y.Doc (tens of times the size of
   * its encoding in memory) for its encoded state, once every change is stored. The next
   * reader or writer brings it back through document(); people on the plan notice nothing.
   */
  private async hibernate(): Promise<void> {
    this.hibernateTimer = undefined;
    if (this.storedUpdates) return;
    const quietFor = Date.now() - this.lastChangeAt;
    if (quietFor < this.limits.hibernateAfterMs || this.sectionIndexTimer) {
      return this.armHibernation(Math.max(100, this.limits.hibernateAfterMs - quietFor));
    }
    if (this.checkpointTimer) {
      // Editing has gone quiet: keep its checkpoint now (later it would bring the Y.Doc back).
      clearTimeout(this.checkpointTimer);
      this.checkpointTimer = undefined;
      await this.checkpoints.due(this);
      if (this.storedUpdates) return;
    }
    const changeBefore = this.lastChangeAt;
    await this.store.whenStored();
    if (this.storedUpdates || this.lastChangeAt !== changeBefore) return this.armHibernation(this.limits.hibernateAfterMs);
    const state = Y.encodeStateAsUpdate(this.doc);
    this.doc.off("update", this.onDocUpdate);
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.doc.on("update", this.onDocUpdate);
    this.storedUpdates = [state];
    this.storedStateVector = undefined;
    this.fullStateMessage = undefined;
    this.syncAnswers.clear();
  }

  /** Sync step 1 (our state vector), read from the stored state while it is not applied
   * (reading it parses the whole state, so it is kept for the next newcomer). */
  syncStep1(): Uint8Array {
    const stored = this.storedUpdates;
    if (stored?.length === 1) {
      this.storedStateVector ??= Y.encodeStateVectorFromUpdate(stored[0]!);
      return encodeSyncStep1For(this.storedStateVector);
    }
    return encodeSyncStep1For(Y.encodeStateVector(this.document()));
  }

  /** Sync step 2: what a client with this state vector lacks. `onEncoded` is called each time
   * the answer has to be encoded from the document (for the metrics). */
  syncStep2(stateVector: Uint8Array, onEncoded: () => void = () => undefined): Uint8Array {
    const isEmpty = stateVector.length === 1 && stateVector[0] === 0;
    if (!isEmpty) {
      const doc = this.document();
      this.dropSyncAnswersIfHeldBackChanged(doc);
      const relevant = relevantStateVector(doc, stateVector);
      // Every client asking with the same relevant part gets the same answer: encoded once per
      // state of the plan, however a modified client dresses its state vector up.
      if (relevant.size > 0) return this.syncAnswerFor(doc, Y.encodeStateVector(relevant), onEncoded);
      // Nothing we have: the same answer as for a newcomer.
    } else if (!this.storedUpdates) {
      this.dropSyncAnswersIfHeldBackChanged(this.doc);
    }
    if (!this.fullStateMessage) {
      const stored = this.storedUpdates;
      if (stored?.length !== 1) onEncoded();
      // One stored row is the whole state already; else encode once for every newcomer.
      const state = stored?.length === 1 ? stored[0]! : Y.encodeStateAsUpdate(this.document());
      this.fullStateMessage = encodeSyncStep2Update(state);
      // The message ends with the state: keep that view rather than a second copy.
      if (stored?.length === 1) this.storedUpdates = [this.fullStateMessage.subarray(this.fullStateMessage.length - state.length)];
    }
    return this.fullStateMessage;
  }

  private syncAnswerFor(doc: Y.Doc, stateVector: Uint8Array, onEncoded: () => void): Uint8Array {
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString("latin1");
    let answer = this.syncAnswers.get(key);
    if (!answer) {
      onEncoded();
      answer = encodeSyncStep2Update(Y.encodeStateAsUpdate(doc, stateVector));
      // Clients coming back share one or two; a socket asking for many is held to its budget.
      if (this.syncAnswers.size >= MAX_CACHED_SYNC_ANSWERS) this.syncAnswers.delete(this.syncAnswers.keys().next().value!);
      this.syncAnswers.set(key, answer);
    }
    return answer;
  }

  private dropSyncAnswersIfHeldBackChanged(doc: Y.Doc): void {
    const structs = doc.store.pendingStructs?.update;
    const deletions = doc.store.pendingDs;
    if (structs === this.syncAnswersHeldBack.structs && deletions === this.syncAnswersHeldBack.deletions) return;
    this.syncAnswersHeldBack = { structs, deletions };
    this.syncAnswers.clear();
    this.fullStateMessage = undefined;
  }

  /** About the size of the whole plan encoded (it errs on the large side): what a client's
   * initial sync may take. */
  get approximateSize(): number {
    return this.approximateBytes;
  }

  /**
   * An update from a client (its connection is the origin: relayed to others and stored).
   * "outsideSchema": it adds something the plan schema does not hold (schema-guard.ts); nothing
   * of it is applied, stored or relayed. "tooLarge": the plan is at its size limit and the
   * update was not applied.
   */
  applyClientUpdate(
    update: Uint8Array,
    connection: CollabConnection,
  ): "applied" | "outsideSchema" | "tooLarge" | "foreignClient" | "ownClientIdTaken" {
    if (this.approximateBytes + update.byteLength > this.limits.maxBytes) return "tooLarge";
    const doc = this.document();
    const userId = connection.user.id;
    // Authorship (docs/versions.md) rests on each Yjs client id having one account: structs
    // under a client id bound to another account are taken out before anything is applied
    // (the rest of the update, the sender's own edits, still counts).
    const { to } = Y.parseUpdateMeta(update);
    const foreign = [...to].filter(([clientId, end]) => {
      const owner = this.clientOwners.get(clientId);
      return owner !== undefined && owner !== userId && end > Y.getState(doc.store, clientId);
    });
    if (foreign.length > 0) update = Y.diffUpdate(update, Y.encodeStateVector(new Map(foreign.map(([clientId]) => [clientId, 2 ** 53 - 1]))));
    const refusal = schemaRefusal(doc, update);
    if (refusal) {
      log.warn("update refused whole: outside the plan schema", { plan: this.planId, user: userId, reason: refusal });
      return "outsideSchema";
    }
    // Client ids are bound to the account whose update first names them, on arrival: if an
    // update waited in Yjs for text it builds on, it must not count as the next sender's.
    const boundOnArrival: number[] = [];
    for (const [clientId, end] of to) {
      if (end > Y.getState(doc.store, clientId) && !this.clientOwners.has(clientId)) {
        this.clientOwners.set(clientId, userId);
        boundOnArrival.push(clientId);
      }
    }
    this.bindingsToStore.push(...boundOnArrival);
    // Likewise deletions count as the sender's when they arrive: Yjs may hold an update back
    // until what it builds on arrives (a client typing while it resyncs) and then apply it
    // inside someone else's transaction.
    this.deletionsToStore.push(...newDeletions(doc, update));
    this.approximateBytes += update.byteLength;
    this.clientsInIncomingUpdate = new Set(to.keys());
    Y.applyUpdate(doc, update, connection);
    this.clientsInIncomingUpdate = null;
    if (this.bindingsToStore.length > 0 || this.deletionsToStore.length > 0) {
      // Nothing of it applied yet (it waits for what it builds on): record who sent it now.
      this.store.enqueue({
        planId: this.planId,
        userId,
        update: null,
        createdAt: Date.now(),
        newClientIds: this.bindingsToStore.splice(0),
        deletions: this.deletionsToStore.splice(0),
      });
    }
    // The sender's own editing session (its presence speaks for the id) lost edits: it must
    // not be told "Saved" for them.
    if (foreign.some(([clientId]) => connection.awarenessClientIds.has(clientId))) return "ownClientIdTaken";
    if (foreign.length > 0) return "foreignClient";
    return "applied";
  }

  /** Where each comment thread's passage is (docs/comments.md). */
  commentAnchors(): Map<string, AnchorPlace> {
    this.anchors ??= commentAnchorsIn(this.document());
    return this.anchors;
  }

  /** Applies an update the server computed for `userId` (see EditOnBehalf). */
  applyEditOnBehalf(update: Uint8Array, userId: number, options: { isCommentMark?: boolean } = {}): "applied" | "tooLarge" {
    if (this.approximateBytes + update.byteLength > this.limits.maxBytes) return "tooLarge";
    this.approximateBytes += update.byteLength;
    Y.applyUpdate(this.document(), update, new EditOnBehalf(userId, options.isCommentMark));
    return "applied";
  }

  /**
   * Updates another instance stored (published to us, or read back by heal): applied and
   * passed to our sockets, not stored again. Rows we already have are left out.
   */
  applyStoredElsewhere(updates: RelayedUpdate[], bindings: Iterable<[number, number]>): void {
    for (const [clientId, userId] of bindings) {
      if (!this.clientOwners.has(clientId)) this.clientOwners.set(clientId, userId);
    }
    const fresh = updates.filter((u) => u.rowId > this.healedThroughId && !this.seenRowIds.has(u.rowId));
    // Too large to publish, they came as row ids: read them from the database.
    const withheld = fresh.filter((u) => u.update.byteLength === 0);
    this.applyRows(withheld.length === 0 ? fresh : fresh.filter((u) => u.update.byteLength > 0));
    if (withheld.length > 0) void this.heal().catch((error) => log.error("reading a large update another instance stored failed; will retry", { plan: this.planId, ...errorFields(error) }));
  }

  /** Marks a row we stored ourselves as in the document (heal skips it). */
  noteStoredRow(rowId: number): void {
    if (rowId > this.healedThroughId) this.seenRowIds.add(rowId);
  }

  private applyRows(rows: RelayedUpdate[]): void {
    if (rows.length === 0 || this.isDestroyed) return;
    for (const row of rows) {
      this.noteStoredRow(row.rowId);
      this.approximateBytes += row.update.byteLength;
      // Their authors count for the next version; its timer is the storing instance's.
      if (row.userId !== null) (this.editorsSinceVersion ??= new Set()).add(row.userId);
    }
    const doc = this.document();
    // If Yjs is holding back one of our clients' updates until what it builds on arrives,
    // this transaction may apply it: then we store the transaction (see onDocUpdate).
    this.mayApplyHeldBack = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    try {
      applyStoredUpdates(doc, rows.map((row) => row.update), STORED_ELSEWHERE);
    } finally {
      this.mayApplyHeldBack = false;
    }
  }

  /**
   * Reads from the database the rows other instances stored that we have not seen (pub/sub
   * can drop messages, Redis can restart) and applies them. Runs after loading, after Redis
   * reconnects, and every few seconds while the plan is open; one at a time.
   */
  heal(): Promise<void> {
    if (this.healing) {
      // The running read may have listed ids before the row we are asked about committed.
      this.isHealAgainWanted = true;
      return this.healing;
    }
    this.healing = this.readMissedRows().finally(() => {
      this.healing = undefined;
      if (!this.isHealAgainWanted) return;
      this.isHealAgainWanted = false;
      void this.heal().catch((error) => log.error("reading other instances' updates failed; will retry", { plan: this.planId, ...errorFields(error) }));
    });
    return this.healing;
  }

  private async readMissedRows(): Promise<void> {
    const rows = await listUpdateIdsAfter(this.planId, this.healedThroughId);
    if (rows.length === 0 || this.isDestroyed) return;
    // A row another instance's compaction merged may fold in rows we never saw: read it again.
    const missing = rows.filter((row) => !this.seenRowIds.has(row.id) || row.mergedCount > 1).map((row) => row.id);
    if (missing.length > 0) {
      const [found, bindings] = await Promise.all([loadUpdatesByIds(this.planId, missing), loadClientBindings(this.planId)]);
      // The database's binding is the first one committed anywhere: it wins over one made
      // here on arrival (a client that moved from a dead instance may bring others' structs).
      for (const [clientId, userId] of bindings) this.clientOwners.set(clientId, userId);
      this.applyRows(found);
      // Gone between the two reads: another instance's compaction merged them into a later
      // row, which the next heal lists with merged_count > 1 and reads. Until then, stay here.
      if (found.length < missing.length) return;
    }
    // A plan's rows commit in id order (appendUpdates), so nothing at or below this id is to come.
    const through = rows[rows.length - 1]!.id;
    if (through <= this.healedThroughId) return;
    this.healedThroughId = through;
    for (const id of this.seenRowIds) if (id <= through) this.seenRowIds.delete(id);
  }

  /** Presence another instance relays for its clients (never for an id a socket here speaks for). */
  applyRelayedAwareness(update: Uint8Array): void {
    const ownedHere = new Set([...this.connections].flatMap((connection) => [...connection.awarenessClientIds]));
    const relayed = ownedHere.size === 0 ? update : filterAwarenessUpdate(update, (clientId) => !ownedHere.has(clientId));
    if (relayed) awarenessProtocol.applyAwarenessUpdate(this.awareness, relayed, RELAYED_PRESENCE);
  }

  /** The presence of this instance's own clients, for an instance that just opened the plan. */
  localPresence(): Uint8Array | null {
    const states = this.awareness.getStates();
    const ids = [...this.connections].flatMap((connection) => [...connection.awarenessClientIds]).filter((id) => states.has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (origin === LOAD_ORIGIN) return;
    this.fullStateMessage = undefined;
    this.syncAnswers.clear();
    this.anchors = undefined;
    this.lastChangeAt = Date.now();
    const message = encodeUpdateMessage(update);
    if (origin === STORED_ELSEWHERE) {
      this.broadcast(message);
      if (this.mayApplyHeldBack) {
        // Stored again in full: harmless for what is stored already, and it keeps what one of
        // our clients sent (its author and deletions were recorded when it arrived).
        this.store.enqueue({ planId: this.planId, userId: null, update, createdAt: Date.now(), newClientIds: [], deletions: [] });
      }
      this.sectionIndexTimer ??= setTimeout(() => void this.indexSections(), SECTION_INDEX_DELAY_MS);
      return;
    }
    // The sender has what it sent; but if Yjs applied a held-back update of someone else's
    // inside this transaction, the sender lacks that part: it gets the whole update too.
    const incoming = this.clientsInIncomingUpdate;
    const senderLacksSome =
      incoming !== null &&
      [...transaction.afterState].some(([clientId, clock]) => clock > (transaction.beforeState.get(clientId) ?? 0) && !incoming.has(clientId));
    for (const connection of this.connections) {
      if (connection !== origin || senderLacksSome) connection.send(message);
    }
    const connection = this.connectionOf(origin);
    const authorId = connection?.user.id ?? (origin instanceof EditOnBehalf ? origin.userId : null);
    const newClientIds: number[] = [];
    if (connection) newClientIds.push(...this.bindingsToStore.splice(0));
    if (authorId !== null) {
      for (const [clientId, clock] of transaction.afterState) {
        if (clock > (transaction.beforeState.get(clientId) ?? 0) && !this.clientOwners.has(clientId)) {
          this.clientOwners.set(clientId, authorId);
          newClientIds.push(clientId);
        }
      }
    }
    // A client's deletions are the ones its update declared (recorded on arrival); the
    // server's own edits' are the transaction's.
    const deletions: [number, number, number][] = connection ? this.deletionsToStore.splice(0) : [];
    if (!connection && authorId !== null) {
      for (const [clientId, ranges] of transaction.deleteSet.clients) {
        for (const range of ranges) deletions.push([clientId, range.clock, range.len]);
      }
    }
    this.store.enqueue({
      planId: this.planId,
      userId: authorId,
      deletions,
      update,
      createdAt: Date.now(),
      newClientIds,
    });
    this.sectionIndexTimer ??= setTimeout(() => void this.indexSections(), SECTION_INDEX_DELAY_MS);
    if (!(origin instanceof EditOnBehalf && origin.isCommentMark)) this.noteChangeForCheckpoint(authorId);
  };

  /** Writes the sections' ids, titles and order to SQLite; runs after edits and on unload. */
  async indexSections(): Promise<void> {
    clearTimeout(this.sectionIndexTimer);
    this.sectionIndexTimer = undefined;
    try {
      if (this.storedUpdates) return; // never opened for reading: nothing can have changed
      const outline = sectionOutline(this.doc);
      const outlineKey = JSON.stringify(outline);
      // Typing in a paragraph leaves the outline as it was: no write.
      if (outlineKey === this.indexedOutline) return;
      await syncSectionIndex(this.planId, outline);
      this.indexedOutline = outlineKey;
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
    for (const clientId of removed) this.relayedAwarenessIds.delete(clientId);
    if (origin === RELAYED_PRESENCE) {
      for (const clientId of [...added, ...updated]) this.relayedAwarenessIds.add(clientId);
    } else if (origin !== "timeout") {
      // Our clients' presence (and their leaving); not states the 30-second timeout dropped
      // here, which may be alive on their own instance.
      this.peers.shareAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
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
    if (!this.relayedAwarenessIds.has(clientId)) return false;
    // Another instance speaks for it; the same account may take it over (it moved here).
    const state = this.awareness.getStates().get(clientId) as { user?: { id?: unknown } } | undefined;
    return state?.user?.id !== connection.user.id;
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
    this.isDestroyed = true;
    clearTimeout(this.sectionIndexTimer);
    clearTimeout(this.checkpointTimer);
    clearTimeout(this.hibernateTimer);
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
