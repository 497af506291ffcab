// POST …/accept and …/reject (editors and owners) `{ reason?, partly? }`; POST …/replies
// `{ body }` (commenters and up). docs/suggestions.md, "Data and API".
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { addSuggestionReply } from "../models/suggestion.server";
import { notifySuggestionReply, notifySuggestionsResolved } from "../models/suggestion-notifications.server";
import { can } from "../models/roles";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { checkBody, checkRound, takeCommentPost } from "../utils/comment-api.server";
import { requireSuggestion, suggestionRefusal, suggestionViews } from "../utils/suggestion-api.server";

const Resolution = z.object({ reason: z.string().max(2000).optional(), partly: z.boolean().optional() }).strict();

export async function action({ request, params, context }: ActionFunctionArgs) {
  const operation = params.operation;
  if (operation !== "accept" && operation !== "reject" && operation !== "replies") {
    const { t } = await requireApiPlan(request, params.planId, "plan.view");
    return jsonError(404, t("api.suggestion.notFound"));
  }
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.comment");
  const suggestion = await requireSuggestion(context, plan.id, params.suggestionId, t);

  if (operation === "replies") {
    const input = await readJson(request, z.object({ body: z.unknown() }).strict(), t);
    const { body } = await checkBody(plan.id, input.body, t);
    await checkRound(plan.id, suggestion.sectionId, { id: user.id, role: plan.role }, t);
    takeCommentPost(user.id, t);
    await addSuggestionReply(plan.id, suggestion.id, user.id, body);
    context.collab.notifySuggestionsChanged(plan.id);
    await notifySuggestionReply({ plan, actor: { id: user.id, name: user.name }, suggestionId: suggestion.id, body });
    const [view] = await suggestionViews(context, plan.id, suggestion.id);
    return Response.json(view, { status: 201 });
  }

  if (!can(plan.role, "suggestion.resolve")) return jsonError(403, t("api.forbidden"));
  const input = await readJson(request, Resolution, t);
  if (suggestion.status === "accepted") return jsonError(409, t("api.suggestion.alreadyAccepted"), "alreadyResolved");
  if (suggestion.status === "rejected") return jsonError(409, t("api.suggestion.alreadyRejected"), "alreadyResolved");
  const result = await context.collab.resolveSuggestions(plan.id, user.id, { ids: [suggestion.id] }, operation, {
    reason: input.reason,
    partly: operation === "accept" && input.partly === true,
  });
  if (!result.ok) return suggestionRefusal(result, t);
  context.collab.notifySuggestionsChanged(plan.id);
  await notifySuggestionsResolved({
    plan,
    actor: { id: user.id, name: user.name },
    ids: result.ids,
    outcome: operation === "accept" ? "accepted" : "rejected",
    reason: input.reason,
  });
  const [view] = await suggestionViews(context, plan.id, suggestion.id);
  return Response.json(view);
}
