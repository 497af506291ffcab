// A consistent copy of the database while the server runs, through SQLite's online backup
// API: the copy is one snapshot (WAL included), never a half-written file.
import fs from "node:fs";
import path from "node:path";
import sqlite3 from "sqlite3";
import { isPostgresUrl } from "./dialect";

interface Backup {
  step(pages: number, callback: (error: Error | null) => void): void;
  finish(callback: (error: Error | null) => void): void;
  completed: boolean;
}

function open(filename: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(filename, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

const close = (db: sqlite3.Database) => new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));

export async function backupDatabase(sourcePath: string, destinationPath: string): Promise<void> {
  if (isPostgresUrl(sourcePath)) {
    throw new Error("db:backup copies an SQLite file; back up PostgreSQL with pg_dump (or your provider's backups)");
  }
  if (!fs.existsSync(sourcePath)) throw new Error(`no database at ${sourcePath}`);
  if (fs.existsSync(destinationPath)) throw new Error(`${destinationPath} exists already; choose a new file`);
  fs.mkdirSync(path.dirname(path.resolve(destinationPath)), { recursive: true });
  const source = await open(sourcePath, sqlite3.OPEN_READONLY);
  try {
    const backup = await new Promise<Backup>((resolve, reject) => {
      const started: Backup = (source as unknown as { backup(file: string, cb: (e: Error | null) => void): Backup }).backup(
        destinationPath,
        (error) => (error ? reject(error) : resolve(started)),
      );
    });
    // All pages in one step: a single read snapshot of the source.
    await new Promise<void>((resolve, reject) => backup.step(-1, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => backup.finish((error) => (error ? reject(error) : resolve())));
    if (!backup.completed) throw new Error("the backup did not complete");
  } finally {
    await close(source);
  }
  const copy = await open(destinationPath, sqlite3.OPEN_READONLY);
  try {
    const result = await new Promise<string>((resolve, reject) =>
      copy.get("pragma integrity_check", (error, row: { integrity_check: string } | undefined) =>
        error ? reject(error) : resolve(row?.integrity_check ?? "no answer"),
      ),
    );
    if (result !== "ok") throw new Error(`the backup failed its integrity check: ${result}`);
  } finally {
    await close(copy);
  }
}
