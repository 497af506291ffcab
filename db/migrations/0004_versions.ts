import type { Kysely } from "kysely";
import { autoIncrementId, binary } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  // A version keeps the plan's full encoded Yjs state (docs/versions.md, "Storage").
  await db.schema
    .createTable("plan_versions")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", binary(db), (c) => c.notNull())
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("authors", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("plan_versions_plan_id").on("plan_versions").columns(["plan_id", "id"]).execute();

  // Who deleted what: a Yjs delete set does not say, and compaction merges the rows that did.
  await db.schema
    .createTable("plan_deletions")
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("client_id", "bigint", (c) => c.notNull())
    .addColumn("clock", "integer", (c) => c.notNull())
    .addColumn("length", "integer", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .execute();
  await db.schema.createIndex("plan_deletions_plan_id").on("plan_deletions").columns(["plan_id", "client_id", "clock"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("plan_deletions").execute();
  await db.schema.dropTable("plan_versions").execute();
}
