// The collaboration server, wired together (docs/architecture.md, "The collaboration server,
// part by part"). Nothing here but building the parts, connecting them, and the order they
// stop in. Each part imports only parts below it:
//
//   hub.ts                    builds and wires everything below
//   services.ts               the web app's `collab` object
//   socket-edge.ts            upgrades, reservations, attaching connections
//     socket-reservations.ts, authenticate.ts, connection.ts (frames, limits, presence stamping)
//   cluster/peer-link.ts      this instance among the others (publish, apply, catch up)
//   session-watch.ts          sessions and roles of open sockets
//   plan-registry.ts          open, share, unload, compact
//   plan-visits.ts            what each person last saw of a plan, recorded as they leave
//   plan-versions.ts          checkpoints and named versions of open plans
//   live-plan.ts              one open plan: doc, lazy load, hibernation, sync, broadcast
//     authorship.ts, sync-answers.ts, presence.ts, healing.ts, checkpoint-timer.ts, section-index.ts
//   update-store.ts           group commit to the update log
//   storage/, cluster/plan-relay.ts, cluster/redis-relay.ts, cluster/relay-codec.ts,
//   plan-socket.ts, messages.ts, schema-guard.ts, awareness-stamp.ts, metrics.ts (token buckets: app/utils/rate-limit.ts)
//
// With REDIS_URL, open plans are shared with the other instances (docs/deployment.md).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { CollabServices } from "../../app/utils/load-context";
import type { Config } from "../config";
import { PeerLink } from "./cluster/peer-link";
import { NoRelay, type PlanRelay } from "./cluster/plan-relay";
import { RedisRelay } from "./cluster/redis-relay";
import { newCollabMetrics } from "./metrics";
import { PlanRegistry } from "./plan-registry";
import { PlanVersions } from "./plan-versions";
import { PlanVisits } from "./plan-visits";
import { createCollabServices } from "./services";
import { SessionWatch } from "./session-watch";
import { SocketEdge } from "./socket-edge";
import { sqlUpdateLog } from "./storage/sql-update-log";
import { UpdateStore } from "./update-store";

export class CollabHub {
  /** What the web app's loaders and actions call (the load context's `collab`). */
  readonly services: CollabServices;
  private readonly store = new UpdateStore(sqlUpdateLog);
  private readonly metrics = newCollabMetrics();
  private readonly relay: PlanRelay;
  private readonly versions: PlanVersions;
  private readonly plans: PlanRegistry;
  private readonly visits: PlanVisits;
  private readonly sessions: SessionWatch;
  private readonly peers: PeerLink;
  private readonly edge: SocketEdge;

  constructor(config: Config) {
    // The relay's handlers reach the peer link, built below; Redis calls them only once connected.
    this.relay = config.redisUrl
      ? new RedisRelay(config.redisUrl, {
          receive: (planId, message) => this.peers.receive(planId, message),
          reconnected: () => this.peers.catchUpAfterOutage(),
        })
      : new NoRelay();
    this.versions = new PlanVersions(this.store);
    this.plans = new PlanRegistry({
      limits: config.collab,
      store: this.store,
      log: sqlUpdateLog,
      relay: this.relay,
      versions: this.versions,
    });
    this.visits = new PlanVisits({ plans: this.plans, versions: this.versions, minCopyIntervalMs: config.collab.versionQuietMs });
    this.sessions = new SessionWatch(this.plans, config.collab.recheckIntervalMs);
    this.peers = new PeerLink({
      relay: this.relay,
      plans: this.plans,
      sessions: this.sessions,
      healIntervalMs: config.collab.healIntervalMs,
    });
    // Others hear of an update once it is stored: what they hold is never lost with us.
    if (config.redisUrl) this.store.onStored = (updates, rowIds) => this.peers.publishStored(updates, rowIds);
    this.edge = new SocketEdge({
      config,
      plans: this.plans,
      store: this.store,
      metrics: this.metrics,
      onJoinOrLeave: (plan) => this.peers.recordOnlineSoon(plan),
      onLeave: (plan, userId) => this.visits.noteLeave(plan, userId),
    });
    this.services = createCollabServices({
      plans: this.plans,
      versions: this.versions,
      sessions: this.sessions,
      peers: this.peers,
      store: this.store,
    });
  }

  /** For the HTTP server's 'upgrade' event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.edge.handleUpgrade(request, socket, head);
  }

  stats() {
    const { openPlans, documentsInMemory } = this.plans.stats();
    const { connections, socketsReserved, unsentBytes } = this.edge.stats();
    return {
      openPlans,
      documentsInMemory,
      connections,
      socketsReserved,
      unsentBytes,
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
    this.plans.stopCompacting();
    this.sessions.stop();
    this.visits.leaveAll(this.plans.loadedPlans());
    this.edge.closeAll();
    await this.store.whenStored();
    // Edits since the last version get their checkpoint before the process goes.
    for (const loading of this.plans.eachWhenLoaded()) {
      const plan = await loading;
      if (plan?.checkpoints.hasChanges) await this.versions.saveCheckpoint(plan);
    }
    await this.visits.whenRecorded();
    await this.versions.whenWritten();
    for (const loading of this.plans.eachWhenLoaded()) await (await loading)?.indexSections();
    this.edge.stop();
    this.peers.stop();
    // After the last commit: everything stored has been published.
    await this.relay.close();
  }
}
