// What each person last saw of a plan (docs/workflow.md, "Since your last visit"): when their
// last socket on it here closes, the time and a version holding the text then. Off the socket's
// path (after it closed, one run per plan at a time, people leaving meanwhile recorded together),
// and bounded: the newest version is reused when nothing changed since it, and a version is
// copied for visits at most once per plan per `minCopyIntervalMs`, however often people
// connect and disconnect.
import { errorFields, log } from "../../app/utils/log.server";
import { latestVersionId } from "../../app/versions/version.server";
import { recordVisits } from "../../app/models/visit.server";
import type { LivePlan } from "./live-plan";
import type { PlanRegistry } from "./plan-registry";
import type { PlanVersions } from "./plan-versions";

export interface PlanVisitsOptions {
  plans: PlanRegistry;
  versions: PlanVersions;
  /** Shortest time between two versions kept for visits of one plan (the checkpoint quiet time). */
  minCopyIntervalMs: number;
}

export class PlanVisits {
  /** People who left each plan and are not yet recorded: account → when they left. */
  private readonly waiting = new Map<string, Map<number, number>>();
  /** The recording running for each plan. */
  private readonly running = new Map<string, Promise<void>>();
  /** When a version was last kept for a visit of each plan. */
  private readonly lastCopyAt = new Map<string, number>();
  /** The process is going: everyone was noted as leaving (leaveAll); later closes are not. */
  private isStopping = false;

  constructor(private readonly options: PlanVisitsOptions) {}

  /** A socket of `userId` has left `plan`: call synchronously from its close, so the plan is
   * still open here and stays so until the visit is recorded. */
  noteLeave(plan: LivePlan, userId: number): void {
    if (this.isStopping) return;
    // Still on the plan in another tab: not gone yet.
    for (const socket of plan.connections) if (socket.user.id === userId) return;
    this.note(plan, userId);
  }

  /** The process is going: everyone on these plans leaves now, recorded while the database is
   * still there (their sockets close later, when nothing may be written any more). */
  leaveAll(plans: LivePlan[]): void {
    this.isStopping = true;
    for (const plan of plans) for (const socket of plan.connections) this.note(plan, socket.user.id);
  }

  private note(plan: LivePlan, userId: number): void {
    const waiting = this.waiting.get(plan.planId) ?? new Map<number, number>();
    waiting.set(userId, Date.now());
    this.waiting.set(plan.planId, waiting);
    if (!this.running.has(plan.planId)) this.run(plan.planId);
  }

  /** Settles once every visit noted so far is recorded. */
  async whenRecorded(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  private run(planId: string): void {
    // withPlan counts this as joining at once (before its first await): the plan is not
    // unloaded under the recording, and unloads after it if nobody is on it.
    const work = this.options.plans
      .withPlan(planId, async (plan) => {
        for (let batch = this.take(planId); batch; batch = this.take(planId)) await this.record(plan, batch);
      })
      .catch((error) => log.error("visits not recorded", { plan: planId, ...errorFields(error) }))
      .finally(() => {
        this.running.delete(planId);
        if (this.waiting.has(planId)) this.run(planId);
      });
    this.running.set(planId, work);
  }

  private take(planId: string): Map<number, number> | undefined {
    const batch = this.waiting.get(planId);
    this.waiting.delete(planId);
    return batch;
  }

  private async record(plan: LivePlan, batch: Map<number, number>): Promise<void> {
    const versionId = await this.versionHoldingNow(plan);
    await recordVisits(
      plan.planId,
      [...batch].map(([userId, seenAt]) => ({ userId, seenAt })),
      versionId,
    );
  }

  /** A version with the plan's text now: the newest if nothing changed since it was kept, else
   * a checkpoint kept now; within the copy interval, the newest (the changes since it then
   * read as news to whoever left, an overstatement rather than a change missed). */
  private async versionHoldingNow(plan: LivePlan): Promise<number | null> {
    const { versions, minCopyIntervalMs } = this.options;
    const now = Date.now();
    for (const [planId, at] of this.lastCopyAt) if (now - at >= minCopyIntervalMs) this.lastCopyAt.delete(planId);
    if (!plan.checkpoints.hasChanges) {
      const latest = await latestVersionId(plan.planId);
      if (latest !== null) return latest;
    } else if (this.lastCopyAt.has(plan.planId)) {
      return latestVersionId(plan.planId);
    }
    this.lastCopyAt.set(plan.planId, now);
    try {
      // A checkpoint like any other (null: equal to the newest version, which then holds the text).
      return (
        (await versions.saveVersion(plan, { kind: "checkpoint", name: "", note: "", createdBy: null })) ??
        (await latestVersionId(plan.planId))
      );
    } catch (error) {
      log.error("checkpoint for a visit failed", { plan: plan.planId, ...errorFields(error) });
      return latestVersionId(plan.planId);
    }
  }
}
