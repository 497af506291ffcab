// What a newcomer needs of a compacted plan without building its document (issue 24, opening a
// plan): the state's Yjs state vector (sync step 1) and where each comment thread's mark is (the
// threads panel). Written beside the state by compaction; null for states stored before, until
// the plan is next unloaded (server/collab/plan-registry.ts).
import type { Kysely } from "kysely";
import { binary } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_documents").addColumn("state_vector", binary(db)).execute();
  await db.schema.alterTable("plan_documents").addColumn("comment_anchors", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_documents").dropColumn("comment_anchors").execute();
  await db.schema.alterTable("plan_documents").dropColumn("state_vector").execute();
}
