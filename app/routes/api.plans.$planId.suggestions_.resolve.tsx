// POST: accept or reject every open suggestion in a section, from one person or from one
// organisation, or the ones named (what the comments column shows), as one edit (editors and owners). docs/suggestions.md, "Data and API".
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { SUGGESTION_ID_PATTERN } from "../editor/suggestion-marks";
import { notifySuggestionsResolved } from "../models/suggestion-notifications.server";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { suggestionRefusal } from "../utils/suggestion-api.server";

const BulkResolution = z.union([
  z
    .object({
      action: z.enum(["accept", "reject"]),
      ids: z.array(z.string().regex(SUGGESTION_ID_PATTERN)).min(1).max(1000),
      reason: z.string().max(2000).optional(),
    })
    .strict(),
  z
    .object({ action: z.enum(["accept", "reject"]), sectionId: z.string().min(1).max(100), reason: z.string().max(2000).optional() })
    .strict(),
  z
    .object({ action: z.enum(["accept", "reject"]), authorId: z.number().int().positive(), reason: z.string().max(2000).optional() })
    .strict(),
  z
    .object({ action: z.enum(["accept", "reject"]), organisationId: z.number().int().positive(), reason: z.string().max(2000).optional() })
    .strict(),
]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "suggestion.resolve");
  const { action: resolution, reason, ...target } = await readJson(request, BulkResolution, t);
  const result = await context.collab.resolveSuggestions(plan.id, user.id, target, resolution, { reason });
  if (!result.ok) return suggestionRefusal(result, t, true);
  context.collab.notifySuggestionsChanged(plan.id);
  const outcome = resolution === "accept" ? "accepted" : "rejected";
  await notifySuggestionsResolved({ plan, actor: { id: user.id, name: user.name }, ids: result.ids, outcome, reason });
  return Response.json({ ids: result.ids });
}
