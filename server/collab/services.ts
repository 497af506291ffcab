// What the web app asks of the collaboration server, as one object: the load context's
// `collab` (app/utils/load-context.ts). Edits the server makes for a person (comment marks,
// restores) go through the live plan like any edit, so everyone online sees them arrive.
import * as Y from "yjs";
import { prepareCommentMark } from "../../app/editor/comment-anchors";
import { planSchema, sectionOutline } from "../../app/editor/document.server";
import { prepareRestore, type PreparedRestore } from "../../app/editor/restore";
import { prepareSuggestionEdit, prepareSuggestionResolution, type SuggestionSelection } from "../../app/editor/suggestion-edits";
import { newSuggestionId } from "../../app/editor/suggestion-marks";
import {
  organisationUserIds,
  recordResolution,
  recordSuggestionOrigin,
  recordSuggestionsSeen,
  suggestionIdForImportKey,
} from "../../app/models/suggestion.server";
import { latestVersionId } from "../../app/versions/version.server";
import { versionDoc } from "../../app/versions/version.server";
import type { CollabServices } from "../../app/utils/load-context";
import type { PeerLink } from "./cluster/peer-link";
import type { PlanRegistry } from "./plan-registry";
import type { PlanVersions } from "./plan-versions";
import { perAccountLimit } from "../../app/utils/rate-limit";
import type { SessionWatch } from "./session-watch";
import type { UpdateStore } from "./update-store";

/** Comment marks one account may ask for per second (a burst of twice that). */
const COMMENT_MARKS_PER_SECOND = 5;

/** Suggestions one account may write or resolve per second (a burst of twice that): each
 * copies and diffs the whole plan (10-35 ms on a 100-page plan), so this keeps one account under
 * about a third of a core. The Word import writes one per tracked change, waiting its turn. */
const SUGGESTION_EDITS_PER_SECOND = 10;

/** Versions one account may save or restore per second (a burst of twice that). */
const VERSION_WRITES_PER_SECOND = 2;

export interface ServicesOptions {
  plans: PlanRegistry;
  versions: PlanVersions;
  sessions: SessionWatch;
  peers: PeerLink;
  store: UpdateStore;
}

export function createCollabServices({ plans, versions, sessions, peers, store }: ServicesOptions): CollabServices {
  // Each comment-mark request copies and diffs the whole plan: five a second per account is plenty.
  const mayMarkComment = perAccountLimit(COMMENT_MARKS_PER_SECOND);
  const mayEditSuggestions = perAccountLimit(SUGGESTION_EDITS_PER_SECOND);
  /** Whether the account may save or restore a version now (each copies the whole plan). */
  const mayWriteVersion = perAccountLimit(VERSION_WRITES_PER_SECOND);

  return {
    /** The people on the plan now, once each: here, and through the other instances. */
    async onlineUsers(planId) {
      const [plan, elsewhere] = await Promise.all([plans.whenLoaded(planId), peers.onlineElsewhere(planId)]);
      const users = new Map((plan?.presence.onlineUsers() ?? []).map((user) => [user.id, user]));
      for (const user of elsewhere) if (!users.has(user.id)) users.set(user.id, user);
      return [...users.values()];
    },

    /** Tells every socket on the plan, on every instance, to reload its details (sections, members). */
    notifyPlanChanged: (planId) => peers.notify(planId, "planChanged"),

    /** Tells every socket on the plan, on every instance, that comment threads changed. */
    notifyThreadsChanged: (planId) => peers.notify(planId, "threadsChanged"),

    async documentState(planId) {
      const plan = await plans.whenLoaded(planId);
      return plan ? Y.encodeStateAsUpdate(plan.document()) : null;
    },

    /**
     * Adds thread `threadId`'s comment mark to the passage `anchor` names, as an edit of
     * `userId`'s (docs/comments.md, "Anchors"). `check` runs once the passage's section is
     * known and throws to refuse; the mark is stored before this returns.
     */
    async markComment(planId, userId, anchor, threadId, check) {
      if (!mayMarkComment(userId)) return { ok: false, reason: "rateLimited" };
      return plans.withPlan(planId, async (plan) => {
        const prepared = prepareCommentMark(plan.document(), planSchema(), anchor, threadId);
        if (!prepared.ok) return prepared;
        await check(prepared.sectionId);
        if (plan.applyEditOnBehalf(prepared.update, userId, { isCommentMark: true }) === "tooLarge")
          return { ok: false, reason: "tooLarge" };
        await store.whenStored();
        return prepared;
      });
    },

    /** Suggestions live on the same message as threads (103): pages fetch both again. */
    notifySuggestionsChanged: (planId) => peers.notify(planId, "threadsChanged"),

    /**
     * Proposes replacing the one occurrence of `find` in the section, as `userId`'s suggestion
     * (docs/suggestions.md, "Data and API"): computed on a copy of the document, applied as
     * their edit, stored, and its row written before this returns.
     */
    async suggestText(planId, userId, input) {
      if (!mayEditSuggestions(userId)) return { ok: false, reason: "rateLimited" };
      if (input.importKey !== undefined) {
        const existing = await suggestionIdForImportKey(planId, input.importKey);
        if (existing) return { ok: false, reason: "alreadyImported", id: existing };
      }
      return plans.withPlan(planId, async (plan) => {
        const suggestionId = newSuggestionId();
        const { importKey, wordAuthor, ...edit } = input;
        const prepared = prepareSuggestionEdit(plan.document(), planSchema(), { ...edit, authorId: userId, suggestionId });
        if (!prepared.ok) return prepared;
        if (plan.applyEditOnBehalf(prepared.update, userId, { isSuggestion: true }) === "tooLarge")
          return { ok: false, reason: "tooLarge" };
        await store.whenStored();
        const origin = { importKey, wordAuthor };
        await recordSuggestionsSeen(planId, [prepared.suggestion], new Map([[suggestionId, origin]]));
        await recordSuggestionOrigin(planId, suggestionId, origin);
        return { ok: true, id: suggestionId };
      });
    },

    /**
     * Accepts or rejects the suggestions `target` names as one edit of `userId`'s: the accepted
     * words stay credited to their suggester's client ids, the deletions are the resolver's.
     * Recorded (who, when, why) once stored; "outdated" when none of them has marks left.
     */
    async resolveSuggestions(planId, userId, target, resolution, options = {}) {
      if (!mayEditSuggestions(userId)) return { ok: false, reason: "rateLimited" };
      const selection: SuggestionSelection =
        "organisationId" in target
          ? { authorIds: await organisationUserIds(target.organisationId) }
          : "authorId" in target
            ? { authorIds: [target.authorId] }
            : target;
      return plans.withPlan(planId, async (plan) => {
        const prepared = prepareSuggestionResolution(plan.document(), planSchema(), selection, resolution);
        if (!prepared.ok) return prepared;
        if (plan.applyEditOnBehalf(prepared.update, userId) === "tooLarge") return { ok: false, reason: "tooLarge" };
        await store.whenStored();
        await recordResolution(planId, prepared.resolved, resolution === "accept" ? "accepted" : "rejected", { userId, ...options });
        return { ok: true, ids: prepared.resolved.map((entry) => entry.id) };
      });
    },

    /** The suggestions the live document holds now. */
    suggestionsInPlan: (planId) => plans.withPlan(planId, (plan) => plan.suggestionsInDocument()),

    /** Where each comment thread's passage is now (threads missing here are detached). */
    commentAnchors: (planId) => plans.withPlan(planId, (plan) => plan.commentAnchors()),

    /** The sections of the plan now, by id. */
    sectionIds: (planId) => plans.withPlan(planId, (plan) => new Set(sectionOutline(plan.document()).map((section) => section.id))),

    /** Saves a named version (an editor's "Save version"); null when the account asks too often. */
    async saveNamedVersion(planId, userId, name, note) {
      if (!mayWriteVersion(userId)) return null;
      return plans.withPlan(planId, async (plan) => (await versions.saveVersion(plan, { kind: "named", name, note, createdBy: userId }))!);
    },

    /**
     * Restores a version, or one section of it, as a forward change by `userId`: the current
     * text is kept as a checkpoint first, the difference applied like any edit (everyone online
     * sees it arrive), and the result kept as a checkpoint too.
     */
    async restoreVersion(planId, userId, version, sectionId) {
      if (!mayWriteVersion(userId)) return { ok: false as const, reason: "rateLimited" as const };
      return plans.withPlan(planId, async (plan): Promise<PreparedRestore | { ok: false; reason: "tooLarge" }> => {
        await versions.saveCheckpoint(plan);
        const old = versionDoc(version.state);
        const prepared = prepareRestore(plan.document(), planSchema(), old, sectionId);
        old.destroy();
        if (!prepared.ok) return prepared;
        if (plan.applyEditOnBehalf(prepared.update, userId) === "tooLarge") return { ok: false, reason: "tooLarge" };
        await versions.saveCheckpoint(plan);
        return prepared;
      });
    },

    /**
     * Records a sign-off answer (docs/workflow.md, "Sign-off"): for an approval, the plan's text
     * now is kept as a version first (a checkpoint, or the latest version when that is the same)
     * and `record` is given its id. An edit of what was approved that arrives after the version
     * was read withdraws the approval once it is recorded.
     */
    async answerSignOff(planId, target, isApproval, record) {
      return plans.withPlan(planId, async (plan) => {
        const guard = plan.signOffs.guard(target);
        try {
          let versionId: number | null = null;
          if (isApproval) {
            const request = { kind: "checkpoint" as const, name: "", note: "", createdBy: null, onSnapshot: guard.snapshotTaken };
            versionId = (await versions.saveVersion(plan, request)) ?? (await latestVersionId(planId));
          } else {
            guard.snapshotTaken();
          }
          return await record(versionId);
        } finally {
          guard.release();
          await plan.signOffs.settle();
          peers.notify(planId, "planChanged");
        }
      });
    },

    /** Sign-offs changed: what edits withdraw is read again here (others do on "plan changed"),
     * and open pages reload. */
    async signOffsChanged(planId) {
      await (await plans.whenLoaded(planId))?.signOffs.reload();
      peers.notify(planId, "planChanged");
    },

    /** Applies a changed role or membership to the sockets a user has open on a plan, on
     * every instance. */
    async refreshMember(planId, userId) {
      peers.publishMemberChanged(planId, userId);
      await sessions.refreshMember(planId, userId);
    },

    /**
     * Closes the sockets of a session that signed out: here at once, and on the other
     * instances through the channels of the account's plans (they hold only sockets there).
     */
    async endSession(sessionId, userId) {
      sessions.endSession(sessionId);
      await peers.publishSessionEnded(sessionId, userId);
    },
  };
}
