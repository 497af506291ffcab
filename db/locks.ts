// Work that must run on one instance at a time when several share a PostgreSQL (compaction,
// checkpoints, migrating and seeding at start): PostgreSQL advisory locks. SQLite has one
// process and one writer, so there every lock is taken at once.
import { sql, type Kysely, type Transaction } from "kysely";
import { isPostgres } from "./dialect";
import type { Database } from "./schema";

/** The first key of each advisory lock: what the work is. The second is the plan's. */
const LOCK_CLASS = { startup: 1, compaction: 2, version: 3, sections: 4, signOff: 5 } as const;
export type LockName = keyof typeof LOCK_CLASS;

/** Waits for the lock on (name, key); it is held until the transaction ends. */
export async function lockForTransaction(trx: Transaction<Database>, name: LockName, key: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`select pg_advisory_xact_lock(${LOCK_CLASS[name]}::int, hashtext(${key}))`.execute(trx);
}

/**
 * Runs `work` holding the lock on (name, key), if nobody holds it; false when someone does.
 * `work` gets the connection that holds the lock and must use only it: taking a second one
 * from the pool while holding this one could wait for ever once every connection is a
 * holder. On SQLite it always runs (one process: callers keep their own guard).
 */
export async function withLockIfFree<T>(
  db: Kysely<Database>,
  name: LockName,
  key: string,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<{ value: T } | false> {
  if (!isPostgres(db)) return { value: await work(db) };
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(${LOCK_CLASS[name]}::int, hashtext(${key})) as locked`.execute(connection);
    if (rows[0]?.locked !== true) return false;
    try {
      return { value: await work(connection) };
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_CLASS[name]}::int, hashtext(${key}))`.execute(connection);
    }
  });
}

/** Runs `work` while holding the lock on (name, key) on one connection (work may use others). */
export async function withLock<T>(db: Kysely<Database>, name: LockName, key: string, work: () => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return work();
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${LOCK_CLASS[name]}::int, hashtext(${key}))`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_CLASS[name]}::int, hashtext(${key}))`.execute(connection);
    }
  });
}
