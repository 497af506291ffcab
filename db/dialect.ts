// Which database a Kysely instance talks to, for the few places that must know: the
// migrations' column types (db/migrations/types.ts) and the tests. Models never ask.
import type { QueryExecutor } from "kysely";
import { redactedUrl } from "../app/utils/log.server";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * For a Kysely instance or a transaction. Asked of the adapter, not `instanceof PostgresAdapter`:
 * build/server.js and build/index.js each bundle their own copy of kysely (scripts/build-server.mjs),
 * so an adapter made by one copy is no instance of the other's class. Of the two dialects Gotong
 * runs on, PostgreSQL's adapter alone says it supports transactional DDL.
 */
export function isPostgres(db: { getExecutor(): QueryExecutor }): boolean {
  return db.getExecutor().adapter.supportsTransactionalDdl;
}

/** A database location fit for logs: an SQLite path as it is, a URL without its secrets. */
export function describeDatabase(location: string): string {
  return isPostgresUrl(location) ? redactedUrl(location) : location;
}
