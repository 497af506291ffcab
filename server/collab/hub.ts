// The collaboration server, wired together: upgrades on /collab/<planId> are authenticated,
// plans are loaded on first join and unloaded after the last leaves (once their writes are
// stored), open sockets re-check their session and role, and shutdown flushes. With
// REDIS_URL, open plans are shared with the other instances (relay.ts, docs/deployment.md).
import crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import * as Y from "yjs";
import { prepareCommentMark, type AnchorPlace, type AnchorRequest, type PreparedAnchor } from "../../app/editor/comment-anchors";
import { planSchema, sectionOutline } from "../../app/editor/document.server";
import { prepareRestore, type PreparedRestore } from "../../app/editor/restore";
import { contentHash, currentSectionDetails, saveVersion, versionDoc } from "../../app/models/version.server";
import { getMemberRole, listPlansForUser } from "../../app/models/plan.server";
import { isSessionActive } from "../../app/models/session.server";
import { CLOSE_FORBIDDEN, CLOSE_RESTARTING, CLOSE_SESSION_ENDED } from "../../app/collab/protocol";
import { errorFields, log } from "../../app/utils/log.server";
import type { Config } from "../config";
import { authenticateUpgrade, type UpgradeDecision } from "./authenticate";
import { CollabConnection } from "./connection";
import { LivePlan } from "./live-plan";
import { encodePlanChanged, encodeThreadsChanged } from "./messages";
import { newCollabMetrics } from "./metrics";
import { MessageRateLimit } from "./rate-limit";
import { PRESENCE_RENEW_MS, NoRelay, type OnlineUser, type PlanRelay } from "./cluster/plan-relay";
import { RedisRelay } from "./cluster/redis-relay";
import { MAX_RELAYED_UPDATE_BYTES, type RelayedUpdate, type RelayMessage } from "./cluster/relay-codec";
import { sqlUpdateLog } from "./storage/sql-update-log";
import type { StoredUpdate } from "./storage/update-log";
import { UpdateStore } from "./update-store";

/** Comment marks one account may ask for per second (a burst of twice that). */
const COMMENT_MARKS_PER_SECOND = 5;

/** Versions one account may save or restore per second (a burst of twice that). */
const VERSION_WRITES_PER_SECOND = 2;

/** Compaction runs after a plan is unloaded once this many updates are outside its state. */
const COMPACT_AFTER_UPDATES = 200;

interface OpenPlan {
  loaded: Promise<LivePlan>;
  /** The plan once loaded (for synchronous stats). */
  plan?: LivePlan;
  /** Upgrades that have loaded the plan but not yet attached their socket. */
  joining: number;
}

export class CollabHub {
  readonly store = new UpdateStore(sqlUpdateLog);
  readonly metrics = newCollabMetrics();
  private readonly plans = new Map<string, OpenPlan>();
  /** Sockets per account, open or upgrading, for COLLAB_MAX_CONNECTIONS_PER_USER (reserveSocket). */
  private readonly socketsPerUser = new Map<number, number>();
  /** The version being written for each plan (keepVersion), so they never overlap. */
  private readonly versionWork = new Map<string, Promise<unknown>>();
  /** Version saves and restores per account. */
  private readonly versionLimits = new Map<number, MessageRateLimit>();
  /** Comment-mark requests per account (markComment). */
  private readonly commentLimits = new Map<number, MessageRateLimit>();
  private readonly sockets: WebSocketServer;
  private readonly recheckTimer: NodeJS.Timeout;
  /** The other instances (REDIS_URL), or nobody. */
  private readonly relay: PlanRelay;
  private readonly healTimer: NodeJS.Timeout | undefined;
  /** Per plan: messages from other instances queued behind a role change being applied. */
  private readonly peerMessagesWaiting = new Map<string, Promise<void>>();
  /** Per plan: who is online here, to be recorded for the other instances' dashboards. */
  private readonly onlineToRecord = new Map<string, LivePlan>();
  private readonly presenceTimer: NodeJS.Timeout | undefined;
  private isShuttingDown = false;
  /** A re-check of every socket's session and role is running (see recheckAll). */
  private isRechecking = false;

  constructor(private readonly config: Config) {
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: config.collab.maxFrameBytes });
    this.recheckTimer = setInterval(() => void this.recheckAll(), config.collab.recheckIntervalMs);
    this.recheckTimer.unref();
    if (config.redisUrl) {
      this.relay = new RedisRelay(config.redisUrl, {
        receive: (planId, message) => this.receiveFromPeer(planId, message),
        reconnected: () => this.catchUpAfterOutage(),
      });
      // Others hear of an update once it is stored: what they hold is never lost with us.
      this.store.onStored = (updates, rowIds) => this.publishStored(updates, rowIds);
      this.healTimer = setInterval(() => {
        this.healAll();
        // Role changes and sign-outs made on other instances are not published while Redis is
        // away: re-read every socket's session and role at the heal pace instead.
        if (this.relay.status === "unavailable") void this.recheckAll();
      }, config.collab.healIntervalMs);
      this.healTimer.unref();
      // Renewed before it expires, so the people on a live instance never drop off.
      this.presenceTimer = setInterval(() => {
        for (const open of this.plans.values()) if (open.plan && open.plan.connections.size > 0) this.recordOnlineSoon(open.plan);
      }, PRESENCE_RENEW_MS);
      this.presenceTimer.unref();
    } else {
      this.relay = new NoRelay();
    }
  }

  /** For the HTTP server's 'upgrade' event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until the websocket takes the socket over (it listens for errors itself), and for good
    // on a refused one: an 'error' without a listener would end the process.
    const onError = (error: Error) => log.warn("upgrade socket error", errorFields(error));
    socket.on("error", onError);
    void this.upgrade(request, socket, head, onError).catch((error) => {
      log.error("websocket upgrade failed", errorFields(error));
      refuseUpgrade(socket, 500, "Server error");
    });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, onError: (error: Error) => void): Promise<void> {
    if (this.isShuttingDown) return refuseUpgrade(socket, 503, "Server is restarting");
    const decision = await authenticateUpgrade(request, this.config.allowedOrigins);
    if (!decision.ok) {
      this.metrics.refusedUpgrades += 1;
      log.info("websocket upgrade refused", { status: decision.status, reason: decision.reason, path: request.url });
      return refuseUpgrade(socket, decision.status, decision.reason);
    }
    // Gave up while being authenticated: nothing to answer, nothing to count.
    if (socket.destroyed) return;
    // Counted here, with nothing awaited since authentication: upgrades of one account that
    // all wait for the plan to load must not each see the count from before any attached.
    const release = this.reserveSocket(decision.user.id, socket);
    if (!release) {
      this.metrics.refusedUpgrades += 1;
      log.warn("websocket upgrade refused: too many connections", { user: decision.user.id });
      return refuseUpgrade(socket, 429, "Too many open connections for this account; close some tabs");
    }
    const open = this.openPlan(decision.planId);
    open.joining += 1;
    try {
      const plan = await open.loaded;
      this.sockets.handleUpgrade(request, socket, head, (ws) => {
        socket.off("error", onError);
        this.attach(ws, plan, decision);
      });
    } catch (error) {
      release();
      throw error;
    } finally {
      open.joining -= 1;
    }
  }

  /**
   * Counts a socket against its account's COLLAB_MAX_CONNECTIONS_PER_USER until its TCP
   * connection closes, which it does once on every path: refused, abandoned mid-upgrade, or a
   * websocket that ends. Returns the release (safe to call again), or null at the limit.
   */
  private reserveSocket(userId: number, socket: Duplex): (() => void) | null {
    const count = this.socketsPerUser.get(userId) ?? 0;
    if (count >= this.config.collab.maxConnectionsPerUser) return null;
    this.socketsPerUser.set(userId, count + 1);
    let isReleased = false;
    const release = () => {
      if (isReleased) return;
      isReleased = true;
      const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) this.socketsPerUser.set(userId, left);
      else this.socketsPerUser.delete(userId);
    };
    socket.once("close", release);
    return release;
  }

  private openPlan(planId: string): OpenPlan {
    let open = this.plans.get(planId);
    if (!open) {
      const { maxPlanBytes, hibernateAfterMs } = this.config.collab;
      // Subscribed before loading, healed once both are done: nothing stored in between is missed.
      const subscribed = this.relay.subscribe(planId);
      const loaded = LivePlan.load(
        planId,
        this.store,
        { maxBytes: maxPlanBytes, hibernateAfterMs },
        {
          quietMs: this.config.collab.versionQuietMs,
          maxIntervalMs: this.config.collab.versionMaxIntervalMs,
          due: (plan) => this.keepCheckpoint(plan),
        },
        { shareAwareness: (update) => this.relay.publish(planId, { kind: "awareness", update }) },
      );
      const opened: OpenPlan = { loaded, joining: 0 };
      open = opened;
      void loaded.then((plan) => (opened.plan = plan)).catch(() => undefined);
      this.plans.set(planId, open);
      loaded.catch(() => {
        this.plans.delete(planId);
        this.relay.unsubscribe(planId);
      });
      if (this.relay.status !== "off") {
        void Promise.all([subscribed, loaded])
          .then(([, plan]) => {
            // The carets of people on other instances, now rather than at their next renewal.
            this.relay.publish(planId, { kind: "presenceWanted" });
            return this.heal(plan);
          })
          .catch(() => undefined);
      }
    }
    return open;
  }

  private attach(ws: WebSocket, plan: LivePlan, auth: Extract<UpgradeDecision, { ok: true }>): void {
    const connection = new CollabConnection(
      ws,
      plan,
      auth.user,
      auth.sessionId,
      auth.role,
      this.store,
      this.metrics,
      this.config.collab.maxMessagesPerSecond,
      this.config.collab,
    );
    // Without an 'error' listener a protocol error would take the whole process down.
    ws.on("error", (error) => log.warn("collab socket error", { ...connection.logFields(), ...errorFields(error) }));
    // Its count against the account's limit was taken before the upgrade (reserveSocket).
    ws.on("close", () => {
      connection.leave();
      this.recordOnlineSoon(plan);
      void this.unloadIfIdle(plan);
    });
    this.metrics.connectionsOpened += 1;
    connection.start();
    this.recordOnlineSoon(plan);
  }

  private async unloadIfIdle(plan: LivePlan): Promise<void> {
    if (plan.connections.size > 0) return;
    await this.store.whenStored();
    const open = this.plans.get(plan.planId);
    if (!open || plan.connections.size > 0 || open.joining > 0 || (await open.loaded) !== plan) return;
    this.plans.delete(plan.planId);
    this.relay.unsubscribe(plan.planId);
    await plan.indexSections();
    if (plan.hasChangesSinceVersion) await this.keepCheckpoint(plan);
    plan.destroy();
    if (this.isShuttingDown) return;
    try {
      // Counted first without a write transaction; counted again under the lock (another
      // instance may have compacted meanwhile).
      if ((await sqlUpdateLog.countUncompacted(plan.planId)) >= COMPACT_AFTER_UPDATES) {
        const { mergedRows, skipped } = await sqlUpdateLog.compact(plan.planId, { minUpdates: COMPACT_AFTER_UPDATES });
        if (mergedRows > 0) log.info("plan compacted", { plan: plan.planId, mergedRows });
        if (skipped) log.info("plan compaction left to the instance already running it", { plan: plan.planId });
      }
    } catch (error) {
      log.error("compaction failed", { plan: plan.planId, ...errorFields(error) });
    }
  }

  /** Applies a changed role or membership to the sockets a user has open on a plan, on
   * every instance. */
  async refreshMember(planId: string, userId: number): Promise<void> {
    this.relay.publish(planId, { kind: "member", userId });
    await this.refreshLocalMember(planId, userId);
  }

  /**
   * Closes the sockets of a session that signed out: here at once, and on the other
   * instances through the channels of the account's plans (they hold only sockets there).
   */
  async endSession(sessionId: string, userId: number): Promise<void> {
    for (const open of this.plans.values()) {
      for (const connection of [...(open.plan?.connections ?? [])]) {
        if (connection.sessionId === sessionId) connection.close(CLOSE_SESSION_ENDED, "session ended; sign in again");
      }
    }
    if (this.relay.status === "off") return;
    const sessionHash = hashSessionId(sessionId);
    for (const plan of await listPlansForUser(userId)) this.relay.publish(plan.id, { kind: "sessionEnded", sessionHash });
  }

  private async refreshLocalMember(planId: string, userId: number): Promise<void> {
    const open = this.plans.get(planId);
    if (!open) return;
    const plan = await open.loaded;
    const role = await getMemberRole(planId, userId);
    for (const connection of plan.connections) {
      if (connection.user.id !== userId) continue;
      if (!role) connection.close(CLOSE_FORBIDDEN, "no longer a member of this plan");
      else connection.role = role;
    }
  }

  private async recheckAll(): Promise<void> {
    if (this.isRechecking) return;
    this.isRechecking = true;
    try {
      await this.recheckEachSocket();
    } finally {
      this.isRechecking = false;
    }
  }

  private async recheckEachSocket(): Promise<void> {
    for (const open of [...this.plans.values()]) {
      const plan = await open.loaded.catch(() => undefined);
      if (!plan) continue;
      for (const connection of [...plan.connections]) {
        try {
          if (!(await isSessionActive(connection.sessionId))) {
            connection.close(CLOSE_SESSION_ENDED, "session ended; sign in again");
            continue;
          }
          const role = await getMemberRole(plan.planId, connection.user.id);
          if (!role) connection.close(CLOSE_FORBIDDEN, "no longer a member of this plan");
          else connection.role = role;
        } catch (error) {
          log.error("recheck of a collab socket failed", { ...connection.logFields(), ...errorFields(error) });
        }
      }
    }
  }

  /** Tells every socket on the plan, on every instance, to reload its details (sections, members). */
  notifyPlanChanged(planId: string): void {
    this.relay.publish(planId, { kind: "planChanged" });
    this.broadcastLocally(planId, encodePlanChanged());
  }

  /** Tells every socket on the plan, on every instance, that comment threads changed. */
  notifyThreadsChanged(planId: string): void {
    this.relay.publish(planId, { kind: "threadsChanged" });
    this.broadcastLocally(planId, encodeThreadsChanged());
  }

  private broadcastLocally(planId: string, message: Uint8Array): void {
    const open = this.plans.get(planId);
    void open?.loaded.then((plan) => plan.broadcast(message)).catch(() => undefined);
  }

  /**
   * What another instance published on a plan open here. Messages apply in the order they
   * came: a role change re-reads the role from the database, and whatever follows it (the
   * "plan changed" that makes the page show the new role) waits until it has.
   */
  private receiveFromPeer(planId: string, message: RelayMessage): void {
    const waiting = this.peerMessagesWaiting.get(planId);
    if (!waiting && message.kind !== "member") return this.applyFromPeer(planId, message);
    const done = (waiting ?? Promise.resolve())
      .then(() => (message.kind === "member" ? this.refreshLocalMember(planId, message.userId) : this.applyFromPeer(planId, message)))
      .catch((error) => log.error("applying a message from another instance failed", { plan: planId, kind: message.kind, ...errorFields(error) }));
    this.peerMessagesWaiting.set(planId, done);
    void done.then(() => {
      if (this.peerMessagesWaiting.get(planId) === done) this.peerMessagesWaiting.delete(planId);
    });
  }

  private applyFromPeer(planId: string, message: Exclude<RelayMessage, { kind: "member" }>): void {
    // A plan still loading reads it from the database, and heals once loaded.
    const plan = this.plans.get(planId)?.plan;
    if (!plan) return;
    switch (message.kind) {
      case "updates":
        return plan.applyStoredElsewhere(message.updates, message.bindings);
      case "awareness":
        return plan.applyRelayedAwareness(message.update);
      case "planChanged":
        return plan.broadcast(encodePlanChanged());
      case "threadsChanged":
        return plan.broadcast(encodeThreadsChanged());
      case "sessionEnded":
        for (const connection of [...plan.connections]) {
          if (hashSessionId(connection.sessionId) === message.sessionHash) connection.close(CLOSE_SESSION_ENDED, "session ended; sign in again");
        }
        return;
      case "presenceWanted": {
        const presence = plan.localPresence();
        if (presence) this.relay.publish(planId, { kind: "awareness", update: presence });
        return;
      }
    }
  }

  /** After a commit: the other instances get what we stored, each plan's in one message. */
  private publishStored(updates: StoredUpdate[], rowIds: number[]): void {
    const messages = new Map<string, { updates: RelayedUpdate[]; bindings: [number, number][] }>();
    updates.forEach((stored, index) => {
      let message = messages.get(stored.planId);
      if (!message) messages.set(stored.planId, (message = { updates: [], bindings: [] }));
      const rowId = rowIds[index] ?? 0;
      if (stored.update && rowId > 0) {
        const isTooLarge = stored.update.byteLength > MAX_RELAYED_UPDATE_BYTES;
        message.updates.push({ rowId, userId: stored.userId, update: isTooLarge ? new Uint8Array(0) : stored.update });
        this.plans.get(stored.planId)?.plan?.noteStoredRow(rowId);
      }
      const userId = stored.userId;
      if (userId !== null) message.bindings.push(...stored.newClientIds.map((clientId): [number, number] => [clientId, userId]));
    });
    for (const [planId, message] of messages) {
      if (message.updates.length > 0 || message.bindings.length > 0) this.relay.publish(planId, { kind: "updates", ...message });
    }
  }

  /** Records who is online on the plan here, once for all the joins and leaves of a moment. */
  private recordOnlineSoon(plan: LivePlan): void {
    if (this.relay.status === "off") return;
    const isScheduled = this.onlineToRecord.has(plan.planId);
    this.onlineToRecord.set(plan.planId, plan);
    if (isScheduled) return;
    setTimeout(() => {
      const latest = this.onlineToRecord.get(plan.planId);
      this.onlineToRecord.delete(plan.planId);
      if (latest) this.relay.recordOnline(latest.planId, latest.onlineUsers());
    }, 200).unref();
  }

  private heal(plan: LivePlan): Promise<void> {
    return plan.heal().catch((error) => log.error("reading other instances' updates failed; will retry", { plan: plan.planId, ...errorFields(error) }));
  }

  private healAll(): void {
    for (const open of this.plans.values()) if (open.plan) void this.heal(open.plan);
  }

  /**
   * Redis is back: what was published meanwhile is lost. Edits are read from the database;
   * pages reload the plan's details and threads (their notices may have been lost); the others
   * send their clients' presence again.
   */
  private catchUpAfterOutage(): void {
    this.healAll();
    for (const open of this.plans.values()) {
      const plan = open.plan;
      if (!plan || plan.connections.size === 0) continue;
      plan.broadcast(encodePlanChanged());
      plan.broadcast(encodeThreadsChanged());
      this.relay.publish(plan.planId, { kind: "presenceWanted" });
      this.recordOnlineSoon(plan);
    }
  }

  /** Runs `use` with the plan open, opening it for the call if nobody is on it. */
  private async withPlan<T>(planId: string, use: (plan: LivePlan) => Promise<T> | T): Promise<T> {
    const open = this.openPlan(planId);
    open.joining += 1;
    let plan: LivePlan | undefined;
    try {
      plan = await open.loaded;
      return await use(plan);
    } finally {
      open.joining -= 1;
      if (plan) void this.unloadIfIdle(plan);
    }
  }

  /**
   * Adds thread `threadId`'s comment mark to the passage `anchor` names, as an edit of
   * `userId`'s (docs/comments.md, "Anchors"). `check` runs once the passage's section is
   * known and throws to refuse; the mark is stored before this returns.
   */
  async markComment(
    planId: string,
    userId: number,
    anchor: AnchorRequest,
    threadId: string,
    check: (sectionId: string) => Promise<void>,
  ): Promise<PreparedAnchor> {
    // Each request copies and diffs the whole plan: five a second per account is plenty.
    const limit = this.commentLimits.get(userId) ?? new MessageRateLimit(COMMENT_MARKS_PER_SECOND);
    this.commentLimits.set(userId, limit);
    if (!limit.take()) return { ok: false, reason: "rateLimited" };
    return this.withPlan(planId, async (plan) => {
      const prepared = prepareCommentMark(plan.document(), planSchema(), anchor, threadId);
      if (!prepared.ok) return prepared;
      await check(prepared.sectionId);
      if (plan.applyEditOnBehalf(prepared.update, userId, { isCommentMark: true }) === "tooLarge") return { ok: false, reason: "tooLarge" };
      await this.store.whenStored();
      return prepared;
    });
  }

  /** Keeps an automatic checkpoint of the plan, unless it equals the last version. */
  private async keepCheckpoint(plan: LivePlan): Promise<void> {
    try {
      await this.keepVersion(plan, { kind: "checkpoint", name: "", note: "", createdBy: null });
    } catch (error) {
      log.error("checkpoint failed", { plan: plan.planId, ...errorFields(error) });
    }
  }

  /** Saves the plan as it is now: every change stored first, section details as they are. A
   * checkpoint equal to the last version is not kept (returns null). */
  private keepVersion(
    plan: LivePlan,
    version: { kind: "named" | "checkpoint"; name: string; note: string; createdBy: number | null },
  ): Promise<number | null> {
    // One at a time per plan: a quiet timer, an unload and a restore may all ask at once.
    const previous = this.versionWork.get(plan.planId) ?? Promise.resolve();
    const work = previous.catch(() => undefined).then(() => this.writeVersion(plan, version));
    const settled = work.catch(() => undefined);
    this.versionWork.set(plan.planId, settled);
    void settled.then(() => {
      if (this.versionWork.get(plan.planId) === settled) this.versionWork.delete(plan.planId);
    });
    return work;
  }

  private async writeVersion(
    plan: LivePlan,
    version: { kind: "named" | "checkpoint"; name: string; note: string; createdBy: number | null },
  ): Promise<number | null> {
    await this.store.whenStored();
    await plan.indexSections();
    const details = await currentSectionDetails(plan.planId);
    // The state, its hash and who edited are read together, with nothing awaited between.
    const doc = plan.document();
    const hash = contentHash(doc, details);
    const state = Y.encodeStateAsUpdate(doc);
    const authors = plan.takeEditorsSinceVersion();
    // A checkpoint equal to the latest version (this instance's or another's) is not kept.
    return saveVersion({ planId: plan.planId, ...version, state, details, contentHash: hash, authors, skipIfUnchanged: version.kind === "checkpoint" });
  }

  /** Whether the account may save or restore a version now (each copies the whole plan). */
  private mayWriteVersion(userId: number): boolean {
    const limit = this.versionLimits.get(userId) ?? new MessageRateLimit(VERSION_WRITES_PER_SECOND);
    this.versionLimits.set(userId, limit);
    return limit.take();
  }

  /** Saves a named version (an editor's "Save version"); null when the account asks too often. */
  async saveNamedVersion(planId: string, userId: number, name: string, note: string): Promise<number | null> {
    if (!this.mayWriteVersion(userId)) return null;
    return this.withPlan(planId, async (plan) => (await this.keepVersion(plan, { kind: "named", name, note, createdBy: userId }))!);
  }

  /**
   * Restores a version, or one section of it, as a forward change by `userId`: the current
   * text is kept as a checkpoint first, the difference applied like any edit (everyone online
   * sees it arrive), and the result kept as a checkpoint too.
   */
  async restoreVersion(planId: string, userId: number, version: { state: Uint8Array; name: string }, sectionId?: string) {
    if (!this.mayWriteVersion(userId)) return { ok: false as const, reason: "rateLimited" as const };
    return this.withPlan(planId, async (plan): Promise<PreparedRestore | { ok: false; reason: "tooLarge" }> => {
      await this.keepCheckpoint(plan);
      const old = versionDoc(version.state);
      const prepared = prepareRestore(plan.document(), planSchema(), old, sectionId);
      old.destroy();
      if (!prepared.ok) return prepared;
      if (plan.applyEditOnBehalf(prepared.update, userId) === "tooLarge") return { ok: false, reason: "tooLarge" };
      await this.keepCheckpoint(plan);
      return prepared;
    });
  }

  /** Where each comment thread's passage is now (threads missing here are detached). */
  async commentAnchors(planId: string): Promise<Map<string, AnchorPlace>> {
    return this.withPlan(planId, (plan) => plan.commentAnchors());
  }

  /** The sections of the plan now, by id. */
  async sectionIds(planId: string): Promise<Set<string>> {
    return this.withPlan(planId, (plan) => new Set(sectionOutline(plan.document()).map((section) => section.id)));
  }

  async documentState(planId: string): Promise<Uint8Array | null> {
    const plan = await this.plans.get(planId)?.loaded.catch(() => undefined);
    return plan ? Y.encodeStateAsUpdate(plan.document()) : null;
  }

  /** The people on the plan now, once each: here, and through the other instances. */
  async onlineUsers(planId: string): Promise<OnlineUser[]> {
    const open = this.plans.get(planId);
    const [plan, elsewhere] = await Promise.all([open?.loaded.catch(() => undefined), this.relay.onlineElsewhere(planId)]);
    const users = new Map((plan?.onlineUsers() ?? []).map((user) => [user.id, user]));
    for (const user of elsewhere) if (!users.has(user.id)) users.set(user.id, user);
    return [...users.values()];
  }

  stats() {
    return {
      openPlans: this.plans.size,
      /** Open plans whose Y.Doc is in memory; the others hold only their encoded state. */
      documentsInMemory: [...this.plans.values()].filter((open) => open.plan?.isInMemory).length,
      connections: this.sockets.clients.size,
      /** Sockets counted against COLLAB_MAX_CONNECTIONS_PER_USER (open, or upgrading). */
      socketsReserved: [...this.socketsPerUser.values()].reduce((sum, count) => sum + count, 0),
      /** Bytes queued to sockets and not yet taken by the network. */
      unsentBytes: [...this.sockets.clients].reduce((sum, ws) => sum + ws.bufferedAmount, 0),
      pendingWrites: this.store.pendingCount,
      storedUpdates: this.store.storedUpdateCount,
      storedBatches: this.store.storedBatchCount,
      lastWriteError: this.store.lastWriteError ?? null,
      ...this.metrics,
    };
  }

  /** This instance among the others: its id and whether Redis reaches them ("off": one instance). */
  clusterStatus() {
    return { instanceId: this.relay.instanceId, redis: this.relay.status };
  }

  /** Stops taking sockets, closes the open ones, and waits until every update is stored. */
  async shutdown(): Promise<void> {
    this.isShuttingDown = true;
    clearInterval(this.recheckTimer);
    for (const ws of this.sockets.clients) ws.close(CLOSE_RESTARTING, "server restarting");
    await this.store.whenStored();
    // Edits since the last version get their checkpoint before the process goes.
    for (const open of this.plans.values()) {
      const plan = await open.loaded.catch(() => undefined);
      if (plan?.hasChangesSinceVersion) await this.keepCheckpoint(plan);
    }
    await Promise.all(this.versionWork.values());
    for (const open of this.plans.values()) await (await open.loaded.catch(() => undefined))?.indexSections();
    this.sockets.close();
    clearInterval(this.healTimer);
    clearInterval(this.presenceTimer);
    for (const open of this.plans.values()) if (open.plan) this.relay.recordOnline(open.plan.planId, []);
    // After the last commit: everything stored has been published.
    await this.relay.close();
  }
}

/** What other instances are told of a session: enough to find its sockets, useless as a cookie. */
function hashSessionId(sessionId: string): string {
  return crypto.createHash("sha256").update(sessionId).digest("base64url");
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const statusText: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    429: "Too Many Requests",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
  };
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
