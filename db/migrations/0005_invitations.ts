// Invitations to a plan (security issue 20, item 8): opening a consultation round, or an owner
// adding someone on the members page, used to write plan_members directly, so anyone could make
// every account a member of a plan of theirs. Now both write an invitation here, and only the
// invited person's "Accept" writes plan_members.
//
// Existing data: every plan_members row stays a membership, including those past rounds made.
// Those people have been reading and commenting as members (their threads, mentions and section
// assignments point at them); taking the plan away from them, or turning them back into open
// invitations, would lose that standing without anyone having asked for it. An owner who finds
// a membership a past round forced on someone removes it on the members page. Nothing is copied
// into this table: a membership needs no invitation.
import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("plan_invitations")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'editor', 'commenter', 'viewer')`))
    .addColumn("invited_by", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // Null for an invitation from the members page.
    .addColumn("round_id", "integer", (c) => c.references("consultation_rounds.id").onDelete("cascade"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'accepted', 'declined')`),
    )
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("answered_at", "bigint")
    .execute();
  // One invitation per person per round, whatever its answer: a declined one never comes back
  // from the same round.
  await db.schema.createIndex("plan_invitations_round_user").on("plan_invitations").columns(["round_id", "user_id"]).unique().execute();
  // At most one open invitation per person from the members page.
  await db.schema
    .createIndex("plan_invitations_open_direct")
    .on("plan_invitations")
    .columns(["plan_id", "user_id"])
    .unique()
    .where(sql<boolean>`round_id is null and status = 'pending'`)
    .execute();
  // The dashboard: a person's open invitations.
  await db.schema.createIndex("plan_invitations_user_status").on("plan_invitations").columns(["user_id", "status"]).execute();
  await db.schema.createIndex("plan_invitations_plan_id").on("plan_invitations").columns(["plan_id", "status"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("plan_invitations").execute();
}
