// Suggestions (tracked changes, docs/suggestions.md). The proposed words live in the Yjs
// document as suggestion marks; a row here is what the server knows about one suggestion
// beyond them: when it was first seen, in which consultation round, and how it was resolved
// (kept after its marks are gone, with the last text seen).
import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("suggestions")
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    // The marks' id (`g-` and 12 letters or digits), made by the suggester's browser or the server.
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("section_id", "text", (c) => c.notNull())
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    // The author named in a reviewed Word file who is not a member ("via Word: <name>").
    .addColumn("word_author", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("round_id", "integer", (c) => c.references("consultation_rounds.id").onDelete("set null"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("open")
        .check(sql`status in ('open', 'accepted', 'rejected', 'withdrawn')`),
    )
    .addColumn("inserted", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("deleted", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("resolved_by", "integer", (c) => c.references("users.id"))
    .addColumn("resolved_at", "bigint")
    .addColumn("reason", "text")
    // 1 when accepted in part (the round's disposition "partly accepted"); no boolean columns.
    .addColumn("partly", "integer", (c) => c.notNull().defaultTo(0))
    // The Word import's key for one tracked change, so importing a file twice adds it once.
    .addColumn("import_key", "text")
    .addPrimaryKeyConstraint("suggestions_pk", ["plan_id", "id"])
    .execute();
  await db.schema.createIndex("suggestions_plan_created").on("suggestions").columns(["plan_id", "created_at"]).execute();
  await db.schema.createIndex("suggestions_plan_import_key").on("suggestions").columns(["plan_id", "import_key"]).unique().execute();
  await db.schema.createIndex("suggestions_round").on("suggestions").column("round_id").execute();

  await db.schema
    .createTable("suggestion_replies")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull())
    .addColumn("suggestion_id", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addForeignKeyConstraint("suggestion_replies_suggestion", ["plan_id", "suggestion_id"], "suggestions", ["plan_id", "id"], (c) =>
      c.onDelete("cascade"),
    )
    .execute();
  await db.schema
    .createIndex("suggestion_replies_suggestion")
    .on("suggestion_replies")
    .columns(["plan_id", "suggestion_id", "id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("suggestion_replies").execute();
  await db.schema.dropTable("suggestions").execute();
}
