// Compaction keeps who inserted and deleted what, and when, instead of the update rows
// (docs/decisions/0012-compaction-keeps-attribution-not-updates.md): the compacted state sits
// beside two ledgers of item id ranges (app/models/attribution-ledger.server.ts), and each
// deletion is stored with its time. Deletions stored before this have time 0 (not recorded).
import type { Kysely } from "kysely";
import { binary } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_documents").addColumn("insertion_ledger", binary(db)).execute();
  await db.schema.alterTable("plan_documents").addColumn("deletion_ledger", binary(db)).execute();
  await db.schema
    .alterTable("plan_deletions")
    .addColumn("created_at", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_deletions").dropColumn("created_at").execute();
  await db.schema.alterTable("plan_documents").dropColumn("deletion_ledger").execute();
  await db.schema.alterTable("plan_documents").dropColumn("insertion_ledger").execute();
}
