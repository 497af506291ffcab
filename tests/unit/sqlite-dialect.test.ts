// The SQLite dialect keeps statements prepared (db/sqlite-dialect.ts): what must hold whatever
// the cache holds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kysely, sql } from "kysely";
import { afterEach, expect, it } from "vitest";
import { Sqlite3Dialect } from "../../db/sqlite-dialect";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openTemporary() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialect-"));
  dirs.push(dir);
  return new Kysely<Record<string, Record<string, unknown>>>({
    dialect: new Sqlite3Dialect({ filename: path.join(dir, "t.db"), onOpen: ["pragma journal_mode = wal"] }),
  });
}

it("reports a statement that cannot be prepared, and prepares it again once it can be", async () => {
  const db = openTemporary();
  await expect(sql`select n from later`.execute(db)).rejects.toThrow(/no such table: later/);
  await sql`create table later (n integer)`.execute(db);
  await db.insertInto("later").values({ n: 7 }).execute();
  expect((await sql<{ n: number }>`select n from later`.execute(db)).rows).toEqual([{ n: 7 }]);
  await db.destroy();
});

it("runs the same statement with new values, keeps working past the cache's size, and closes", async () => {
  const db = openTemporary();
  await sql`create table t (n integer primary key, word text)`.execute(db);
  for (let n = 1; n <= 150; n += 1) {
    await db
      .insertInto("t")
      .values({ n, word: `w${n}` })
      .execute();
    // A different text each time: 150 statements through a cache of 100.
    await sql.raw(`select count(*) as c from t where n <= ${n}`).execute(db);
  }
  const rows = await db.selectFrom("t").select(["n", "word"]).where("n", ">", 148).orderBy("n").execute();
  expect(rows).toEqual([
    { n: 149, word: "w149" },
    { n: 150, word: "w150" },
  ]);
  // A failed step (a constraint) does not leave the statement unusable.
  await expect(db.insertInto("t").values({ n: 1, word: "again" }).execute()).rejects.toThrow(/UNIQUE/);
  await db.insertInto("t").values({ n: 151, word: "w151" }).execute();
  expect(
    await db
      .selectFrom("t")
      .select((eb) => eb.fn.countAll().as("c"))
      .executeTakeFirst(),
  ).toEqual({ c: 151 });
  // Closing finalizes every kept statement first (SQLite refuses to close otherwise).
  await db.destroy();
});

it("rolls a failed transaction back and takes the next one", async () => {
  const db = openTemporary();
  await sql`create table t (n integer primary key)`.execute(db);
  await expect(
    db.transaction().execute(async (trx) => {
      await trx.insertInto("t").values({ n: 1 }).execute();
      await trx.insertInto("t").values({ n: 1 }).execute();
    }),
  ).rejects.toThrow(/UNIQUE/);
  await db.transaction().execute((trx) => trx.insertInto("t").values({ n: 2 }).execute());
  expect(await db.selectFrom("t").select("n").execute()).toEqual([{ n: 2 }]);
  await db.destroy();
});
