// GET: the plan's suggestions (members); POST: a new suggestion replacing one occurrence of
// `find` in a section (commenters and up, where they may comment). docs/suggestions.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { MAX_SUGGESTION_TEXT } from "../editor/suggestion-edits";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { checkRound } from "../utils/comment-api.server";
import { suggestionRefusal, suggestionViews } from "../utils/suggestion-api.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { plan } = await requireApiPlan(request, params.planId, "plan.view");
  return Response.json({ suggestions: await suggestionViews(context, plan.id) }, { headers: { "Cache-Control": "no-store" } });
}

const NewSuggestion = z
  .object({
    sectionId: z.string().min(1).max(100),
    find: z.string().min(1).max(MAX_SUGGESTION_TEXT),
    replaceWith: z.string().max(MAX_SUGGESTION_TEXT),
  })
  .strict();

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.suggest");
  const input = await readJson(request, NewSuggestion, t);
  if (!(await context.collab.sectionIds(plan.id)).has(input.sectionId)) return jsonError(422, t("api.noSuchSection"), "noSuchSection");
  // Where a partner may not comment (a closed round's section), they may not suggest either.
  await checkRound(plan.id, input.sectionId, { id: user.id, role: plan.role }, t);
  const result = await context.collab.suggestText(plan.id, user.id, input);
  if (!result.ok) return suggestionRefusal(result, t);
  context.collab.notifySuggestionsChanged(plan.id);
  return Response.json({ id: result.id }, { status: 201 });
}
