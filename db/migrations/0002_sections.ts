import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per section id ever seen in the plan's document; the text stays in Yjs.
  await db.schema
    .createTable("plan_sections")
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("section_id", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("removed_at", "bigint")
    .addColumn("lead_organisation_id", "integer", (c) => c.references("organisations.id"))
    .addColumn("assignee_user_id", "integer", (c) => c.references("users.id"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(sql`status in ('draft', 'in_review', 'approved')`),
    )
    .addColumn("due_date", "text")
    .addColumn("guidance", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("plan_sections_pk", ["plan_id", "section_id"])
    .execute();

  await db.schema
    .createTable("plan_activity")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("section_id", "text")
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("from_value", "text")
    .addColumn("to_value", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("plan_activity_plan_id").on("plan_activity").columns(["plan_id", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("plan_activity").execute();
  await db.schema.dropTable("plan_sections").execute();
}
