// Who made each suggestion in a document, and when, for Word's tracked changes (w:author, w:date)
// and the redline's "accepted by": the account from the marks' authorId, the time and who
// resolved it from the `suggestions` table (docs/suggestions.md).
import type { Node as PMNode } from "@tiptap/pm/model";
import { suggestionsInDocument } from "../editor/suggestion-marks";
import { suggestionRecords } from "../models/suggestion-records.server";
import type { Person } from "../versions/types";
import { people } from "../versions/version.server";

export interface SuggestionCredit {
  /** The suggester (null: an account that no longer exists). */
  author: Person | null;
  /** When it was made (ms since the epoch). */
  createdAt: number;
}

/** Each suggestion in `doc` by id; a suggestion without a record gets `fallbackDate`. */
export async function suggestionCredits(planId: string, doc: PMNode, fallbackDate: number): Promise<Map<string, SuggestionCredit>> {
  const suggestions = suggestionsInDocument(doc);
  if (suggestions.length === 0) return new Map();
  const [authors, records] = await Promise.all([
    people([...new Set(suggestions.map((suggestion) => suggestion.authorId))]),
    suggestionRecords(
      planId,
      suggestions.map((suggestion) => suggestion.id),
    ),
  ]);
  return new Map(
    suggestions.map((suggestion) => [
      suggestion.id,
      { author: authors.get(suggestion.authorId) ?? null, createdAt: records.get(suggestion.id)?.createdAt ?? fallbackDate },
    ]),
  );
}
