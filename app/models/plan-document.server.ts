// The stored Yjs document of a plan as the web app reads it: the compacted state and the
// update log after it, the client ids bound to accounts, who deleted what
// (docs/architecture.md, "Storage"). The collaboration server writes the log and compacts it
// (server/collab/storage/); it reads plans back through here too.
import { sql } from "kysely";
import * as Y from "yjs";
import { getDb } from "../../db";
import { decodeCommentAnchors, type AnchorPlace } from "../editor/comment-anchors";
import { readableDoc } from "../editor/document.server";
import type { SuggestionInDocument } from "../editor/suggestion-marks";
import { decodeLedger, type LedgerRange } from "./attribution-ledger.server";

/** Everything needed to rebuild the plan's Y.Doc, oldest first. */
export async function loadPlanUpdates(planId: string): Promise<Uint8Array[]> {
  return (await loadPlanLog(planId)).updates;
}

/** What a newcomer needs of a compacted state, stored beside it (migration 0012). */
export interface StateSummary {
  /** Y.encodeStateVector of the state. */
  stateVector: Uint8Array;
  /** Where each comment thread's mark is in it. */
  commentAnchors: Map<string, AnchorPlace>;
  /** The suggestions in it (migration 0013); absent when they could not be read off the state. */
  suggestions?: SuggestionInDocument[];
}

/**
 * The plan's stored updates, oldest first, and the id of the last row they include. A
 * plan's rows commit in id order (appendUpdates takes the plan's row first), so rows with
 * higher ids are exactly what was stored after this read. With `withSummary` (the
 * collaboration server opening a plan), also the compacted state's summary when the state is
 * all there is (no rows after it) and one was stored; the web app's readers build the document.
 */
export async function loadPlanLog(
  planId: string,
  { withSummary = false } = {},
): Promise<{ updates: Uint8Array[]; lastUpdateId: number; summary?: StateSummary }> {
  const db = getDb();
  const snapshot = await db
    .selectFrom("plan_documents")
    .select(["state", "through_update_id"])
    .$if(withSummary, (query) =>
      query.select(["state_vector", "comment_anchors", "suggestions", sql<number>`content is not null`.as("has_content")]),
    )
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  const rows = await db
    .selectFrom("plan_updates")
    .select(["id", "update"])
    .where("plan_id", "=", planId)
    .where("id", ">", snapshot?.through_update_id ?? 0)
    .orderBy("id")
    .execute();
  const updates = rows.map((row) => toBytes(row.update));
  const commentAnchors = rows.length === 0 && snapshot?.comment_anchors ? decodeCommentAnchors(snapshot.comment_anchors) : null;
  // A state stored before migration 0013 has no content: summarized again at the next unload.
  const summary =
    snapshot?.state_vector && commentAnchors && snapshot.has_content
      ? { stateVector: toBytes(snapshot.state_vector), commentAnchors, ...storedSuggestions(snapshot.suggestions) }
      : undefined;
  return {
    updates: snapshot ? [toBytes(snapshot.state), ...updates] : updates,
    lastUpdateId: rows.at(-1)?.id ?? snapshot?.through_update_id ?? 0,
    ...(summary ? { summary } : {}),
  };
}

/** The suggestions stored beside a state, unless absent or unreadable (then read off the document). */
function storedSuggestions(json: string | null | undefined): { suggestions?: SuggestionInDocument[] } {
  if (!json) return {};
  try {
    const suggestions: unknown = JSON.parse(json);
    return Array.isArray(suggestions) ? { suggestions: suggestions as SuggestionInDocument[] } : {};
  } catch {
    return {};
  }
}

export async function loadClientBindings(planId: string): Promise<Map<number, number>> {
  const rows = await getDb().selectFrom("plan_clients").select(["client_id", "user_id"]).where("plan_id", "=", planId).execute();
  return new Map(rows.map((row) => [Number(row.client_id), row.user_id]));
}

/** Applies stored updates to a document in one transaction: far quicker than merging first. */
export function applyStoredUpdates(doc: Y.Doc, updates: Uint8Array[], origin?: unknown): void {
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  }, origin);
}

export function toBytes(value: Uint8Array): Uint8Array {
  // sqlite3 hands back Buffers; Yjs wants plain Uint8Arrays.
  return value instanceof Buffer ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : value;
}

/** The plan's document: the live one when the plan is open (`liveState`), else as stored. */
export async function loadPlanDoc(planId: string, liveState: Uint8Array | null): Promise<Y.Doc> {
  return readableDoc(liveState ? [liveState] : await loadPlanUpdates(planId));
}

/** Every deleted id range of the plan with the account that deleted it and when, oldest
 * first: what compaction kept (its ledger), then the rows stored since. */
export async function loadDeletions(planId: string): Promise<LedgerRange[]> {
  const db = getDb();
  const [compacted, rows] = await Promise.all([
    db.selectFrom("plan_documents").select("deletion_ledger").where("plan_id", "=", planId).executeTakeFirst(),
    db
      .selectFrom("plan_deletions")
      .select(["client_id", "clock", "length", "user_id", "created_at"])
      .where("plan_id", "=", planId)
      .execute(),
  ]);
  return [
    ...decodeLedger(compacted?.deletion_ledger),
    ...rows.map((row) => ({
      client: Number(row.client_id),
      clock: row.clock,
      len: row.length,
      userId: row.user_id,
      at: Number(row.created_at),
    })),
  ];
}

/** When each run of the plan's items was inserted (client, clock range, time), as far as
 * compaction has folded the log: the rows after it say so themselves. */
export async function loadInsertionLedger(planId: string): Promise<LedgerRange[]> {
  const row = await getDb().selectFrom("plan_documents").select("insertion_ledger").where("plan_id", "=", planId).executeTakeFirst();
  return decodeLedger(row?.insertion_ledger);
}
