// A plan open in memory: its Y.Doc, the sockets on it, and the two ways changes leave it:
// relayed to the other sockets (encoded once) and queued for storage with their authorship
// (authorship.ts). Presence, healing, checkpoint timing and the section index are parts of
// their own, built here.
//
// Opening is lazy: a plan's stored state is applied to the Y.Doc only when something needs
// its content (an edit, a returning client's sync). A client that has nothing yet (its state
// vector is empty) is answered with the stored state as it is, so people who open a large
// plan do not wait for the server to integrate 100,000 edits; and a plan nobody has changed
// for a while gives its Y.Doc back (docs/architecture.md, "Opening a plan").
import * as Y from "yjs";
import { commentAnchorsIn, type AnchorPlace } from "../../app/editor/comment-anchors";
import type { SuggestionInDocument } from "../../app/editor/suggestion-marks";
import { PLAN_FRAGMENT, planSchema } from "../../app/editor/document.server";
import { repairDocument } from "../../app/editor/schema-check";
import { applyStoredUpdates, type StateSummary } from "../../app/models/plan-document.server";
import { can } from "../../app/models/roles";
import { errorFields, log } from "../../app/utils/log.server";
import { authorshipOf, ClientUpdate, EditOnBehalf, LOAD_ORIGIN, REPAIR_ORIGIN, StoredElsewhere, type ClientOwners } from "./authorship";
import { CheckpointTimer, NO_CHECKPOINTS, type CheckpointTimes } from "./checkpoint-timer";
import { PlanHealing } from "./healing";
import { encodePlanChanged, encodeSyncStep1For, encodeSyncStep2Update, encodeThreadsChanged, encodeUpdateMessage } from "./messages";
import type { PlanSocket } from "./plan-socket";
import { PlanPresence } from "./presence";
import { SectionIndex } from "./section-index";
import { SignOffWatch } from "./sign-off-watch";
import { SuggestionGate } from "./suggestion-gate";
import { SuggestionIndex } from "./suggestion-index";
import type { StoredRow, UpdateLog } from "./storage/update-log";
import { SyncAnswers } from "./sync-answers";
import type { UpdateStore } from "./update-store";

export interface PlanLimits {
  /** Size the plan may grow to (approximately: stored size plus updates since opening). */
  maxBytes: number;
  /** Quiet time after which the plan's Y.Doc is dropped for its encoded state. */
  hibernateAfterMs: number;
}
const NO_LIMITS: PlanLimits = { maxBytes: Infinity, hibernateAfterMs: Infinity };
/** An update that adds nothing: the sync answer for a client that has everything. */
const NOTHING = Y.encodeStateAsUpdate(new Y.Doc());

export interface LivePlanOptions {
  planId: string;
  /** Where the plan's changes are queued for storage. */
  store: UpdateStore;
  /** Where the plan is read from when it opens and heals. */
  log: UpdateLog;
  limits?: PlanLimits;
  /** When a checkpoint is due, and who keeps it (the hub); settles once it is written. */
  checkpoints?: CheckpointTimes & { due(plan: LivePlan): Promise<void> | void };
  /** Presence changes of our own clients (carets, who is here), for the other instances
   * (none: there are no others). */
  shareAwareness?: (update: Uint8Array) => void;
}

export class LivePlan {
  readonly planId: string;
  readonly connections = new Set<PlanSocket>();
  readonly presence: PlanPresence;
  readonly healing: PlanHealing;
  readonly checkpoints: CheckpointTimer;
  private readonly sections: SectionIndex;
  /** What suggesters may change, and who each suggestion belongs to (suggestion-gate.ts). */
  readonly suggestionGate = new SuggestionGate(() => this.document());
  /** The suggestions table kept in step with the document (suggestion-index.ts). */
  readonly suggestions: SuggestionIndex;
  /** Sign-off answers an edit of their section withdraws (sign-off-watch.ts). */
  readonly signOffs: SignOffWatch;
  private readonly store: UpdateStore;
  private readonly limits: PlanLimits;
  /** Replaced by a fresh one when the plan hibernates (see hibernate). */
  private doc = new Y.Doc();
  private hibernateTimer: NodeJS.Timeout | undefined;
  private lastChangeAt = Date.now();
  /** The stored content predates the check of every update: repair it when it is opened. */
  private needsRepairOnOpen = false;
  /** Stored updates not yet applied to `doc` (see document()). */
  private storedUpdates: Uint8Array[] | undefined;
  /** Stored size as of opening, plus every update since: deletions do not shrink it until
   * the plan is compacted and opened again, so it errs on the large side. */
  private approximateBytes: number;
  /** The state vector of `storedUpdates` when they are one row; cleared whenever they change. */
  private storedStateVector: Uint8Array | undefined;
  private readonly syncAnswers = new SyncAnswers();
  /** Where comment marks are, read off the document; dropped on every change. */
  private anchors: Map<string, AnchorPlace> | undefined;
  /** The suggestions in the stored state while it is not applied (its summary); dropped on every change. */
  private storedSuggestions: SuggestionInDocument[] | undefined;
  private isDestroyed = false;
  /** Opened without a stored summary: the registry stores one when the plan is unloaded. */
  readonly lacksSummary: boolean;

  private constructor(
    options: LivePlanOptions,
    stored: { updates: Uint8Array[]; lastUpdateId: number; summary?: StateSummary },
    /** Yjs client id → account id, from the server's own records. */
    private readonly clientOwners: ClientOwners,
  ) {
    const { planId, checkpoints = { ...NO_CHECKPOINTS, due: () => undefined } } = options;
    this.planId = planId;
    this.store = options.store;
    this.limits = options.limits ?? NO_LIMITS;
    this.storedUpdates = stored.updates;
    // A compacted plan opens without building its document: a newcomer's sync and the
    // threads panel are answered from the state's summary (migration 0012).
    this.storedStateVector = stored.summary?.stateVector;
    this.anchors = stored.summary?.commentAnchors;
    this.storedSuggestions = stored.summary?.suggestions;
    this.lacksSummary = stored.summary === undefined;
    this.approximateBytes = stored.updates.reduce((sum, update) => sum + update.byteLength, 0);
    this.presence = new PlanPresence(this.connections, options.shareAwareness);
    this.checkpoints = new CheckpointTimer(checkpoints, () => checkpoints.due(this));
    this.sections = new SectionIndex(
      planId,
      () => (this.storedUpdates ? undefined : this.doc),
      () => this.broadcast(encodePlanChanged()),
    );
    this.suggestions = new SuggestionIndex(
      planId,
      () => (this.storedUpdates ? undefined : this.doc),
      () => this.broadcast(encodeThreadsChanged()),
    );
    this.signOffs = new SignOffWatch(planId, () => this.broadcast(encodePlanChanged()));
    this.healing = new PlanHealing({
      planId,
      log: options.log,
      owners: clientOwners,
      healedThroughId: stored.lastUpdateId,
      applyRows: (rows) => this.applyRows(rows),
      isDestroyed: () => this.isDestroyed,
    });
    this.doc.on("update", this.onDocUpdate);
  }

  static async load(options: LivePlanOptions): Promise<LivePlan> {
    const { planId, log: updateLog } = options;
    const [stored, clientOwners, isContentChecked] = await Promise.all([
      updateLog.readPlan(planId),
      updateLog.readClientBindings(planId),
      updateLog.isContentChecked(planId),
    ]);
    const plan = new LivePlan(options, stored, clientOwners);
    await plan.signOffs.reload();
    if (!isContentChecked) plan.checkStoredContent(updateLog);
    return plan;
  }

  /**
   * A plan stored before every update was checked may hold what the schema cannot (migration
   * 0006): it is opened in full now, so that nobody is served its stored bytes as they are, and
   * repaired (document()); once the repair is stored, it never needs this again.
   */
  private checkStoredContent(updateLog: UpdateLog): void {
    this.needsRepairOnOpen = true;
    this.document();
    this.store
      .whenStored()
      .then(() => updateLog.markContentChecked(this.planId))
      // Checked again the next time it is opened.
      .catch((error) => log.error("could not record that a plan's content was checked", { plan: this.planId, ...errorFields(error) }));
  }

  /** The awareness the plan's sockets share (presence.ts). */
  get awareness() {
    return this.presence.awareness;
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
        if (repairs > 0)
          log.warn("stored plan held content outside the schema; taken out as the server's edit", { plan: this.planId, repairs });
      }
      this.sections.rememberOpened(this.doc);
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
    if (quietFor < this.limits.hibernateAfterMs || this.sections.isWaiting || this.suggestions.isWaiting) {
      return this.armHibernation(Math.max(100, this.limits.hibernateAfterMs - quietFor));
    }
    // Editing has gone quiet: keep its checkpoint now (later it would bring the Y.Doc back).
    if ((await this.checkpoints.keepWaitingNow()) && this.storedUpdates) return;
    const changeBefore = this.lastChangeAt;
    await this.store.whenStored();
    if (this.storedUpdates || this.lastChangeAt !== changeBefore) return this.armHibernation(this.limits.hibernateAfterMs);
    const state = Y.encodeStateAsUpdate(this.doc);
    // Kept for the next newcomer's sync step 1 and the suggestions panel (from the state, each
    // would parse or build all of it).
    const stateVector = Y.encodeStateVector(this.doc);
    const suggestions = this.suggestions.inDocument(this.doc);
    this.doc.off("update", this.onDocUpdate);
    this.doc.destroy();
    this.suggestionGate.forgetProvingCopy();
    this.doc = new Y.Doc();
    this.doc.on("update", this.onDocUpdate);
    this.storedUpdates = [state];
    this.storedStateVector = stateVector;
    this.storedSuggestions = suggestions;
    this.syncAnswers.forget();
  }

  /** Sync step 1 (our state vector), while the stored state is not applied: from its stored
   * summary, or read from the state (which parses all of it, so it is kept for the next). */
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
    // A page opened from the plan's opening (app/collab/opening.ts) has the stored state already:
    // it lacks nothing, and the document need not be built to say so.
    if (!isEmpty && this.hasStoredState(stateVector)) return encodeSyncStep2Update(NOTHING);
    if (!isEmpty) {
      const doc = this.document();
      this.syncAnswers.checkHeldBack(doc);
      const answer = this.syncAnswers.forStateVector(doc, stateVector, onEncoded);
      if (answer) return answer;
      // Nothing we have: the same answer as for a newcomer.
    } else if (!this.storedUpdates) {
      this.syncAnswers.checkHeldBack(this.doc);
    }
    if (!this.syncAnswers.newcomers) {
      const stored = this.storedUpdates;
      if (stored?.length !== 1) onEncoded();
      // One stored row is the whole state already; else encode once for every newcomer.
      const state = stored?.length === 1 ? stored[0]! : Y.encodeStateAsUpdate(this.document());
      const message = encodeSyncStep2Update(state);
      this.syncAnswers.newcomers = message;
      // The message ends with the state: keep that view rather than a second copy.
      if (stored?.length === 1) this.storedUpdates = [message.subarray(message.length - state.length)];
    }
    return this.syncAnswers.newcomers;
  }

  /** Whether, while the plan is one stored state not applied, a client with this state vector
   * has all of it. */
  private hasStoredState(stateVector: Uint8Array): boolean {
    const stored = this.storedUpdates;
    if (stored?.length !== 1) return false;
    this.storedStateVector ??= Y.encodeStateVectorFromUpdate(stored[0]!);
    let clients: Map<number, number>;
    try {
      clients = Y.decodeStateVector(stateVector);
    } catch {
      return false;
    }
    for (const [clientId, clock] of Y.decodeStateVector(this.storedStateVector)) {
      if ((clients.get(clientId) ?? 0) < clock) return false;
    }
    return true;
  }

  /** About the size of the whole plan encoded (it errs on the large side): what a client's
   * initial sync may take. */
  get approximateSize(): number {
    return this.approximateBytes;
  }

  /**
   * An update from a client (relayed to others and stored as its socket's account's).
   * "outsideSchema": it adds something the plan schema does not hold (schema-guard.ts);
   * "notASuggestion": it changes more than its sender's own suggestions (suggestion-gate.ts);
   * nothing of either is applied, stored or relayed. "rateLimited": a suggester whose refused
   * updates have cost too many proving copies of late; not applied either. "tooLarge": the plan is at its size limit and the
   * update was not applied. "foreignClient", "ownClientIdTaken": see ClientUpdate.outcome.
   */
  applyClientUpdate(
    update: Uint8Array,
    socket: PlanSocket,
  ): "applied" | "outsideSchema" | "notASuggestion" | "rateLimited" | "tooLarge" | "foreignClient" | "ownClientIdTaken" {
    if (this.approximateBytes + update.byteLength > this.limits.maxBytes) return "tooLarge";
    const doc = this.document();
    const incoming = ClientUpdate.check(doc, update, socket, this.clientOwners, this.suggestionGate);
    if (incoming.refusal) {
      const why = incoming.refusal.kind === "outsideSchema" ? "outside the plan schema" : "more than the sender's own suggestions";
      log.warn(`update refused whole: ${why}`, { plan: this.planId, user: incoming.userId, ...incoming.refusal });
      return incoming.refusal.kind;
    }
    incoming.admit(doc, this.clientOwners);
    this.approximateBytes += incoming.update.byteLength;
    Y.applyUpdate(doc, incoming.update, incoming);
    const unapplied = incoming.unappliedRecord(this.planId);
    if (unapplied) this.store.enqueue(unapplied);
    return incoming.outcome();
  }

  /** The suggestions in the document (the suggestions panel): from the stored state's summary
   * while the document is not built, else read off it. */
  suggestionsInDocument(): SuggestionInDocument[] {
    if (this.storedUpdates && this.storedSuggestions) return this.storedSuggestions;
    return this.suggestions.inDocument(this.document());
  }

  /** Where each comment thread's passage is (docs/comments.md). */
  commentAnchors(): Map<string, AnchorPlace> {
    this.anchors ??= commentAnchorsIn(this.document());
    return this.anchors;
  }

  /** Applies an update the server computed for `userId` (see EditOnBehalf). */
  applyEditOnBehalf(
    update: Uint8Array,
    userId: number,
    options: { isCommentMark?: boolean; isSuggestion?: boolean } = {},
  ): "applied" | "tooLarge" {
    if (this.approximateBytes + update.byteLength > this.limits.maxBytes) return "tooLarge";
    this.approximateBytes += update.byteLength;
    Y.applyUpdate(this.document(), update, new EditOnBehalf(userId, options.isCommentMark, options.isSuggestion));
    return "applied";
  }

  /** Rows another instance stored (relayed, or read back by healing): applied, not stored again. */
  private applyRows(rows: StoredRow[]): void {
    if (rows.length === 0 || this.isDestroyed) return;
    for (const row of rows) {
      this.healing.noteStoredRow(row.rowId);
      this.approximateBytes += row.update.byteLength;
      if (row.userId !== null) this.checkpoints.noteAuthor(row.userId);
    }
    const doc = this.document();
    // If Yjs is holding back one of our clients' updates until what it builds on arrives,
    // this transaction may apply it: then we store the transaction (see onDocUpdate).
    const mayApplyHeldBack = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    applyStoredUpdates(
      doc,
      rows.map((row) => row.update),
      new StoredElsewhere(mayApplyHeldBack),
    );
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (origin === LOAD_ORIGIN) return;
    // Also what a suggester sent, already on the proving copy: Yjs may have let held-back
    // structs of others in with it, and applying what a document has is cheap.
    this.suggestionGate.follow(update, transaction);
    this.syncAnswers.forget();
    this.anchors = undefined;
    this.storedSuggestions = undefined;
    this.lastChangeAt = Date.now();
    const message = encodeUpdateMessage(update);
    if (origin instanceof StoredElsewhere) {
      this.broadcast(message);
      if (origin.mayApplyHeldBack) {
        // Stored again in full: harmless for what is stored already, and it keeps what one of
        // our clients sent (its author and deletions were recorded when it arrived).
        this.store.enqueue({ planId: this.planId, userId: null, update, createdAt: Date.now(), newClientIds: [], deletions: [] });
      }
      this.sections.writeSoon();
      this.suggestions.noteEdit(null);
      return;
    }
    const incoming = origin instanceof ClientUpdate ? origin : undefined;
    const sender = incoming && !incoming.senderLacksPartOf(transaction) ? incoming.socket : undefined;
    for (const socket of this.connections) {
      if (socket !== sender) socket.send(message);
    }
    const authorship = authorshipOf(origin, transaction, this.clientOwners);
    this.store.enqueue({ planId: this.planId, ...authorship, update, createdAt: Date.now() });
    this.sections.writeSoon();
    this.suggestions.noteEdit(authorship.userId);
    if (!(origin instanceof EditOnBehalf && origin.isCommentMark)) this.checkpoints.noteChange(authorship.userId);
    // Comment marks and suggestions change no approved text; the other instances' edits are
    // watched by the instance that received them.
    const changesText =
      origin instanceof EditOnBehalf
        ? !origin.isCommentMark && !origin.isSuggestion
        : !!incoming && can(incoming.socket.role, "plan.editText");
    if (changesText) this.signOffs.noteEdit(transaction, authorship.userId);
  };

  /** Writes the sections' ids, titles and order to SQLite; runs after edits and on unload. */
  async indexSections(): Promise<void> {
    await Promise.all([this.sections.write(), this.suggestions.write()]);
  }

  broadcast(message: Uint8Array): void {
    for (const socket of this.connections) socket.send(message);
  }

  destroy(): void {
    this.isDestroyed = true;
    this.sections.stop();
    this.suggestions.stop();
    this.checkpoints.stop();
    clearTimeout(this.hibernateTimer);
    this.doc.off("update", this.onDocUpdate);
    this.presence.destroy();
    this.suggestionGate.forgetProvingCopy();
    this.doc.destroy();
  }
}
