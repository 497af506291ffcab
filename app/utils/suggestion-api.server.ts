// What the suggestion routes share (docs/suggestions.md, "Data and API"): the list as the API
// shows it, and refusals in the caller's language.
import type { AppLoadContext } from "@remix-run/node";
import type { TFunction } from "i18next";
import type { ResolveSuggestionsResult, SuggestTextResult } from "../editor/suggestion-edits";
import { getSuggestion, listSuggestions } from "../models/suggestion.server";
import { jsonError } from "./api.server";

export async function suggestionViews(context: AppLoadContext, planId: string, onlyId?: string) {
  return listSuggestions(planId, await context.collab.suggestionsInPlan(planId), onlyId);
}

/** The suggestion (not withdrawn, of this plan) or a 404. One typed a moment ago may have no
 * row yet (the index writes it a second after the edit): its marks in the document count. */
export async function requireSuggestion(context: AppLoadContext, planId: string, suggestionId: string | undefined, t: TFunction) {
  const row = suggestionId ? await getSuggestion(planId, suggestionId) : undefined;
  if (row && row.status !== "withdrawn") return { id: row.id, status: row.status, sectionId: row.section_id };
  const marked = row ? undefined : (await context.collab.suggestionsInPlan(planId)).find((entry) => entry.id === suggestionId);
  if (!marked) throw jsonError(404, t("api.suggestion.notFound"));
  return { id: marked.id, status: "open" as const, sectionId: marked.sectionId };
}

/** A refusal of suggestText or resolveSuggestions as the API answers it. */
export function suggestionRefusal(
  result: Exclude<SuggestTextResult | ResolveSuggestionsResult, { ok: true }>,
  t: TFunction,
  isBulk = false,
): Response {
  switch (result.reason) {
    case "rateLimited":
      return jsonError(429, t("api.suggestion.rateLimited"), result.reason);
    case "tooLarge":
      return jsonError(413, t("api.suggestion.tooLarge"), result.reason);
    case "outdated":
      return isBulk
        ? jsonError(409, t("api.suggestion.nothingToResolve"), "nothingToResolve")
        : jsonError(409, t("api.suggestion.outdated"), result.reason);
    case "alreadyImported":
      return jsonError(409, t("api.suggestion.alreadyImported"), result.reason);
    case "notFound":
      return jsonError(422, t("api.suggestion.textNotFound"), result.reason);
    default:
      return jsonError(422, t(`api.suggestion.${result.reason}`), result.reason);
  }
}
