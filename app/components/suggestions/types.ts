// The suggestion shapes the page reads from the JSON API (docs/suggestions.md, "Addresses").
export type SuggestionStatus = "open" | "accepted" | "rejected" | "outdated";

export interface SuggestionPerson {
  id?: number;
  name: string;
  organisation: string;
}

export interface SuggestionReply {
  id: number;
  author: SuggestionPerson;
  body: string;
  createdAt: string;
}

export interface SuggestionView {
  id: string;
  sectionId: string;
  status: SuggestionStatus;
  inserted: string;
  deleted: string;
  author: SuggestionPerson;
  createdAt: string;
  roundId?: number | null;
  resolvedBy?: SuggestionPerson | null;
  reason?: string | null;
  partly?: boolean;
  /** The Word author of an imported change who is not a member ("via Word: …"). */
  wordAuthor?: string | null;
  replies?: SuggestionReply[];
}

/** A card's key in the comments track: suggestions and threads share it. */
export function suggestionCardKey(id: string): string {
  return `suggestion:${id}`;
}

export function suggestionIdOfKey(key: string | null): string | null {
  return key?.startsWith("suggestion:") ? key.slice("suggestion:".length) : null;
}
