// The page's calls to the suggestions API (docs/suggestions.md): JSON with the session cookie.
import { requestJson, type ApiResult } from "../../utils/json-api";
import type { SuggestionView } from "./types";

function suggestionsUrl(planId: string): string {
  return `/api/plans/${encodeURIComponent(planId)}/suggestions`;
}

export function fetchSuggestions(planId: string, signal: AbortSignal): Promise<ApiResult<{ suggestions: SuggestionView[] }>> {
  return requestJson("GET", suggestionsUrl(planId), undefined, signal);
}

export function resolveSuggestion(
  planId: string,
  id: string,
  action: "accept" | "reject",
  body: { reason?: string; partly?: boolean } = {},
): Promise<ApiResult<unknown>> {
  return requestJson("POST", `${suggestionsUrl(planId)}/${encodeURIComponent(id)}/${action}`, body);
}

/** Accepts or rejects several at once (the ones the panel shows), as one change. */
export function resolveSuggestions(planId: string, ids: string[], action: "accept" | "reject"): Promise<ApiResult<unknown>> {
  return requestJson("POST", `${suggestionsUrl(planId)}/resolve`, { action, ids });
}

export function replyToSuggestion(planId: string, id: string, body: string): Promise<ApiResult<unknown>> {
  return requestJson("POST", `${suggestionsUrl(planId)}/${encodeURIComponent(id)}/replies`, { body });
}
