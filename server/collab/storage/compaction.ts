// Compaction: a plan's update log folded into one stored state beside what the rows said of
// who changed what (docs/decisions/0012-compaction-keeps-attribution-not-updates.md), once at
// a time across instances.
import * as Y from "yjs";
import { sql, type Kysely } from "kysely";
import { getDb, isPostgres } from "../../../db";
import { withLockIfFree } from "../../../db/locks";
import type { Database } from "../../../db/schema";
import { toBytes } from "../../../app/models/plan-document.server";
import { decodeLedger, encodeLedger, settleRanges, type LedgerRange } from "../../../app/models/attribution-ledger.server";
import { commentAnchorsIn, encodeCommentAnchors } from "../../../app/editor/comment-anchors";
import { openingColumns } from "../../../app/models/plan-opening.server";

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
 * Folds the plan's update rows into one stored state and deletes them, keeping what they said
 * of who changed what: inserted text keeps its Yjs client ids (bound to accounts in
 * plan_clients), and the state sits beside two ledgers (attribution-ledger.server.ts): when
 * each run of items was inserted, and who deleted each range of items and when (the
 * plan_deletions rows, moved there). Deleted text itself is not kept (the state is a
 * garbage-collected document's): versions keep their own full states (ADR 7).
 * Runs only when at least `minUpdates` are outside the stored state, and on one instance
 * at a time: `skipped` when another is compacting the plan. `foldedRows`: rows deleted.
 *
 * The plan's row is held only to learn which rows are stored so far; reading them and
 * building the state (seconds for a long log) happen outside any transaction, so other
 * instances keep storing the plan's new updates meanwhile. The write is one transaction:
 * a crash leaves either the rows or the state and ledgers, never neither.
 */
export async function compactPlan(planId: string, { minUpdates = 0 } = {}): Promise<{ foldedRows: number; skipped?: true }> {
  if (compacting.has(planId)) return { foldedRows: 0, skipped: true };
  compacting.add(planId);
  try {
    const outcome = await withLockIfFree(getDb(), "compaction", planId, (db) => compactLocked(db, planId, minUpdates));
    return outcome ? outcome.value : { foldedRows: 0, skipped: true };
  } finally {
    compacting.delete(planId);
  }
}

/** Holds the plan's row until the transaction ends: appendUpdates takes it first too, so on
 * PostgreSQL a plan's rows commit in id order and none is stored while this one runs. */
async function holdPlanRow(trx: Kysely<Database>, planId: string): Promise<void> {
  await trx
    .updateTable("plans")
    .set((eb) => ({ last_edited_at: eb.ref("last_edited_at") }))
    .where("id", "=", planId)
    .execute();
}

async function compactLocked(db: Kysely<Database>, planId: string, minUpdates: number): Promise<{ foldedRows: number }> {
  const throughId = await db.transaction().execute(async (trx) => {
    // Waits for appendUpdates batches holding this plan's row: with concurrent writers, ids
    // can commit out of order, and through_update_id must not pass one still to come.
    await holdPlanRow(trx, planId);
    if (minUpdates > 0 && (await countUncompactedUpdates(planId, trx)) < minUpdates) return null;
    const last = await trx
      .selectFrom("plan_updates")
      .select((eb) => eb.fn.max("id").as("id"))
      .where("plan_id", "=", planId)
      .executeTakeFirst();
    return last?.id ?? null;
  });
  if (throughId === null) return { foldedRows: 0 };
  // Only compaction changes rows already stored, and it runs once at a time, so what is read
  // here is what the write below replaces.
  const [stored, rows] = await Promise.all([
    db
      .selectFrom("plan_documents")
      .select(["state", "insertion_ledger", "deletion_ledger"])
      .where("plan_id", "=", planId)
      .executeTakeFirst(),
    db
      .selectFrom("plan_updates")
      .select(["id", "update", "created_at"])
      .where("plan_id", "=", planId)
      .where("id", "<=", throughId)
      .orderBy("id")
      .execute(),
  ]);
  if (rows.length === 0) return { foldedRows: 0 };
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored) Y.applyUpdate(doc, toBytes(stored.state));
    for (const row of rows) Y.applyUpdate(doc, toBytes(row.update));
  });
  const state = Y.encodeStateAsUpdate(doc);
  const summary = await summaryColumns(doc);
  doc.destroy();
  const insertions = encodeLedger(settleRanges([...decodeLedger(stored?.insertion_ledger), ...rows.flatMap(insertedRanges)]));
  const folded = await db.transaction().execute(async (trx) => {
    await holdPlanRow(trx, planId);
    // Every deletion stored so far, those after throughId too: they are records of who
    // deleted, apart from the state, and the plan's row keeps new ones out until commit.
    const deletionRows = await trx
      .selectFrom("plan_deletions")
      .select(["client_id", "clock", "length", "user_id", "created_at"])
      .where("plan_id", "=", planId)
      .execute();
    const deletions = encodeLedger(
      settleRanges([
        ...decodeLedger(stored?.deletion_ledger),
        ...deletionRows.map((row) => ({
          client: Number(row.client_id),
          clock: row.clock,
          len: row.length,
          userId: row.user_id,
          at: Number(row.created_at),
        })),
      ]),
    );
    const values = {
      state,
      ...summary,
      through_update_id: throughId,
      updated_at: Date.now(),
      insertion_ledger: insertions,
      deletion_ledger: deletions,
    };
    await trx
      .insertInto("plan_documents")
      .values({ plan_id: planId, ...values })
      .onConflict((oc) => oc.column("plan_id").doUpdateSet(values))
      .execute();
    await trx.deleteFrom("plan_deletions").where("plan_id", "=", planId).execute();
    const deleted = await trx.deleteFrom("plan_updates").where("plan_id", "=", planId).where("id", "<=", throughId).executeTakeFirst();
    return { foldedRows: Number(deleted.numDeletedRows) };
  });
  // SQLite: the pages the rows held go back to the file system (PostgreSQL's autovacuum
  // makes them reusable on its own).
  if (!isPostgres(db)) await sql`pragma incremental_vacuum`.execute(db);
  return folded;
}

/** What a newcomer needs of the state of `doc` without building it (migrations 0012, 0013). */
async function summaryColumns(
  doc: Y.Doc,
): Promise<{ state_vector: Uint8Array; comment_anchors: string; content: Uint8Array; suggestions: string | null }> {
  return {
    state_vector: Y.encodeStateVector(doc),
    comment_anchors: encodeCommentAnchors(commentAnchorsIn(doc)),
    ...(await openingColumns(doc)),
  };
}

/**
 * Stores the summary of the plan's compacted state if it has none or lacks its content (states
 * compacted before migrations 0012 and 0013): read once from the state, off the path of anyone opening the plan. A
 * compaction meanwhile replaces the state and writes its own: the guard on through_update_id
 * keeps this one from landing on a state it was not read from.
 */
export async function summarizeCompactedState(planId: string, db: Kysely<Database> = getDb()): Promise<void> {
  const stored = await db
    .selectFrom("plan_documents")
    .select(["state", "through_update_id"])
    .where("plan_id", "=", planId)
    .where((eb) => eb.or([eb("state_vector", "is", null), eb("content", "is", null)]))
    .executeTakeFirst();
  if (!stored) return;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, toBytes(stored.state));
  const summary = await summaryColumns(doc);
  doc.destroy();
  await db
    .updateTable("plan_documents")
    .set(summary)
    .where("plan_id", "=", planId)
    .where("through_update_id", "=", stored.through_update_id)
    .execute();
}

/** The items a stored row inserted, per client, with the row's time. */
function insertedRanges(row: { update: Uint8Array; created_at: number }): LedgerRange[] {
  const { from, to } = Y.parseUpdateMeta(toBytes(row.update));
  return [...to].map(([client, end]) => {
    const clock = from.get(client) ?? 0;
    return { client, clock, len: end - clock, userId: 0, at: Number(row.created_at) };
  });
}
