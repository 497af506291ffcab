// The plans open on this instance: opened on first need (a socket joining, a call of the web
// app), shared by everyone on them, and unloaded once the last leaves and their writes are
// stored; an unloaded plan with a long log is compacted.
import { errorFields, log } from "../../app/utils/log.server";
import type { Config } from "../config";
import type { PlanRelay } from "./cluster/plan-relay";
import { suggestionAuthors } from "../../app/models/suggestion.server";
import { LivePlan } from "./live-plan";
import type { PlanVersions } from "./plan-versions";
import type { UpdateLog } from "./storage/update-log";
import type { UpdateStore } from "./update-store";

/** Compaction runs after a plan is unloaded once this many updates are outside its state. */
const COMPACT_AFTER_UPDATES = 200;

export interface OpenPlan {
  loaded: Promise<LivePlan>;
  /** The plan once loaded (for synchronous stats). */
  plan?: LivePlan;
  /** Upgrades and calls that have loaded the plan but not yet attached or finished. */
  joining: number;
}

export interface PlanRegistryOptions {
  limits: Pick<Config["collab"], "maxPlanBytes" | "hibernateAfterMs" | "versionQuietMs" | "versionMaxIntervalMs">;
  store: UpdateStore;
  log: UpdateLog;
  /** The other instances: a plan's channel is listened to while it is open here. */
  relay: PlanRelay;
  versions: PlanVersions;
}

export class PlanRegistry {
  private readonly plans = new Map<string, OpenPlan>();
  /** Shutting down: unloaded plans are not compacted. */
  private isShuttingDown = false;

  constructor(private readonly options: PlanRegistryOptions) {}

  /** The plan, loading it if it is not open (count yourself in `joining` while you use it). */
  open(planId: string): OpenPlan {
    let open = this.plans.get(planId);
    if (!open) {
      const { limits, relay, versions } = this.options;
      // Subscribed before loading, healed once both are done: nothing stored in between is missed.
      const subscribed = relay.subscribe(planId);
      const loaded = Promise.all([
        LivePlan.load({
          planId,
          store: this.options.store,
          log: this.options.log,
          limits: { maxBytes: limits.maxPlanBytes, hibernateAfterMs: limits.hibernateAfterMs },
          checkpoints: {
            quietMs: limits.versionQuietMs,
            maxIntervalMs: limits.versionMaxIntervalMs,
            due: (plan) => versions.saveCheckpoint(plan),
          },
          // One instance: no other to tell (and nothing to encode for it).
          shareAwareness: relay.status === "off" ? undefined : (update) => relay.publish(planId, { kind: "awareness", update }),
        }),
        suggestionAuthors(planId),
      ]).then(([plan, authors]) => {
        // Whose each suggestion the plan has held is: an editor's undo may bring one back.
        plan.suggestionGate.rememberAuthors(authors);
        return plan;
      });
      const opened: OpenPlan = { loaded, joining: 0 };
      open = opened;
      void loaded.then((plan) => (opened.plan = plan)).catch(() => undefined);
      this.plans.set(planId, open);
      loaded.catch(() => {
        this.plans.delete(planId);
        relay.unsubscribe(planId);
      });
      if (relay.status !== "off") {
        void Promise.all([subscribed, loaded])
          .then(([, plan]) => {
            // The carets of people on other instances, now rather than at their next renewal.
            relay.publish(planId, { kind: "presenceWanted" });
            return healLogged(plan);
          })
          .catch(() => undefined);
      }
    }
    return open;
  }

  /** Runs `use` with the plan open, opening it for the call if nobody is on it. */
  async withPlan<T>(planId: string, use: (plan: LivePlan) => Promise<T> | T): Promise<T> {
    const open = this.open(planId);
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

  /** The plan if it is open and loaded here. */
  loadedPlan(planId: string): LivePlan | undefined {
    return this.plans.get(planId)?.plan;
  }

  /** The plan's load, if it is open or opening here (rejected if loading failed). */
  loading(planId: string): Promise<LivePlan> | undefined {
    return this.plans.get(planId)?.loaded;
  }

  /** The plan once loaded, if it is open or opening here (undefined if not, or if it failed). */
  whenLoaded(planId: string): Promise<LivePlan | undefined> {
    return this.loading(planId)?.catch(() => undefined) ?? Promise.resolve(undefined);
  }

  /** Every open plan once loaded, as the set is when each is reached. */
  *eachWhenLoaded(): Generator<Promise<LivePlan | undefined>> {
    for (const open of this.plans.values()) yield open.loaded.catch(() => undefined);
  }

  /** The open plans loaded so far. */
  loadedPlans(): LivePlan[] {
    return [...this.plans.values()].flatMap((open) => (open.plan ? [open.plan] : []));
  }

  /** Unloads the plan once nobody is on it and its writes are stored; then compacts its log. */
  async unloadIfIdle(plan: LivePlan): Promise<void> {
    if (plan.connections.size > 0) return;
    const { store, relay, versions, log: updateLog } = this.options;
    await store.whenStored();
    const open = this.plans.get(plan.planId);
    if (!open || plan.connections.size > 0 || open.joining > 0 || (await open.loaded) !== plan) return;
    this.plans.delete(plan.planId);
    relay.unsubscribe(plan.planId);
    await plan.indexSections();
    if (plan.checkpoints.hasChanges) await versions.saveCheckpoint(plan);
    plan.destroy();
    if (this.isShuttingDown) return;
    try {
      // Counted first without a write transaction; counted again under the lock (another
      // instance may have compacted meanwhile).
      const uncompacted = await updateLog.countUncompacted(plan.planId);
      if (uncompacted >= COMPACT_AFTER_UPDATES) {
        const { foldedRows, skipped } = await updateLog.compact(plan.planId, { minUpdates: COMPACT_AFTER_UPDATES });
        if (foldedRows > 0) log.info("plan compacted", { plan: plan.planId, foldedRows });
        if (skipped) log.info("plan compaction left to the instance already running it", { plan: plan.planId });
      } else if (uncompacted === 0 && plan.lacksSummary) {
        // A state compacted before summaries were stored: the next opening needs it.
        await updateLog.summarize(plan.planId).catch((error) =>
          log.error("storing the summary of a plan's state failed; it opens from the state", {
            plan: plan.planId,
            ...errorFields(error),
          }),
        );
      }
    } catch (error) {
      log.error("compaction failed", { plan: plan.planId, ...errorFields(error) });
    }
  }

  /** From now on, plans unloaded are not compacted (the process is going). */
  stopCompacting(): void {
    this.isShuttingDown = true;
  }

  stats() {
    return {
      openPlans: this.plans.size,
      /** Open plans whose Y.Doc is in memory; the others hold only their encoded state. */
      documentsInMemory: [...this.plans.values()].filter((open) => open.plan?.isInMemory).length,
    };
  }
}

/** Reads what other instances stored that the plan missed; a failure is retried later. */
export function healLogged(plan: LivePlan): Promise<void> {
  return plan.healing
    .heal()
    .catch((error) => log.error("reading other instances' updates failed; will retry", { plan: plan.planId, ...errorFields(error) }));
}
