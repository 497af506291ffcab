import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("consultation_rounds")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("deadline", "bigint", (c) => c.notNull())
    .addColumn("closed_at", "bigint")
    .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("consultation_rounds_plan_id").on("consultation_rounds").column("plan_id").execute();
  await db.schema
    .createTable("consultation_round_sections")
    .addColumn("round_id", "integer", (c) => c.notNull().references("consultation_rounds.id").onDelete("cascade"))
    .addColumn("section_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("consultation_round_sections_pk", ["round_id", "section_id"])
    .execute();
  await db.schema
    .createTable("consultation_round_organisations")
    .addColumn("round_id", "integer", (c) => c.notNull().references("consultation_rounds.id").onDelete("cascade"))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addPrimaryKeyConstraint("consultation_round_organisations_pk", ["round_id", "organisation_id"])
    .execute();

  // A thread's anchor text lives in the Yjs document (a comment mark); its words live here.
  await db.schema
    .createTable("comment_threads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("section_id", "text", (c) => c.notNull())
    .addColumn("anchor", "text", (c) => c.notNull().check(sql`anchor in ('text', 'section')`))
    .addColumn("quote", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("open")
        .check(sql`status in ('open', 'resolved')`),
    )
    .addColumn("round_id", "integer", (c) => c.references("consultation_rounds.id").onDelete("set null"))
    .addColumn("disposition", "text", (c) =>
      c.check(sql`disposition is null or disposition in ('accepted', 'partly_accepted', 'not_accepted', 'noted')`),
    )
    .addColumn("response", "text")
    .addColumn("disposition_by", "integer", (c) => c.references("users.id"))
    .addColumn("disposition_at", "bigint")
    .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("resolved_by", "integer", (c) => c.references("users.id"))
    .addColumn("resolved_at", "bigint")
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema.createIndex("comment_threads_plan_id").on("comment_threads").columns(["plan_id", "created_at"]).execute();

  await db.schema
    .createTable("comments")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("thread_id", "text", (c) => c.notNull().references("comment_threads.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("edited_at", "bigint")
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema.createIndex("comments_thread_id").on("comments").columns(["thread_id", "id"]).execute();

  await db.schema
    .createTable("comment_mentions")
    .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addPrimaryKeyConstraint("comment_mentions_pk", ["comment_id", "user_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "comment_mentions",
    "comments",
    "comment_threads",
    "consultation_round_organisations",
    "consultation_round_sections",
    "consultation_rounds",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
