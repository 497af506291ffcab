// The collaboration server, wired together: upgrades on /collab/<planId> are authenticated,
// plans are loaded on first join and unloaded after the last leaves (once their writes are
// stored), open sockets re-check their session and role, and shutdown flushes.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import * as Y from "yjs";
import { prepareCommentMark, type AnchorPlace, type AnchorRequest, type PreparedAnchor } from "../../app/editor/comment-anchors";
import { planSchema, sectionOutline } from "../../app/editor/document.server";
import { prepareRestore, type PreparedRestore } from "../../app/editor/restore";
import { contentHash, currentSectionDetails, latestContentHash, saveVersion, versionDoc } from "../../app/models/version.server";
import { compactPlan, countUncompactedUpdates } from "../../app/models/plan-document.server";
import { getMemberRole } from "../../app/models/plan.server";
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
  readonly store = new UpdateStore();
  readonly metrics = newCollabMetrics();
  private readonly plans = new Map<string, OpenPlan>();
  /** Open sockets per account, for COLLAB_MAX_CONNECTIONS_PER_USER. */
  private readonly socketsPerUser = new Map<number, number>();
  /** The version being written for each plan (keepVersion), so they never overlap. */
  private readonly versionWork = new Map<string, Promise<unknown>>();
  /** Version saves and restores per account. */
  private readonly versionLimits = new Map<number, MessageRateLimit>();
  /** Comment-mark requests per account (markComment). */
  private readonly commentLimits = new Map<number, MessageRateLimit>();
  private readonly sockets: WebSocketServer;
  private readonly recheckTimer: NodeJS.Timeout;
  private isShuttingDown = false;

  constructor(private readonly config: Config) {
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: config.collab.maxFrameBytes });
    this.recheckTimer = setInterval(() => void this.recheckAll(), config.collab.recheckIntervalMs);
    this.recheckTimer.unref();
  }

  /** For the HTTP server's 'upgrade' event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", (error) => log.warn("upgrade socket error", errorFields(error)));
    void this.upgrade(request, socket, head).catch((error) => {
      log.error("websocket upgrade failed", errorFields(error));
      refuseUpgrade(socket, 500, "Server error");
    });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.isShuttingDown) return refuseUpgrade(socket, 503, "Server is restarting");
    const decision = await authenticateUpgrade(request, this.config.allowedOrigins);
    if (!decision.ok) {
      this.metrics.refusedUpgrades += 1;
      log.info("websocket upgrade refused", { status: decision.status, reason: decision.reason, path: request.url });
      return refuseUpgrade(socket, decision.status, decision.reason);
    }
    if ((this.socketsPerUser.get(decision.user.id) ?? 0) >= this.config.collab.maxConnectionsPerUser) {
      this.metrics.refusedUpgrades += 1;
      log.warn("websocket upgrade refused: too many connections", { user: decision.user.id });
      return refuseUpgrade(socket, 429, "Too many open connections for this account; close some tabs");
    }
    const open = this.openPlan(decision.planId);
    open.joining += 1;
    try {
      const plan = await open.loaded;
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.attach(ws, plan, decision));
    } finally {
      open.joining -= 1;
    }
  }

  private openPlan(planId: string): OpenPlan {
    let open = this.plans.get(planId);
    if (!open) {
      const { maxPlanBytes, hibernateAfterMs } = this.config.collab;
      const loaded = LivePlan.load(
        planId,
        this.store,
        { maxBytes: maxPlanBytes, hibernateAfterMs },
        {
          quietMs: this.config.collab.versionQuietMs,
          maxIntervalMs: this.config.collab.versionMaxIntervalMs,
          due: (plan) => this.keepCheckpoint(plan),
        },
      );
      const opened: OpenPlan = { loaded, joining: 0 };
      open = opened;
      void loaded.then((plan) => (opened.plan = plan)).catch(() => undefined);
      this.plans.set(planId, open);
      loaded.catch(() => this.plans.delete(planId));
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
    );
    // Without an 'error' listener a protocol error would take the whole process down.
    ws.on("error", (error) => log.warn("collab socket error", { ...connection.logFields(), ...errorFields(error) }));
    const userId = auth.user.id;
    this.socketsPerUser.set(userId, (this.socketsPerUser.get(userId) ?? 0) + 1);
    ws.on("close", () => {
      const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) this.socketsPerUser.set(userId, left);
      else this.socketsPerUser.delete(userId);
      connection.leave();
      void this.unloadIfIdle(plan);
    });
    this.metrics.connectionsOpened += 1;
    connection.start();
  }

  private async unloadIfIdle(plan: LivePlan): Promise<void> {
    if (plan.connections.size > 0) return;
    await this.store.whenStored();
    const open = this.plans.get(plan.planId);
    if (!open || plan.connections.size > 0 || open.joining > 0 || (await open.loaded) !== plan) return;
    this.plans.delete(plan.planId);
    await plan.indexSections();
    if (plan.hasChangesSinceVersion) await this.keepCheckpoint(plan);
    plan.destroy();
    if (this.isShuttingDown) return;
    try {
      if ((await countUncompactedUpdates(plan.planId)) >= COMPACT_AFTER_UPDATES) {
        const { mergedRows } = await compactPlan(plan.planId);
        log.info("plan compacted", { plan: plan.planId, mergedRows });
      }
    } catch (error) {
      log.error("compaction failed", { plan: plan.planId, ...errorFields(error) });
    }
  }

  /** Applies a changed role or membership to the sockets a user has open on a plan. */
  async refreshMember(planId: string, userId: number): Promise<void> {
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

  /** Tells every socket on the plan to reload its details (sections, members). */
  notifyPlanChanged(planId: string): void {
    const open = this.plans.get(planId);
    void open?.loaded.then((plan) => plan.broadcast(encodePlanChanged())).catch(() => undefined);
  }

  /** Tells every socket on the plan that comment threads changed. */
  notifyThreadsChanged(planId: string): void {
    const open = this.plans.get(planId);
    void open?.loaded.then((plan) => plan.broadcast(encodeThreadsChanged())).catch(() => undefined);
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
    const [details, latestHash] = await Promise.all([currentSectionDetails(plan.planId), latestContentHash(plan.planId)]);
    // The state, its hash and who edited are read together, with nothing awaited between.
    const doc = plan.document();
    const hash = contentHash(doc, details);
    if (version.kind === "checkpoint" && hash === latestHash) {
      plan.takeEditorsSinceVersion();
      return null;
    }
    const state = Y.encodeStateAsUpdate(doc);
    const authors = plan.takeEditorsSinceVersion();
    return saveVersion({ planId: plan.planId, ...version, state, details, contentHash: hash, authors });
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

  async onlineUsers(planId: string): Promise<{ id: number; name: string; color: string }[]> {
    const open = this.plans.get(planId);
    const plan = open && (await open.loaded.catch(() => undefined));
    return plan ? plan.onlineUsers() : [];
  }

  stats() {
    return {
      openPlans: this.plans.size,
      /** Open plans whose Y.Doc is in memory; the others hold only their encoded state. */
      documentsInMemory: [...this.plans.values()].filter((open) => open.plan?.isInMemory).length,
      connections: this.sockets.clients.size,
      pendingWrites: this.store.pendingCount,
      storedUpdates: this.store.storedUpdateCount,
      storedBatches: this.store.storedBatchCount,
      lastWriteError: this.store.lastWriteError ?? null,
      ...this.metrics,
    };
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
  }
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
