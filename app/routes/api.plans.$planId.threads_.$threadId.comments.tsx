// POST: a reply in a thread.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { addComment } from "../models/comment.server";
import { notifyComment } from "../models/comment-notifications.server";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { checkBody, checkRound, requireThread, takeCommentPost, threadView } from "../utils/comment-api.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.comment");
  const viewer = { id: user.id, role: plan.role };
  const thread = await requireThread(plan.id, params.threadId, t);
  const input = await readJson(request, z.object({ body: z.unknown() }).strict(), t);
  const { body, mentions } = await checkBody(plan.id, input.body, t);
  const anchors = await context.collab.commentAnchors(plan.id);
  await checkRound(plan.id, anchors.get(thread.id)?.sectionId ?? thread.section_id, viewer, t);
  takeCommentPost(user.id, t);
  await addComment(thread.id, user.id, body, mentions);
  context.collab.notifyThreadsChanged(plan.id);
  await notifyComment({ plan, actor: { id: user.id, name: user.name }, threadId: thread.id, body, mentions });
  return Response.json(await threadView(context, plan.id, viewer, thread.id), { status: 201 });
}
