import { sql, type Kysely } from "kysely";
import { autoIncrementId, binary } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("organisations")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("short_name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("locale", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("plans")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_edited_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("plan_members")
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'editor', 'commenter', 'viewer')`))
    .addColumn("added_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("plan_members_pk", ["plan_id", "user_id"])
    .execute();
  await db.schema.createIndex("plan_members_user_id").on("plan_members").column("user_id").execute();

  await db.schema
    .createTable("plan_updates")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("update", binary(db), (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("merged_count", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex("plan_updates_plan_id_id").on("plan_updates").columns(["plan_id", "id"]).execute();

  await db.schema
    .createTable("plan_documents")
    .addColumn("plan_id", "text", (c) => c.primaryKey().references("plans.id").onDelete("cascade"))
    .addColumn("state", binary(db), (c) => c.notNull())
    .addColumn("through_update_id", "integer", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("plan_clients")
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("client_id", "bigint", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("first_seen_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("plan_clients_pk", ["plan_id", "client_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["plan_clients", "plan_documents", "plan_updates", "plan_members", "plans", "sessions", "users", "organisations"]) {
    await db.schema.dropTable(table).execute();
  }
}
