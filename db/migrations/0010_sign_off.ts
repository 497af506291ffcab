// Sign-off by several institutions (issue 25, docs/workflow.md "Sign-off"): an owner asks named
// members to approve a section or the whole plan by a date; each answer is kept with the version
// of the text it was given on, and an edit after approvals withdraws them and asks again.
import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  // One request: a section (section_id) or the whole plan (null). "open" while answers are
  // awaited, "approved" once everyone asked approved, "cancelled" by an owner.
  await db.schema
    .createTable("sign_off_requests")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("section_id", "text")
    .addColumn("requested_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    // YYYY-MM-DD.
    .addColumn("due_date", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("open")
        .check(sql`status in ('open', 'approved', 'cancelled')`),
    )
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("closed_at", "bigint")
    .execute();
  await db.schema.createIndex("sign_off_requests_plan_status").on("sign_off_requests").columns(["plan_id", "status"]).execute();

  // The people asked, and where each stands now; the events below keep every answer ever given.
  await db.schema
    .createTable("sign_off_approvers")
    .addColumn("request_id", "integer", (c) => c.notNull().references("sign_off_requests.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("waiting")
        .check(sql`state in ('waiting', 'approved', 'refused')`),
    )
    .addColumn("answered_at", "bigint")
    .addColumn("version_id", "integer", (c) => c.references("plan_versions.id").onDelete("set null"))
    .addColumn("reason", "text")
    .addPrimaryKeyConstraint("sign_off_approvers_pk", ["request_id", "user_id"])
    .execute();
  await db.schema.createIndex("sign_off_approvers_user_state").on("sign_off_approvers").columns(["user_id", "state"]).execute();

  // What happened, in order: asked (approver_id: who), approved (with the version of the text),
  // refused (with the reason), withdrawn (actor_id: whose edit), complete, cancelled.
  await db.schema
    .createTable("sign_off_events")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("request_id", "integer", (c) => c.notNull().references("sign_off_requests.id").onDelete("cascade"))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('asked', 'approved', 'refused', 'withdrawn', 'complete', 'cancelled')`),
    )
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("approver_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("version_id", "integer", (c) => c.references("plan_versions.id").onDelete("set null"))
    .addColumn("reason", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sign_off_events_plan").on("sign_off_events").columns(["plan_id", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("sign_off_events").execute();
  await db.schema.dropTable("sign_off_approvers").execute();
  await db.schema.dropTable("sign_off_requests").execute();
}
