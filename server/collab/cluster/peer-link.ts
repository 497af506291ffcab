// This instance among the others on its open plans (docs/deployment.md): what it publishes
// (what it stored, after the commit; who is online here), what it applies from them (in the
// order it came), and how it catches up when Redis was away. Healing from the database
// (healing.ts) runs at the heal pace whatever Redis does.
import crypto from "node:crypto";
import { listPlansForUser } from "../../../app/models/plan.server";
import { errorFields, log } from "../../../app/utils/log.server";
import type { LivePlan } from "../live-plan";
import { encodePlanChanged, encodeThreadsChanged } from "../messages";
import { healLogged, type PlanRegistry } from "../plan-registry";
import { closeEndedSessions, type SessionWatch } from "../session-watch";
import type { StoredUpdate } from "../storage/update-log";
import { PRESENCE_RENEW_MS, type OnlineUser, type PlanRelay } from "./plan-relay";
import { MAX_RELAYED_UPDATE_BYTES, type RelayedUpdate, type RelayMessage } from "./relay-codec";

/** What other instances are told of a session: enough to find its sockets, useless as a cookie. */
function hashSessionId(sessionId: string): string {
  return crypto.createHash("sha256").update(sessionId).digest("base64url");
}

export interface PeerLinkOptions {
  relay: PlanRelay;
  plans: PlanRegistry;
  sessions: SessionWatch;
  healIntervalMs: number;
}

export class PeerLink {
  private readonly relay: PlanRelay;
  private readonly plans: PlanRegistry;
  private readonly sessions: SessionWatch;
  /** Per plan: messages from other instances queued behind a role change being applied. */
  private readonly peerMessagesWaiting = new Map<string, Promise<void>>();
  /** Per plan: who is online here, to be recorded for the other instances' dashboards. */
  private readonly onlineToRecord = new Map<string, LivePlan>();
  private readonly healTimer: NodeJS.Timeout | undefined;
  private readonly presenceTimer: NodeJS.Timeout | undefined;

  constructor(options: PeerLinkOptions) {
    this.relay = options.relay;
    this.plans = options.plans;
    this.sessions = options.sessions;
    if (this.relay.status === "off") return;
    this.healTimer = setInterval(() => {
      this.healAll();
      // Role changes and sign-outs made on other instances are not published while Redis is
      // away: re-read every socket's session and role at the heal pace instead.
      if (this.relay.status === "unavailable") void this.sessions.recheckAll();
    }, options.healIntervalMs);
    this.healTimer.unref();
    // Renewed before it expires, so the people on a live instance never drop off.
    this.presenceTimer = setInterval(() => {
      for (const plan of this.plans.loadedPlans()) if (plan.connections.size > 0) this.recordOnlineSoon(plan);
    }, PRESENCE_RENEW_MS);
    this.presenceTimer.unref();
  }

  /** Tells the other instances' sockets on the plan; `message` goes to ours. */
  notify(planId: string, kind: "planChanged" | "threadsChanged"): void {
    this.relay.publish(planId, { kind });
    const message = kind === "planChanged" ? encodePlanChanged() : encodeThreadsChanged();
    void this.plans.whenLoaded(planId).then((plan) => plan?.broadcast(message));
  }

  /** A member's role or membership changed: the other instances re-read it. */
  publishMemberChanged(planId: string, userId: number): void {
    this.relay.publish(planId, { kind: "member", userId });
  }

  /** A session signed out: the other instances close its sockets, through the channels of the
   * account's plans (they hold only sockets there). */
  async publishSessionEnded(sessionId: string, userId: number): Promise<void> {
    if (this.relay.status === "off") return;
    const sessionHash = hashSessionId(sessionId);
    for (const plan of await listPlansForUser(userId)) this.relay.publish(plan.id, { kind: "sessionEnded", sessionHash });
  }

  /** The people on the plan through the other instances. */
  onlineElsewhere(planId: string): Promise<OnlineUser[]> {
    return this.relay.onlineElsewhere(planId);
  }

  /**
   * What another instance published on a plan open here. Messages apply in the order they
   * came: a role change re-reads the role from the database, and whatever follows it (the
   * "plan changed" that makes the page show the new role) waits until it has.
   */
  receive(planId: string, message: RelayMessage): void {
    const waiting = this.peerMessagesWaiting.get(planId);
    if (!waiting && message.kind !== "member") return this.apply(planId, message);
    const done = (waiting ?? Promise.resolve())
      .then(() => (message.kind === "member" ? this.sessions.refreshMember(planId, message.userId) : this.apply(planId, message)))
      .catch((error) =>
        log.error("applying a message from another instance failed", { plan: planId, kind: message.kind, ...errorFields(error) }),
      );
    this.peerMessagesWaiting.set(planId, done);
    void done.then(() => {
      if (this.peerMessagesWaiting.get(planId) === done) this.peerMessagesWaiting.delete(planId);
    });
  }

  private apply(planId: string, message: Exclude<RelayMessage, { kind: "member" }>): void {
    // A plan still loading reads it from the database, and heals once loaded.
    const plan = this.plans.loadedPlan(planId);
    if (!plan) return;
    switch (message.kind) {
      case "updates":
        return plan.healing.receive(message.updates, message.bindings);
      case "awareness":
        return plan.presence.applyRelayed(message.update);
      case "planChanged":
        // Sign-offs may have changed there: what an edit here would withdraw is read again.
        void plan.signOffs.reload();
        return plan.broadcast(encodePlanChanged());
      case "threadsChanged":
        return plan.broadcast(encodeThreadsChanged());
      case "sessionEnded":
        return closeEndedSessions(plan.connections, (sessionId) => hashSessionId(sessionId) === message.sessionHash);
      case "presenceWanted": {
        const presence = plan.presence.local();
        if (presence) this.relay.publish(planId, { kind: "awareness", update: presence });
        return;
      }
    }
  }

  /** After a commit: the other instances get what we stored, each plan's in one message. */
  publishStored(updates: StoredUpdate[], rowIds: number[]): void {
    const messages = new Map<string, { updates: RelayedUpdate[]; bindings: [number, number][] }>();
    updates.forEach((stored, index) => {
      let message = messages.get(stored.planId);
      if (!message) messages.set(stored.planId, (message = { updates: [], bindings: [] }));
      const rowId = rowIds[index] ?? 0;
      if (stored.update && rowId > 0) {
        const isTooLarge = stored.update.byteLength > MAX_RELAYED_UPDATE_BYTES;
        message.updates.push({ rowId, userId: stored.userId, update: isTooLarge ? new Uint8Array(0) : stored.update });
        this.plans.loadedPlan(stored.planId)?.healing.noteStoredRow(rowId);
      }
      const userId = stored.userId;
      if (userId !== null) message.bindings.push(...stored.newClientIds.map((clientId): [number, number] => [clientId, userId]));
    });
    for (const [planId, message] of messages) {
      if (message.updates.length > 0 || message.bindings.length > 0) this.relay.publish(planId, { kind: "updates", ...message });
    }
  }

  /** Records who is online on the plan here, once for all the joins and leaves of a moment. */
  recordOnlineSoon(plan: LivePlan): void {
    if (this.relay.status === "off") return;
    const isScheduled = this.onlineToRecord.has(plan.planId);
    this.onlineToRecord.set(plan.planId, plan);
    if (isScheduled) return;
    setTimeout(() => {
      const latest = this.onlineToRecord.get(plan.planId);
      this.onlineToRecord.delete(plan.planId);
      if (latest) this.relay.recordOnline(latest.planId, latest.presence.onlineUsers());
    }, 200).unref();
  }

  /**
   * Redis is back: what was published meanwhile is lost. Edits are read from the database;
   * pages reload the plan's details and threads (their notices may have been lost); the others
   * send their clients' presence again.
   */
  catchUpAfterOutage(): void {
    this.healAll();
    for (const plan of this.plans.loadedPlans()) {
      if (plan.connections.size === 0) continue;
      plan.broadcast(encodePlanChanged());
      plan.broadcast(encodeThreadsChanged());
      this.relay.publish(plan.planId, { kind: "presenceWanted" });
      this.recordOnlineSoon(plan);
    }
  }

  /** Stops the timers and tells the others nobody is here any more. */
  stop(): void {
    clearInterval(this.healTimer);
    clearInterval(this.presenceTimer);
    for (const plan of this.plans.loadedPlans()) this.relay.recordOnline(plan.planId, []);
  }

  private healAll(): void {
    for (const plan of this.plans.loadedPlans()) void healLogged(plan);
  }
}
