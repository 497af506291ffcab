// POST …/resolve and …/reopen (editors and owners, and a commenter their own thread);
// POST …/disposition (the drafting team, on a thread of a consultation round).
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { canResolveThread, DISPOSITIONS, setDisposition, setThreadStatus } from "../models/comment.server";
import { can } from "../models/roles";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { requireThread, threadView } from "../utils/comment-api.server";

const Disposition = z
  .object({ disposition: z.enum(DISPOSITIONS).nullable(), response: z.string().max(2000).optional().default("") })
  .strict();

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operation = params.operation;
  if (operation !== "resolve" && operation !== "reopen" && operation !== "disposition") {
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
  } else {
    if (!canResolveThread(viewer, thread)) return jsonError(403, t("api.forbidden"));
    await setThreadStatus(thread.id, operation === "resolve" ? "resolved" : "open", user.id);
  }
  context.collab.notifyThreadsChanged(plan.id);
  return Response.json(await threadView(context, plan.id, viewer, thread.id));
}
