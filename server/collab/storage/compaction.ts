// Compaction: a plan's update log folded into one stored state, and runs of one author's
// consecutive updates merged into one row, once at a time across instances.
import * as Y from "yjs";
import type { Kysely } from "kysely";
import { getDb } from "../../../db";
import { withLockIfFree } from "../../../db/locks";
import type { Database } from "../../../db/schema";
import { toBytes } from "../../../app/models/plan-document.server";

export async function countUncompactedUpdates(planId: string, db: Kysely<Database> = getDb()): Promise<number> {
  const snapshot = await db.selectFrom("plan_documents").select("through_update_id").where("plan_id", "=", planId).executeTakeFirst();
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
    await trx
      .updateTable("plans")
      .set((eb) => ({ last_edited_at: eb.ref("last_edited_at") }))
      .where("id", "=", planId)
      .execute();
    if (minUpdates > 0 && (await countUncompactedUpdates(planId, trx)) < minUpdates) return null;
    const last = await trx
      .selectFrom("plan_updates")
      .select((eb) => eb.fn.max("id").as("id"))
      .where("plan_id", "=", planId)
      .executeTakeFirst();
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
      await trx
        .deleteFrom("plan_updates")
        .where("plan_id", "=", planId)
        .where("id", ">=", merge.firstId)
        .where("id", "<", merge.last.id)
        .execute();
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
