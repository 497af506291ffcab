// A suggestion's proposal as one line of text ("Replace “X” with “Y”"), for the round's
// response matrix (page and CSV) and anywhere a suggestion is listed as words.
import type { TFunction } from "i18next";

export function suggestionProposal(t: TFunction, suggestion: { inserted: string; deleted: string }): string {
  if (!suggestion.deleted) return t("rounds.suggestionInsert", { inserted: suggestion.inserted });
  if (!suggestion.inserted) return t("rounds.suggestionDelete", { deleted: suggestion.deleted });
  return t("rounds.suggestionReplace", suggestion);
}
