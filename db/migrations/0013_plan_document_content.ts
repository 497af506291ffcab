// The compacted state's document as ProseMirror JSON, raw-DEFLATE compressed (issue 24, opening a
// plan): a page shows the plan and takes typing from it before it has applied the Yjs state,
// which on a 100-page plan costs the browser most of a second (docs/architecture.md, "Opening a
// plan"). And the suggestions in it, for the suggestions panel, read until now off the document
// (which the server then had to build). Written by compaction beside the state vector and comment
// anchors; null for states stored before, until the plan is next unloaded.
import type { Kysely } from "kysely";
import { binary } from "./types";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_documents").addColumn("content", binary(db)).execute();
  await db.schema.alterTable("plan_documents").addColumn("suggestions", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_documents").dropColumn("suggestions").execute();
  await db.schema.alterTable("plan_documents").dropColumn("content").execute();
}
