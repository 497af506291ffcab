// Which database a Kysely instance talks to, for the few places that must know: the
// migrations' column types (db/migrations/types.ts) and the tests. Models never ask.
import { PostgresAdapter, type QueryExecutor } from "kysely";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** For a Kysely instance or a transaction. */
export function isPostgres(db: { getExecutor(): QueryExecutor }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A database location fit for logs: a URL's password is left out. */
export function describeDatabase(location: string): string {
  if (!isPostgresUrl(location)) return location;
  const url = new URL(location);
  if (url.password) url.password = "***";
  // pg reads a password (and other secrets) from the query string too.
  url.search = "";
  return url.toString();
}
