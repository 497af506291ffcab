// People know what needs them (issue 25, docs/workflow.md): notifications in the app and by
// email, each person's choice per kind, the mail outbox, threads assigned to someone by a date,
// and when each person last saw each plan.
import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  // One entry in a person's inbox. What it says is rendered when read, in the reader's language,
  // from `kind` and `data` (JSON); `delivery` is how it was to be emailed when it was made.
  await db.schema
    .createTable("notifications")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("delivery", "text", (c) => c.notNull().check(sql`delivery in ('now', 'digest', 'none')`))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("read_at", "bigint")
    // Set when the outbox took it (alone, or in a digest).
    .addColumn("mailed_at", "bigint")
    // Reminders that must reach a person once (a round's deadline): unique per person.
    .addColumn("once_key", "text")
    .execute();
  await db.schema.createIndex("notifications_user_created").on("notifications").columns(["user_id", "created_at"]).execute();
  await db.schema
    .createIndex("notifications_digest_due")
    .on("notifications")
    .columns(["delivery", "mailed_at"])
    .where(sql<boolean>`delivery = 'digest' and mailed_at is null`)
    .execute();
  await db.schema.createIndex("notifications_once").on("notifications").columns(["user_id", "once_key"]).unique().execute();

  // A person's choice for one kind of notification by email; no row is the kind's default.
  await db.schema
    .createTable("notification_settings")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("delivery", "text", (c) => c.notNull().check(sql`delivery in ('now', 'digest', 'off')`))
    .addPrimaryKeyConstraint("notification_settings_pk", ["user_id", "kind"])
    .execute();

  // Mail waiting to go (server/mail/outbox.ts): written in the request's transaction, sent by
  // whichever instance claims it, retried with backoff until the mail server takes it.
  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("unsubscribe_url", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    // An instance sending it holds it until then; another may take it after.
    .addColumn("claimed_until", "bigint")
    .addColumn("sent_at", "bigint")
    .addColumn("last_error", "text")
    .execute();
  await db.schema
    .createIndex("mail_outbox_due")
    .on("mail_outbox")
    .columns(["next_attempt_at"])
    .where(sql<boolean>`sent_at is null`)
    .execute();

  // When the daily digest last went to each person.
  await db.schema.alterTable("users").addColumn("digest_sent_at", "bigint").execute();

  // A thread can be assigned to a member, by a date (YYYY-MM-DD).
  await db.schema
    .alterTable("comment_threads")
    .addColumn("assignee_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await db.schema.alterTable("comment_threads").addColumn("due_date", "text").execute();
  await db.schema.createIndex("comment_threads_assignee").on("comment_threads").columns(["assignee_id", "status"]).execute();

  // When a person last left each plan, and the version that holds the text as they saw it then.
  await db.schema
    .createTable("plan_visits")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("seen_at", "bigint", (c) => c.notNull())
    .addColumn("version_id", "integer", (c) => c.references("plan_versions.id").onDelete("set null"))
    .addPrimaryKeyConstraint("plan_visits_pk", ["user_id", "plan_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("plan_visits").execute();
  await db.schema.dropIndex("comment_threads_assignee").execute();
  await db.schema.alterTable("comment_threads").dropColumn("due_date").execute();
  await db.schema.alterTable("comment_threads").dropColumn("assignee_id").execute();
  await db.schema.alterTable("users").dropColumn("digest_sent_at").execute();
  await db.schema.dropTable("mail_outbox").execute();
  await db.schema.dropTable("notification_settings").execute();
  await db.schema.dropTable("notifications").execute();
}
