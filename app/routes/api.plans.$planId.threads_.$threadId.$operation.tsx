// POST …/resolve and …/reopen (editors and owners, and a commenter their own thread);
// POST …/disposition (the drafting team, on a thread of a consultation round);
// POST …/assign (whoever may resolve it): to a member by a date, or to nobody.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  canResolveThread,
  DISPOSITIONS,
  firstCommentBody,
  setDisposition,
  setThreadAssignment,
  setThreadStatus,
} from "../models/comment.server";
import { notifyThreadAssigned } from "../models/comment-notifications.server";
import { can } from "../models/roles";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { checkAssignee, checkRound, DueDate, requireThread, threadView } from "../utils/comment-api.server";

const Disposition = z
  .object({ disposition: z.enum(DISPOSITIONS).nullable(), response: z.string().max(2000).optional().default("") })
  .strict();

const Assignment = z.object({ assigneeId: z.number().int().positive().nullable(), dueDate: DueDate.nullable().optional() }).strict();

const OPERATIONS = new Set(["resolve", "reopen", "disposition", "assign"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operation = params.operation;
  if (!operation || !OPERATIONS.has(operation)) {
    const { t } = await requireApiPlan(request, params.planId, "plan.view");
    return jsonError(404, t("api.threadNotFound"));
  }
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.comment");
  const viewer = { id: user.id, role: plan.role };
  const thread = await requireThread(plan.id, params.threadId, t);

  if (operation === "disposition") {
    if (!can(plan.role, "comment.dispose")) return jsonError(403, t("api.forbidden"));
    if (thread.round_id === null) return jsonError(422, t("api.notInRound"));
    const input = await readJson(request, Disposition, t);
    await setDisposition(thread.id, input.disposition, input.response.trim(), user.id);
  } else if (operation === "assign") {
    if (!canResolveThread(viewer, thread)) return jsonError(403, t("api.forbidden"));
    // Partners cannot reassign what a closed round's section holds, as they cannot reply there.
    const anchors = await context.collab.commentAnchors(plan.id);
    await checkRound(plan.id, anchors.get(thread.id)?.sectionId ?? thread.section_id, viewer, t);
    const input = await readJson(request, Assignment, t);
    if (input.assigneeId !== null) await checkAssignee(plan.id, input.assigneeId, t);
    const dueDate = input.assigneeId === null ? null : (input.dueDate ?? null);
    await setThreadAssignment(thread.id, input.assigneeId, dueDate);
    const isNewAssignee = input.assigneeId !== null && input.assigneeId !== thread.assignee_id;
    const isNewDate = input.assigneeId !== null && dueDate !== thread.due_date;
    if (isNewAssignee || isNewDate) {
      const first = await firstCommentBody(thread.id);
      await notifyThreadAssigned({
        plan,
        actor: { id: user.id, name: user.name },
        threadId: thread.id,
        assigneeId: input.assigneeId!,
        dueDate,
        title: thread.quote || first,
      });
    }
  } else {
    if (!canResolveThread(viewer, thread)) return jsonError(403, t("api.forbidden"));
    await setThreadStatus(thread.id, operation === "resolve" ? "resolved" : "open", user.id);
  }
  context.collab.notifyThreadsChanged(plan.id);
  return Response.json(await threadView(context, plan.id, viewer, thread.id));
}
