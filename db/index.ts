// The database: one Kysely instance per process, migrated: PostgreSQL when DATABASE_URL names
// one, else the SQLite file at DATABASE_PATH. Models see only Kysely and never ask which.
// Kept on globalThis because the Remix build and the server bundle each carry a copy of
// this module; both must share the one connection.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import type * as Pg from "pg";
import { isPostgresUrl } from "./dialect";
import { Sqlite3Dialect } from "./sqlite-dialect";
import { migrations } from "./migrations";
import type { Database } from "./schema";

export type DB = Kysely<Database>;

const PRAGMAS = [
  // Pages freed (compaction deletes a plan's update rows) can be given back to the file system
  // (`pragma incremental_vacuum`, after compaction). Takes effect only in a database that has
  // no tables yet: an older file keeps its free pages for reuse until a VACUUM (docs/deployment.md).
  "pragma auto_vacuum = incremental",
  // WAL lets readers go on while a write commits.
  "pragma journal_mode = wal",
  // FULL: a commit is on disk before we answer "Saved", so it survives a power loss,
  // not only a crash of the process (see docs/architecture.md).
  "pragma synchronous = full",
  "pragma foreign_keys = on",
  "pragma busy_timeout = 5000",
];

const holder = globalThis as unknown as { __gotongDb?: DB; __gotongDbPath?: string; __gotongDbLocation?: string };

/** pg, required on the first PostgreSQL connection: a server on SQLite never loads it. */
function loadPg(): typeof Pg {
  const pg = createRequire(import.meta.url)("pg") as typeof Pg;
  // Times, ids and Yjs client ids are bigint columns that always fit in a JavaScript number;
  // pg would otherwise return them (and count(*)) as strings. BYTEA already arrives as a Buffer.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  return pg;
}

/** Chooses the database getDb() opens: whoever starts the process says which (the server
 * from server/config.ts, the CLI, a test's temporary database); nothing here reads the
 * environment. Choosing another closes nothing: call closeDb() first. */
export function useDatabase(location: string): void {
  holder.__gotongDbLocation = location;
}

/** Opens a postgres:// URL on PostgreSQL, anything else as an SQLite file. */
export function openDatabase(location: string): DB {
  if (isPostgresUrl(location)) {
    // A pool with no free connection for 30 s fails the query (writes are retried) rather than
    // waiting for ever.
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new (loadPg().Pool)({ connectionString: location, connectionTimeoutMillis: 30_000 }) }),
    });
  }
  if (location !== ":memory:") fs.mkdirSync(path.dirname(location), { recursive: true });
  return new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename: location, onOpen: PRAGMAS }) });
}

export { describeDatabase, isPostgres, isPostgresUrl } from "./dialect";

/** The process's database, opened on first use. */
export function getDb(): DB {
  if (!holder.__gotongDb) {
    const location = holder.__gotongDbLocation;
    if (!location) throw new Error("No database chosen: call useDatabase() first (server/config.ts reads DATABASE_URL and DATABASE_PATH)");
    holder.__gotongDbPath = location;
    holder.__gotongDb = openDatabase(holder.__gotongDbPath);
  }
  return holder.__gotongDb;
}

export async function closeDb(): Promise<void> {
  const db = holder.__gotongDb;
  holder.__gotongDb = undefined;
  await db?.destroy();
}

/**
 * True when the database has applied exactly the migrations this build knows: one query, where
 * Kysely's Migrator makes a dozen round trips and two commits to find nothing to do (most of a
 * restart's time with the database). Anything else (a new database without the table, a
 * migration missing, or one this build does not know) is for migrateToLatest to do or report.
 */
export async function isMigratedToLatest(db: DB = getDb()): Promise<boolean> {
  const known = Object.keys(migrations);
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((row) => row.name));
    return applied.size === known.length && known.every((name) => applied.has(name));
  } catch {
    return false; // no kysely_migration table yet (or unreadable): the Migrator decides
  }
}

export async function migrateToLatest(db: DB = getDb()): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

export async function pingDb(db: DB = getDb()): Promise<void> {
  await sql`select 1`.execute(db);
}
