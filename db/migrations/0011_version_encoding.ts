// How a version's state is stored (issue 24, the store of a long history): "yjs", the encoded
// Yjs state as it is; "deflate", that state compressed with raw DEFLATE (node:zlib). Versions are
// full copies of the plan (docs/versions.md) and are read only to be shown, compared, exported or
// restored, so they are kept compressed; the versions stored before stay as they were.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("plan_versions")
    .addColumn("state_encoding", "text", (column) => column.notNull().defaultTo(sql`'yjs'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("plan_versions").dropColumn("state_encoding").execute();
}
