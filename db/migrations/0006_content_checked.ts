// When a plan's stored content was last checked against the plan schema as a whole (security
// issue 20, item 1). Since then the server checks every client update before storing it, so a
// plan checked once stays inside the schema; one stored before then may hold forged content
// and is opened in full, and repaired as the server's own edit, before anyone is served from
// its stored bytes (server/collab/live-plan.ts). Existing plans start unchecked (null).
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plans").addColumn("content_checked_at", "bigint").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plans").dropColumn("content_checked_at").execute();
}
