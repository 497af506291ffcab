// The stored Yjs document of a plan: an append-only log of updates, each with its author,
// and a compacted state that folds the old ones in (docs/architecture.md).
import * as Y from "yjs";
import type { Kysely } from "kysely";
import { getDb } from "../../db";
import { readableDoc } from "../editor/document.server";
import { withLockIfFree } from "../../db/locks";
import type { Database } from "../../db/schema";

export interface StoredUpdate {
  planId: string;
  userId: number | null;
  /** Null for a record of who sent an update Yjs is still holding back (bindings and
   * deletions only: the update itself is stored with the transaction that applies it). */
  update: Uint8Array | null;
  createdAt: number;
  /** Yjs client ids that first appear in this update, to bind to its author. */
  newClientIds: number[];
  /** Item id ranges this update deleted, [client, clock, length]: who deleted what. */
  deletions?: [number, number, number][];
}

/** Rows written or ids read by one statement: SQLite allows 32,766 bound values a statement. */
const ROWS_PER_STATEMENT = 1000;

/** Everything needed to rebuild the plan's Y.Doc, oldest first. */
export async function loadPlanUpdates(planId: string): Promise<Uint8Array[]> {
  return (await loadPlanLog(planId)).updates;
}

/**
 * The plan's stored updates, oldest first, and the id of the last row they include. A
 * plan's rows commit in id order (appendUpdates takes the plan's row first), so rows with
 * higher ids are exactly what was stored after this read.
 */
export async function loadPlanLog(planId: string): Promise<{ updates: Uint8Array[]; lastUpdateId: number }> {
  const db = getDb();
  const snapshot = await db
    .selectFrom("plan_documents")
    .select(["state", "through_update_id"])
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
  return {
    updates: snapshot ? [toBytes(snapshot.state), ...updates] : updates,
    lastUpdateId: rows.at(-1)?.id ?? snapshot?.through_update_id ?? 0,
  };
}

/** Whether the plan's stored content has been checked against the schema as a whole
 * (migration 0006): every update stored since is checked on arrival. */
export async function isPlanContentChecked(planId: string): Promise<boolean> {
  const row = await getDb().selectFrom("plans").select("content_checked_at").where("id", "=", planId).executeTakeFirst();
  return row?.content_checked_at !== null && row?.content_checked_at !== undefined;
}

export async function markPlanContentChecked(planId: string): Promise<void> {
  await getDb().updateTable("plans").set({ content_checked_at: Date.now() }).where("id", "=", planId).execute();
}

/** The ids of the plan's rows after `afterId`, and how many updates each folds in. */
export async function listUpdateIdsAfter(planId: string, afterId: number): Promise<{ id: number; mergedCount: number }[]> {
  const rows = await getDb()
    .selectFrom("plan_updates")
    .select(["id", "merged_count"])
    .where("plan_id", "=", planId)
    .where("id", ">", afterId)
    .orderBy("id")
    .execute();
  return rows.map((row) => ({ id: row.id, mergedCount: row.merged_count }));
}

/** The plan's rows with these ids, oldest first (missing ids are left out). */
export async function loadUpdatesByIds(planId: string, ids: number[]): Promise<{ rowId: number; userId: number | null; update: Uint8Array }[]> {
  const found: { rowId: number; userId: number | null; update: Uint8Array }[] = [];
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
  return found.sort((a, b) => a.rowId - b.rowId);
}

export async function loadClientBindings(planId: string): Promise<Map<number, number>> {
  const rows = await getDb()
    .selectFrom("plan_clients")
    .select(["client_id", "user_id"])
    .where("plan_id", "=", planId)
    .execute();
  return new Map(rows.map((row) => [Number(row.client_id), row.user_id]));
}

/**
 * Stores a batch of updates in one transaction: one commit (one fsync) for all of them.
 * Returns each update's row id, in the order given (0 for records without an update).
 */
export async function appendUpdates(updates: StoredUpdate[]): Promise<number[]> {
  if (updates.length === 0) return [];
  return getDb()
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
      const rows = updates.flatMap((u) => (u.update ? [{ plan_id: u.planId, user_id: u.userId, update: u.update, created_at: u.createdAt }] : []));
      const rowIds: number[] = [];
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const inserted = await trx.insertInto("plan_updates").values(rows.slice(start, start + ROWS_PER_STATEMENT)).returning("id").execute();
        // Ids are handed out in the order of the values; RETURNING need not list them so.
        rowIds.push(...inserted.map((row) => row.id).sort((a, b) => a - b));
      }
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
            })),
      );
      for (let start = 0; start < deletions.length; start += ROWS_PER_STATEMENT) {
        await trx.insertInto("plan_deletions").values(deletions.slice(start, start + ROWS_PER_STATEMENT)).execute();
      }
      let next = 0;
      return updates.map((u) => (u.update ? rowIds[next++]! : 0));
    });
}

export async function countUncompactedUpdates(planId: string, db: Kysely<Database> = getDb()): Promise<number> {
  const snapshot = await db
    .selectFrom("plan_documents")
    .select("through_update_id")
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  const row = await db
    .selectFrom("plan_updates")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("plan_id", "=", planId)
    .where("id", ">", snapshot?.through_update_id ?? 0)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Plans this process is compacting now (the advisory lock keeps other instances out). */
const compacting = new Set<string>();

/**
 * Folds the log into a stored state so a plan opens from one row, and merges each run of
 * consecutive updates by the same author into one row. Authorship survives: every row
 * still has one author, and inserted text carries its client id, bound in plan_clients.
 * Runs only when at least `minUpdates` are outside the stored state, and on one instance
 * at a time: `skipped` when another is compacting the plan.
 *
 * The plan's row is held only to learn which rows are stored so far; reading and merging
 * them (seconds for a long log) happen outside any transaction, so other instances keep
 * storing the plan's new updates meanwhile. Only compaction changes rows already stored,
 * and it runs once at a time, so the rows read are still there to rewrite.
 */
export async function compactPlan(planId: string, { minUpdates = 0 } = {}): Promise<{ mergedRows: number; skipped?: true }> {
  if (compacting.has(planId)) return { mergedRows: 0, skipped: true };
  compacting.add(planId);
  try {
    const outcome = await withLockIfFree(getDb(), "compaction", planId, (db) => compactLocked(db, planId, minUpdates));
    return outcome ? outcome.value : { mergedRows: 0, skipped: true };
  } finally {
    compacting.delete(planId);
  }
}

async function compactLocked(db: Kysely<Database>, planId: string, minUpdates: number): Promise<{ mergedRows: number }> {
  const throughId = await db.transaction().execute(async (trx) => {
    // Waits for appendUpdates batches holding this plan's row: with concurrent writers, ids
    // can commit out of order, and through_update_id must not pass one still to come.
    await trx.updateTable("plans").set((eb) => ({ last_edited_at: eb.ref("last_edited_at") })).where("id", "=", planId).execute();
    if (minUpdates > 0 && (await countUncompactedUpdates(planId, trx)) < minUpdates) return null;
    const last = await trx.selectFrom("plan_updates").select((eb) => eb.fn.max("id").as("id")).where("plan_id", "=", planId).executeTakeFirst();
    return last?.id ?? null;
  });
  if (throughId === null) return { mergedRows: 0 };
  const rows = await db
    .selectFrom("plan_updates")
    .select(["id", "user_id", "update", "created_at", "merged_count"])
    .where("plan_id", "=", planId)
    .where("id", "<=", throughId)
    .orderBy("id")
    .execute();
  if (rows.length === 0) return { mergedRows: 0 };
  const state = mergeManyUpdates(rows.map((row) => toBytes(row.update)));
  // Runs of consecutive rows by the same author, merged before the write transaction starts.
  const runs: (typeof rows)[] = [];
  for (const row of rows) {
    const run = runs[runs.length - 1];
    if (run && run[0]!.user_id === row.user_id) run.push(row);
    else runs.push([row]);
  }
  const merges = runs
    .filter((run) => run.length > 1)
    .map((run) => ({
      firstId: run[0]!.id,
      last: run[run.length - 1]!,
      update: mergeManyUpdates(run.map((row) => toBytes(row.update))),
      mergedCount: run.reduce((sum, row) => sum + row.merged_count, 0),
      rows: run.length,
    }));
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto("plan_documents")
      .values({ plan_id: planId, state, through_update_id: throughId, updated_at: Date.now() })
      .onConflict((oc) => oc.column("plan_id").doUpdateSet({ state, through_update_id: throughId, updated_at: Date.now() }))
      .execute();
    let mergedRows = 0;
    for (const merge of merges) {
      await trx
        .updateTable("plan_updates")
        .set({ update: merge.update, merged_count: merge.mergedCount, created_at: merge.last.created_at })
        .where("id", "=", merge.last.id)
        .execute();
      // A run is consecutive among this plan's rows, so a range names exactly it.
      await trx.deleteFrom("plan_updates").where("plan_id", "=", planId).where("id", ">=", merge.firstId).where("id", "<", merge.last.id).execute();
      mergedRows += merge.rows - 1;
    }
    return { mergedRows };
  });
}

/** How many updates Y.mergeUpdates is given at once: its cost grows faster than linearly. */
const MERGE_FAN_IN = 32;

/**
 * Merges any number of updates into one. Y.mergeUpdates on 100,000 small updates takes
 * minutes (docs/benchmarks.md, "Long update logs"); merging in a tree of small groups takes a fraction of a second.
 */
export function mergeManyUpdates(updates: Uint8Array[]): Uint8Array {
  if (updates.length === 0) return Y.encodeStateAsUpdate(new Y.Doc());
  while (updates.length > 1) {
    const merged: Uint8Array[] = [];
    for (let start = 0; start < updates.length; start += MERGE_FAN_IN) {
      const group = updates.slice(start, start + MERGE_FAN_IN);
      merged.push(group.length === 1 ? group[0]! : Y.mergeUpdates(group));
    }
    updates = merged;
  }
  return updates[0]!;
}

/** Applies stored updates to a document in one transaction: far quicker than merging first. */
export function applyStoredUpdates(doc: Y.Doc, updates: Uint8Array[], origin?: unknown): void {
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  }, origin);
}

function toBytes(value: Uint8Array): Uint8Array {
  // sqlite3 hands back Buffers; Yjs wants plain Uint8Arrays.
  return value instanceof Buffer ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : value;
}

/** The plan's document: the live one when the plan is open (`liveState`), else as stored. */
export async function loadPlanDoc(planId: string, liveState: Uint8Array | null): Promise<Y.Doc> {
  return readableDoc(liveState ? [liveState] : await loadPlanUpdates(planId));
}

/** Every deleted id range of the plan with the account that deleted it. */
export async function loadDeletions(planId: string): Promise<{ client: number; clock: number; len: number; userId: number }[]> {
  const rows = await getDb()
    .selectFrom("plan_deletions")
    .select(["client_id", "clock", "length", "user_id"])
    .where("plan_id", "=", planId)
    .execute();
  return rows.map((row) => ({ client: Number(row.client_id), clock: row.clock, len: row.length, userId: row.user_id }));
}
