// What the comment routes share: body checks, the consultation-round rule and the thread as
// the caller sees it (docs/comments.md).
import type { AppLoadContext } from "@remix-run/node";
import type { TFunction } from "i18next";
import { z } from "zod";
import { getThread, listPlanPeople, listThreads, MAX_COMMENT_LENGTH, mentionedUserIds, type Viewer } from "../models/comment.server";
import { commentingRule, listRounds, sectionsClosedToPartners } from "../models/consultation.server";
import { getMemberRole } from "../models/plan.server";
import { can } from "../models/roles";
import { jsonError } from "./api.server";
import { isCalendarDate } from "./deadline";
import { perAccountLimit } from "./rate-limit";
import { singleton } from "./singleton.server";

/** Comments (new threads, replies, edits) one account may post: a burst of 30, then one every
 * three seconds; far above anyone typing them, and each can mention people and so send mail. */
const COMMENT_POSTS_PER_SECOND = 1 / 3;
const COMMENT_POST_BURST = 30;
const mayPostComment = singleton("comment-post-rate", () => perAccountLimit(COMMENT_POSTS_PER_SECOND, COMMENT_POST_BURST));

/** Counts a comment posted by this account; a 429 refusal when it posts faster than a person would. */
export function takeCommentPost(userId: number, t: TFunction): void {
  if (!mayPostComment(userId)) throw jsonError(429, t("api.commentsTooOften"), "rateLimited");
}

/** A comment body as stored: trimmed, not empty, not too long; and who it mentions. */
export async function checkBody(planId: string, body: unknown, t: TFunction): Promise<{ body: string; mentions: number[] }> {
  if (typeof body !== "string" || !body.trim()) throw jsonError(422, t("api.bodyRequired"));
  const trimmed = body.trim();
  if (trimmed.length > MAX_COMMENT_LENGTH) throw jsonError(422, t("api.bodyTooLong", { max: MAX_COMMENT_LENGTH }));
  return { body: trimmed, mentions: mentionedUserIds(trimmed, await listPlanPeople(planId)) };
}

/**
 * Whether this person may comment on the section now: partners (commenters) are refused on
 * sections of a closed consultation round that no open round covers; the drafting team may
 * still discuss there. Returns the open round a new thread joins.
 */
export async function checkRound(planId: string, sectionId: string, viewer: Viewer, t: TFunction): Promise<number | null> {
  const rule = await commentingRule(planId, sectionId);
  if (rule.closedRound && !can(viewer.role, "comment.afterRoundCloses")) {
    throw jsonError(403, t("api.roundClosed", { round: rule.closedRound.name }), "roundClosed");
  }
  return rule.openRoundId;
}

/** The thread (a listed one, of this plan) or a 404. */
export async function requireThread(planId: string, threadId: string | undefined, t: TFunction) {
  const thread = threadId ? await getThread(planId, threadId) : undefined;
  if (!thread) throw jsonError(404, t("api.threadNotFound"));
  return thread;
}

export async function threadView(context: AppLoadContext, planId: string, viewer: Viewer, threadId: string) {
  const [anchors, rounds] = await Promise.all([context.collab.commentAnchors(planId), listRounds(planId)]);
  const [thread] = await listThreads(planId, viewer, anchors, sectionsClosedToPartners(rounds), threadId);
  return thread;
}

/** A due date as the API takes it: a real calendar date, YYYY-MM-DD. */
export const DueDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "dueDate must be YYYY-MM-DD")
  .refine(isCalendarDate, "dueDate must be a real date");

/** The member a thread may be assigned to: someone on the plan who can comment on it (a
 * reader could neither reply nor resolve). A 422 refusal otherwise. */
export async function checkAssignee(planId: string, assigneeId: number, t: TFunction): Promise<void> {
  const role = await getMemberRole(planId, assigneeId);
  if (!role || !can(role, "plan.comment")) throw jsonError(422, t("api.assigneeNotMember"), "assigneeNotMember");
}
