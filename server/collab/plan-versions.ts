// Versions of open plans (docs/versions.md): automatic checkpoints and named versions, written
// one at a time per plan from the live document with every change stored first.
import * as Y from "yjs";
import { contentHash, currentSectionDetails, storeVersion } from "../../app/versions/version.server";
import { errorFields, log } from "../../app/utils/log.server";
import type { LivePlan } from "./live-plan";
import type { UpdateStore } from "./update-store";

export interface VersionRequest {
  kind: "named" | "checkpoint";
  name: string;
  note: string;
  createdBy: number | null;
  /** Called as the document is read for it (a sign-off's version: later edits count). */
  onSnapshot?: () => void;
}

export class PlanVersions {
  /** The version being written for each plan (saveVersion), so they never overlap. */
  private readonly versionWork = new Map<string, Promise<unknown>>();

  constructor(private readonly store: UpdateStore) {}

  /** Keeps an automatic checkpoint of the plan, unless it equals the last version. */
  async saveCheckpoint(plan: LivePlan): Promise<void> {
    try {
      await this.saveVersion(plan, { kind: "checkpoint", name: "", note: "", createdBy: null });
    } catch (error) {
      log.error("checkpoint failed", { plan: plan.planId, ...errorFields(error) });
    }
  }

  /** Saves the plan as it is now: every change stored first, section details as they are. A
   * checkpoint equal to the last version is not kept (returns null). */
  saveVersion(plan: LivePlan, version: VersionRequest): Promise<number | null> {
    // One at a time per plan: a quiet timer, an unload and a restore may all ask at once.
    const previous = this.versionWork.get(plan.planId) ?? Promise.resolve();
    const work = previous.catch(() => undefined).then(() => this.storeSnapshot(plan, version));
    const settled = work.catch(() => undefined);
    this.versionWork.set(plan.planId, settled);
    void settled.then(() => {
      if (this.versionWork.get(plan.planId) === settled) this.versionWork.delete(plan.planId);
    });
    return work;
  }

  /** Settles once every version being written now is written. */
  async whenWritten(): Promise<void> {
    await Promise.all(this.versionWork.values());
  }

  private async storeSnapshot(plan: LivePlan, version: VersionRequest): Promise<number | null> {
    await this.store.whenStored();
    await plan.indexSections();
    const details = await currentSectionDetails(plan.planId);
    // The state, its hash and who edited are read together, with nothing awaited between.
    const doc = plan.document();
    const hash = contentHash(doc, details);
    const state = Y.encodeStateAsUpdate(doc);
    const authors = plan.checkpoints.takeEditors();
    const { onSnapshot, ...request } = version;
    onSnapshot?.();
    // A checkpoint equal to the latest version (this instance's or another's) is not kept.
    return storeVersion({
      planId: plan.planId,
      ...request,
      state,
      details,
      contentHash: hash,
      authors,
      skipIfUnchanged: version.kind === "checkpoint",
    });
  }
}
