// Which database a Kysely instance talks to, for the few places that must know: the
// migrations' column types (db/migrations/types.ts) and the tests. Models never ask.
import type { QueryExecutor } from "kysely";
import { redactedUrl } from "../app/utils/log.server";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * For a Kysely instance or a transaction. Asked of the adapter, not `instanceof PostgresAdapter`,
 * so the answer does not depend on which copy of kysely made it (the server's modules and the
 * Remix build have been bundled apart, each with its own). Of the two dialects Gotong runs on,
 * PostgreSQL's adapter alone says it supports transactional DDL.
 */
export function isPostgres(db: { getExecutor(): QueryExecutor }): boolean {
  return db.getExecutor().adapter.supportsTransactionalDdl;
}

/** A database location fit for logs: an SQLite path as it is, a URL without its secrets. */
export function describeDatabase(location: string): string {
  return isPostgresUrl(location) ? redactedUrl(location) : location;
}
