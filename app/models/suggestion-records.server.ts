// What the server records about each suggestion beyond its marks: when it was made and who
// resolved it (the `suggestions` table, docs/suggestions.md). The one place Word out and the
// compare engine read it.

export interface SuggestionRecord {
  createdAt: number;
  /** Who accepted or rejected it (account id), null while open. */
  resolvedBy: number | null;
}

/**
 * What the `suggestions` table (migration 0007, issue 23's model part) says about these
 * suggestions of the plan (all of them without `ids`). Not on this branch yet: until it lands
 * this answers nothing, so Word's w:date is the export's date (now, or the version's), and the
 * redline names who accepted a deletion (whoever deleted its words) but not who accepted an
 * insertion. Once it lands:
 *   getDb().selectFrom("suggestions").select(["id", "created_at", "resolved_by"])
 *     .where("plan_id", "=", planId) (and .where("id", "in", ids) when given).execute()
 * mapped to { createdAt: created_at, resolvedBy: resolved_by } by id.
 */
export async function suggestionRecords(_planId: string, _ids?: string[]): Promise<Map<string, SuggestionRecord>> {
  return new Map();
}
