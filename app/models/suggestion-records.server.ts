// What the server records about each suggestion beyond its marks: when it was made and who
// resolved it (the `suggestions` table, docs/suggestions.md). The one place Word out and the
// compare engine read it.
import { getDb } from "../../db";

export interface SuggestionRecord {
  createdAt: number;
  /** Who accepted or rejected it (account id), null while open. */
  resolvedBy: number | null;
}

/** What the `suggestions` table says about these suggestions of the plan (all of them without `ids`). */
export async function suggestionRecords(planId: string, ids?: string[]): Promise<Map<string, SuggestionRecord>> {
  if (ids && ids.length === 0) return new Map();
  let query = getDb().selectFrom("suggestions").select(["id", "created_at", "resolved_by"]).where("plan_id", "=", planId);
  if (ids) query = query.where("id", "in", ids);
  const rows = await query.execute();
  return new Map(rows.map((row) => [row.id, { createdAt: Number(row.created_at), resolvedBy: row.resolved_by }]));
}
