// PATCH: edit your own comment; DELETE: delete it ("comment deleted" stays while the thread
// has other comments).
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { deleteComment, editComment, getComment, mentionsIn } from "../models/comment.server";
import { notifyComment } from "../models/comment-notifications.server";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { checkBody, checkRound, requireThread, takeCommentPost, threadView } from "../utils/comment-api.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "PATCH" && request.method !== "DELETE") return jsonError(405, "PATCH, DELETE");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.comment");
  const viewer = { id: user.id, role: plan.role };
  const thread = await requireThread(plan.id, params.threadId, t);
  const commentId = Number(params.commentId);
  const comment = Number.isSafeInteger(commentId) ? await getComment(thread.id, commentId) : undefined;
  if (!comment) return jsonError(404, t("api.commentNotFound"));
  if (comment.user_id !== user.id) return jsonError(403, t("api.notYourComment"));
  // Once a round has closed, what partners said in it stays as the team answered it.
  const anchors = await context.collab.commentAnchors(plan.id);
  await checkRound(plan.id, anchors.get(thread.id)?.sectionId ?? thread.section_id, viewer, t);

  if (request.method === "DELETE") {
    const { threadDeleted } = await deleteComment(thread.id, comment.id);
    context.collab.notifyThreadsChanged(plan.id);
    return threadDeleted ? Response.json({ deleted: true }) : Response.json(await threadView(context, plan.id, viewer, thread.id));
  }
  const input = await readJson(request, z.object({ body: z.unknown() }).strict(), t);
  const { body, mentions } = await checkBody(plan.id, input.body, t);
  takeCommentPost(user.id, t);
  const mentionedBefore = new Set(await mentionsIn(comment.id));
  await editComment(comment.id, body, mentions);
  context.collab.notifyThreadsChanged(plan.id);
  // Those the edit newly mentions hear of it; nobody hears of the same comment twice.
  const newlyMentioned = mentions.filter((id) => !mentionedBefore.has(id));
  const actor = { id: user.id, name: user.name };
  await notifyComment({ plan, actor, threadId: thread.id, body, mentions: newlyMentioned, isEdit: true });
  return Response.json(await threadView(context, plan.id, viewer, thread.id));
}
