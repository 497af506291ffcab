// The update log in the app's database (SQLite or PostgreSQL): the UpdateLog the server runs
// with. Reading a plan back goes through app/models/plan-document.server.ts, which the web
// app reads with too; writing, healing's reads and compaction are here.
import { getDb, isPostgres } from "../../../db";
import { loadClientBindings, loadPlanLog, toBytes } from "../../../app/models/plan-document.server";
import { compactPlan, countUncompactedUpdates, summarizeCompactedState } from "./compaction";
import type { StoredRow, StoredUpdate, UpdateLog } from "./update-log";

/** Rows written or ids read by one statement: SQLite allows 32,766 bound values a statement. */
const ROWS_PER_STATEMENT = 1000;

/** Whether the plan's stored content has been checked against the schema as a whole
 * (migration 0006): every update stored since is checked on arrival. */
export async function isPlanContentChecked(planId: string): Promise<boolean> {
  const row = await getDb().selectFrom("plans").select("content_checked_at").where("id", "=", planId).executeTakeFirst();
  return row?.content_checked_at !== null && row?.content_checked_at !== undefined;
}

export async function markPlanContentChecked(planId: string): Promise<void> {
  await getDb().updateTable("plans").set({ content_checked_at: Date.now() }).where("id", "=", planId).execute();
}

/**
 * The ids of the plan's rows after `afterId`, and how many updates each folds in. Compaction
 * folds rows into the stored state and deletes them: when it folded rows after `afterId`,
 * the state is listed first as if it were the row `through_update_id` (folding in more than
 * one update, so an instance that saw that id reads it again).
 */
export async function listUpdateIdsAfter(planId: string, afterId: number): Promise<{ id: number; mergedCount: number }[]> {
  const [folded, rows] = await Promise.all([
    getDb().selectFrom("plan_documents").select("through_update_id").where("plan_id", "=", planId).executeTakeFirst(),
    getDb()
      .selectFrom("plan_updates")
      .select(["id", "merged_count"])
      .where("plan_id", "=", planId)
      .where("id", ">", afterId)
      .orderBy("id")
      .execute(),
  ]);
  const listed = rows.map((row) => ({ id: row.id, mergedCount: row.merged_count }));
  const throughId = folded?.through_update_id ?? 0;
  if (throughId > afterId && !listed.some((row) => row.id === throughId)) listed.unshift({ id: throughId, mergedCount: 2 });
  return listed.sort((a, b) => a.id - b.id);
}

/** The plan's rows with these ids, oldest first (missing ids are left out); the id of the
 * compacted state's last update, when that row is gone, gives the state (by nobody). */
export async function loadUpdatesByIds(planId: string, ids: number[]): Promise<StoredRow[]> {
  const found: StoredRow[] = [];
  for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) {
    const rows = await getDb()
      .selectFrom("plan_updates")
      .select(["id", "user_id", "update"])
      .where("plan_id", "=", planId)
      .where("id", "in", ids.slice(start, start + ROWS_PER_STATEMENT))
      .orderBy("id")
      .execute();
    found.push(...rows.map((row) => ({ rowId: row.id, userId: row.user_id, update: toBytes(row.update) })));
  }
  const folded = await getDb().selectFrom("plan_documents").select("through_update_id").where("plan_id", "=", planId).executeTakeFirst();
  const stateId = folded?.through_update_id;
  if (stateId !== undefined && ids.includes(stateId) && !found.some((row) => row.rowId === stateId)) {
    const { state } = await getDb().selectFrom("plan_documents").select("state").where("plan_id", "=", planId).executeTakeFirstOrThrow();
    found.push({ rowId: stateId, userId: null, update: toBytes(state) });
  }
  return found.sort((a, b) => a.rowId - b.rowId);
}

/**
 * How stale a plan's `last_edited_at` may be on SQLite (the dashboard shows it as "2 minutes ago"):
 * writing it with every keystroke's commit made each commit four statements (begin, update,
 * insert, commit) instead of one insert, which is atomic on its own.
 */
const LAST_EDITED_RESOLUTION_MS = 1_000;
/** SQLite: when this process last wrote each plan's `last_edited_at`. */
const lastEditedWrittenAt = new Map<string, number>();

/**
 * Stores a batch of updates in one transaction: one commit (one fsync) for all of them.
 * Returns each update's row id, in the order given (0 for records without an update).
 */
export async function appendUpdates(updates: StoredUpdate[]): Promise<number[]> {
  if (updates.length === 0) return [];
  const db = getDb();
  if (!isPostgres(db) && updates.length <= ROWS_PER_STATEMENT && updates.every(isUpdateOnly) && !isLastEditedDue(updates)) {
    // Plain updates of plans whose last edit was written within the second: one statement, its
    // own transaction on SQLite (one writer, so ids need no lock to commit in order).
    return insertUpdateRows(db, updates);
  }
  return db
    .transaction()
    .execute(async (trx) => {
      // Writing the plans' rows first locks them (on PostgreSQL; SQLite's one writer does
      // already) until commit, so compactPlan never passes an update id still uncommitted.
      // In id order, so two batches never wait on each other.
      const lastEdit = new Map<string, number>();
      for (const u of updates) lastEdit.set(u.planId, Math.max(lastEdit.get(u.planId) ?? 0, u.createdAt));
      for (const [planId, at] of [...lastEdit].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        await trx.updateTable("plans").set({ last_edited_at: at }).where("id", "=", planId).execute();
      }
      const rowIds = await insertUpdateRows(trx, updates);
      const bindings = updates.flatMap((u) =>
        u.userId === null
          ? []
          : u.newClientIds.map((clientId) => ({
              plan_id: u.planId,
              client_id: clientId,
              user_id: u.userId!,
              first_seen_at: u.createdAt,
            })),
      );
      for (let start = 0; start < bindings.length; start += ROWS_PER_STATEMENT) {
        await trx
          .insertInto("plan_clients")
          .values(bindings.slice(start, start + ROWS_PER_STATEMENT))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      const deletions = updates.flatMap((u) =>
        u.userId === null
          ? []
          : (u.deletions ?? []).map(([clientId, clock, length]) => ({
              plan_id: u.planId,
              client_id: clientId,
              clock,
              length,
              user_id: u.userId!,
              created_at: u.createdAt,
            })),
      );
      for (let start = 0; start < deletions.length; start += ROWS_PER_STATEMENT) {
        await trx
          .insertInto("plan_deletions")
          .values(deletions.slice(start, start + ROWS_PER_STATEMENT))
          .execute();
      }
      return rowIds;
    })
    .then((rowIds) => {
      const now = Date.now();
      for (const u of updates) lastEditedWrittenAt.set(u.planId, now);
      return rowIds;
    });
}

/** An update that brings no new client ids and deletes nothing: a row of plan_updates only. */
function isUpdateOnly(u: StoredUpdate): boolean {
  return u.update !== null && (u.userId === null || (u.newClientIds.length === 0 && (u.deletions?.length ?? 0) === 0));
}

function isLastEditedDue(updates: StoredUpdate[]): boolean {
  const now = Date.now();
  return updates.some((u) => now - (lastEditedWrittenAt.get(u.planId) ?? -Infinity) >= LAST_EDITED_RESOLUTION_MS);
}

/** Inserts the batch's updates; each update's row id in order (0 for records without one). */
async function insertUpdateRows(db: Pick<ReturnType<typeof getDb>, "insertInto">, updates: StoredUpdate[]): Promise<number[]> {
  const rows = updates.flatMap((u) =>
    u.update ? [{ plan_id: u.planId, user_id: u.userId, update: u.update, created_at: u.createdAt }] : [],
  );
  const rowIds: number[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const inserted = await db
      .insertInto("plan_updates")
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      .returning("id")
      .execute();
    // Ids are handed out in the order of the values; RETURNING need not list them so.
    rowIds.push(...inserted.map((row) => row.id).sort((a, b) => a - b));
  }
  let next = 0;
  return updates.map((u) => (u.update ? rowIds[next++]! : 0));
}

export const sqlUpdateLog: UpdateLog = {
  append: appendUpdates,
  readPlan: (planId) => loadPlanLog(planId, { withSummary: true }),
  readClientBindings: loadClientBindings,
  listRowIdsAfter: listUpdateIdsAfter,
  readRows: loadUpdatesByIds,
  countUncompacted: (planId) => countUncompactedUpdates(planId),
  compact: compactPlan,
  summarize: (planId) => summarizeCompactedState(planId),
  isContentChecked: isPlanContentChecked,
  markContentChecked: markPlanContentChecked,
};
