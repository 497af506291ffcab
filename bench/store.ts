// Scenario 11, the store of a long history: a real editing trace (bench/trace.ts) typed by 20
// people, each signed in with an account of their own, into Gotong and into Hocuspocus over
// their websockets; then what each keeps on disk for it, whether both hold the same text, and
// how soon each answers the first reader after a restart.
import fs from "node:fs";
import path from "node:path";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import sqlite3 from "sqlite3";
import WebSocket from "ws";
import * as Y from "yjs";
import * as syncProtocol from "y-protocols/sync";
import { closeDb, useDatabase } from "../db";
import { addMember } from "../app/models/plan.server";
import { createUser, getUserByEmail } from "../app/models/user.server";
import { DEMO, signIn, startServer, type TestServer } from "../tests/helpers/server";
import { prepareGotongDatabase } from "./fixtures";
import { startPeer, tempDir, type RunningServer } from "./servers";
import { authorRuns, loadTrace, traceLines, TraceTyping, TRACE_PLAN_CONTENT, type Trace } from "./trace";
import type { Row } from "./scenarios";
import { sleep } from "./stats";

const PLAN_ID = "trace-plan";
const AUTHORS = 20;
/** Keystrokes per update: one update per keystroke would take the peers' fan-out to 5 million
 * messages; ten keep the run to minutes (bench/README.md, "11"). */
const KEYSTROKES_PER_UPDATE = 10;
const AUTHOR_CLIENT_BASE = 5_000_000;
const PASSWORD = "trace-author-password";
const KB = 1024;

const MESSAGE_SYNC = 0;
const MESSAGE_SYNC_REPLY = 4; // Hocuspocus: step 2 + step 1 answering ours
const MESSAGE_SAVE_REQUEST = 100;
const MESSAGE_SAVED = 101;

/** A bare sync-protocol client: it syncs against `doc` (answering the server from it) and
 * sends the updates it is given. With `applyRemote`, it applies what the server relays. */
class TraceSocket {
  private socket!: WebSocket;
  private saveSeq = 0;
  private savedWaiters = new Map<number, () => void>();
  syncedAt = 0;
  step2Bytes = 0;

  constructor(
    private readonly kind: "gotong" | "hocuspocus",
    private readonly url: string,
    private readonly doc: Y.Doc,
    private readonly cookie?: string,
    private readonly applyRemote = false,
  ) {}

  connect(): Promise<void> {
    const address = this.kind === "hocuspocus" ? this.url : `${this.url}/${PLAN_ID}`;
    const startedAt = performance.now();
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no sync from ${address}`)), 60_000);
      const socket = new WebSocket(address, { headers: this.cookie ? { cookie: this.cookie } : {}, perMessageDeflate: false });
      this.socket = socket;
      socket.binaryType = "nodebuffer";
      socket.on("open", () => {
        if (this.kind === "hocuspocus") {
          this.send((e) => {
            encoding.writeVarUint(e, 2);
            encoding.writeVarUint(e, 0);
            encoding.writeVarString(e, "");
          });
        }
        this.send((e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          syncProtocol.writeSyncStep1(e, this.doc);
        });
      });
      socket.on("message", (data: Buffer) => {
        const decoder = decoding.createDecoder(data);
        if (this.kind === "hocuspocus") decoding.readVarString(decoder);
        const type = decoding.readVarUint(decoder);
        if (type === MESSAGE_SAVED) {
          const seq = decoding.readVarUint(decoder);
          for (const [waiting, resolveSaved] of this.savedWaiters) {
            if (waiting > seq) continue;
            resolveSaved();
            this.savedWaiters.delete(waiting);
          }
          return;
        }
        if (type !== MESSAGE_SYNC && type !== MESSAGE_SYNC_REPLY) return;
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          this.send((e) => {
            encoding.writeVarUint(e, MESSAGE_SYNC);
            encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
            encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, payload));
          });
        } else if (syncType === syncProtocol.messageYjsSyncStep2 && this.syncedAt === 0) {
          if (this.applyRemote) Y.applyUpdate(this.doc, payload, this);
          this.syncedAt = performance.now() - startedAt;
          this.step2Bytes = payload.byteLength;
          clearTimeout(timeout);
          resolve();
        } else if (this.applyRemote) Y.applyUpdate(this.doc, payload, this);
      });
      socket.on("error", reject);
      socket.on("close", (code) => reject(new Error(`closed with ${code}`)));
    });
  }

  private send(write: (encoder: encoding.Encoder) => void): void {
    const encoder = encoding.createEncoder();
    if (this.kind === "hocuspocus") encoding.writeVarString(encoder, PLAN_ID);
    write(encoder);
    this.socket.send(encoding.toUint8Array(encoder));
  }

  sendUpdate(update: Uint8Array): void {
    this.send((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, update);
    });
  }

  /** Gotong: resolves once everything this socket sent is committed ("Saved"). */
  saved(): Promise<void> {
    const seq = ++this.saveSeq;
    return new Promise<void>((resolve) => {
      this.savedWaiters.set(seq, resolve);
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE_SAVE_REQUEST);
        encoding.writeVarUint(e, seq);
      });
    });
  }

  close(): void {
    this.socket.removeAllListeners("close");
    this.socket.on("error", () => undefined);
    this.socket.close();
  }
}

/** The trace's updates, made once: each author's run in updates of a few keystrokes. */
function traceUpdates(trace: Trace, initialState: Uint8Array): { author: number; update: Uint8Array; runEnd: boolean }[] {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, initialState);
  const typing = new TraceTyping(doc);
  const updates: { author: number; update: Uint8Array; runEnd: boolean }[] = [];
  let author = 0;
  doc.on("update", (update: Uint8Array) => updates.push({ author, update, runEnd: false }));
  for (const run of authorRuns(trace.patches.length, AUTHORS)) {
    author = run.author;
    doc.clientID = AUTHOR_CLIENT_BASE + run.author;
    for (let start = run.start; start < run.end; start += KEYSTROKES_PER_UPDATE) {
      doc.transact(() => {
        for (let i = start; i < Math.min(run.end, start + KEYSTROKES_PER_UPDATE); i++) typing.apply(trace.patches[i]!);
      });
    }
    updates[updates.length - 1]!.runEnd = true;
  }
  if (traceLines(doc) !== trace.endContent) throw new Error("the trace replayed locally does not give its end content");
  return updates;
}

/** Waits until `observer` has everything `expected` has. */
async function caughtUp(observer: Y.Doc, expected: Map<number, number>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const have = Y.decodeStateVector(Y.encodeStateVector(observer));
    if ([...expected].every(([client, clock]) => (have.get(client) ?? 0) >= clock)) return;
    if (Date.now() > deadline) throw new Error("the observer did not receive every update within 60 s");
    await sleep(2);
  }
}

/** Sends every update through its author's socket, one author's run at a time, each run
 * waited for at an observer (and on Gotong, its "Saved"). Returns the seconds it took. */
async function typeTrace(
  kind: "gotong" | "hocuspocus",
  url: string,
  cookies: (string | undefined)[],
  initialState: Uint8Array,
  updates: { author: number; update: Uint8Array; runEnd: boolean }[],
): Promise<number> {
  const sent = new Y.Doc();
  Y.applyUpdate(sent, initialState);
  const observed = new Y.Doc();
  const observer = new TraceSocket(kind, url, observed, cookies[0], true);
  await observer.connect();
  const authors = cookies.map((cookie) => new TraceSocket(kind, url, sent, cookie));
  for (const socket of authors) await socket.connect();
  const startedAt = performance.now();
  try {
    for (const { author, update, runEnd } of updates) {
      Y.applyUpdate(sent, update);
      authors[author]!.sendUpdate(update);
      if (!runEnd) continue;
      await caughtUp(observed, Y.decodeStateVector(Y.encodeStateVector(sent)));
      if (kind === "gotong") await authors[author]!.saved();
    }
    return (performance.now() - startedAt) / 1000;
  } finally {
    for (const socket of [observer, ...authors]) socket.close();
  }
}

function sqliteAll<T>(file: string, query: string): Promise<T[]> {
  const db = new sqlite3.Database(file);
  return new Promise<T[]>((resolve, reject) =>
    db.all(query, (error, rows) => {
      db.close();
      if (error) reject(error);
      else resolve(rows as T[]);
    }),
  );
}

/** The file's size once its WAL is folded in, its free pages, and the bytes of each table
 * with its indexes (SQLite's dbstat). */
async function sqliteBytes(file: string): Promise<{ fileBytes: number; freeBytes: number; byTable: Record<string, number> }> {
  await sqliteAll(file, "PRAGMA wal_checkpoint(TRUNCATE)");
  const [pages] = await sqliteAll<{ free: number; size: number }>(
    file,
    "SELECT freelist_count AS free, page_size AS size FROM pragma_freelist_count, pragma_page_size",
  );
  const rows = await sqliteAll<{ tbl: string; bytes: number }>(
    file,
    "SELECT coalesce(m.tbl_name, d.name) AS tbl, sum(d.pgsize) AS bytes FROM dbstat d LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY tbl",
  );
  return {
    fileBytes: fs.statSync(file).size,
    freeBytes: pages!.free * pages!.size,
    byTable: Object.fromEntries(rows.map((row) => [row.tbl, row.bytes])),
  };
}

/** Accounts for the authors in a prepared Gotong database, each an editor of the plan. */
async function addAuthors(databasePath: string): Promise<string[]> {
  useDatabase(databasePath);
  try {
    const organisationId = (await getUserByEmail(DEMO.owner))!.organisationId;
    const emails: string[] = [];
    for (let i = 0; i < AUTHORS; i++) {
      const email = `author${i}@trace.example`;
      const user = await createUser({ email, name: `Author ${i}`, organisationId, password: PASSWORD });
      await addMember(PLAN_ID, user.id, "editor");
      emails.push(email);
    }
    return emails;
  } finally {
    await closeDb();
  }
}

async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Time to a first reader's sync (a fresh socket with an empty document) and the text it got. */
async function firstReader(
  kind: "gotong" | "hocuspocus",
  url: string,
  cookie?: string,
): Promise<{ ms: number; bytes: number; text: string }> {
  const doc = new Y.Doc();
  const reader = new TraceSocket(kind, url, doc, cookie, true);
  await reader.connect();
  reader.close();
  return { ms: reader.syncedAt, bytes: reader.step2Bytes, text: traceLines(doc) };
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function gotongStore(
  trace: Trace,
  updatesFor: (initial: Uint8Array) => ReturnType<typeof traceUpdates>,
): Promise<{ row: Row; initial: Uint8Array }> {
  const dir = tempDir();
  const databasePath = path.join(dir, "gotong.db");
  let server: TestServer | undefined;
  try {
    await prepareGotongDatabase(dir, [{ id: PLAN_ID, content: TRACE_PLAN_CONTENT }]);
    const emails = await addAuthors(databasePath);
    const empty = await sqliteBytes(databasePath);
    server = await startServer({ databasePath, env: { SEED_DEMO: "false", COLLAB_HIBERNATE_AFTER_MS: "2000" }, sourceMaps: false });
    const cookies: string[] = [];
    for (const email of emails) cookies.push(await signIn(server.url, email, PASSWORD));
    // The plan as Gotong stored it when it was made: the peers start from the same bytes.
    const initialDoc = new Y.Doc();
    const seedReader = new TraceSocket("gotong", server.wsUrl, initialDoc, cookies[0], true);
    await seedReader.connect();
    seedReader.close();
    const initial = Y.encodeStateAsUpdate(initialDoc);
    const updates = updatesFor(initial);
    const typingSeconds = await typeTrace("gotong", server.wsUrl, cookies, initial, updates);
    // Everyone has left: the plan unloads, keeps a checkpoint and compacts its log.
    const logs = server.logs;
    await waitFor("compaction", () => (logs.some((entry) => entry.msg === "plan compacted") ? true : undefined));
    await server.stop();
    const store = await sqliteBytes(databasePath);
    const restartedAt = performance.now();
    await server.restart();
    const restartMs = performance.now() - restartedAt;
    const reader = await firstReader("gotong", server.wsUrl, cookies[0]);
    const planBytes = Object.entries(store.byTable)
      .filter(([table]) => table.startsWith("plan_"))
      .reduce((sum, [table, bytes]) => sum + bytes - (empty.byTable[table] ?? 0), 0);
    return {
      initial,
      row: {
        server: "gotong",
        keystrokes: trace.patches.length,
        updates: updates.length,
        typingSeconds: round(typingSeconds),
        storeKb: round((store.fileBytes - empty.fileBytes) / KB),
        planTablesKb: round(planBytes / KB),
        freeKb: round(store.freeBytes / KB),
        bytesPerKeystroke: round((store.fileBytes - empty.fileBytes) / trace.patches.length, 2),
        byTable: JSON.stringify(
          Object.fromEntries(
            Object.entries(store.byTable)
              .filter(([table, bytes]) => table.startsWith("plan_") && bytes > (empty.byTable[table] ?? 0))
              .map(([table, bytes]) => [table, round((bytes - (empty.byTable[table] ?? 0)) / KB)]),
          ),
        ),
        sameText: reader.text === trace.endContent,
        restartMs: round(restartMs),
        firstSyncMs: round(reader.ms),
        syncedBytes: reader.bytes,
      },
    };
  } finally {
    await server?.stop();
    server?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function hocuspocusStore(trace: Trace, initial: Uint8Array, updates: ReturnType<typeof traceUpdates>): Promise<Row> {
  const dir = tempDir();
  const file = path.join(dir, "hocuspocus.sqlite");
  let server: RunningServer | undefined;
  try {
    server = await startPeer("hocuspocus", dir);
    const empty = fs.statSync(file).size;
    // The plan's first content, sent by a first client as the editor would.
    const seeded = new Y.Doc();
    Y.applyUpdate(seeded, initial);
    const seeder = new TraceSocket("hocuspocus", server.wsUrl, seeded);
    await seeder.connect();
    const cookies = Array.from({ length: AUTHORS }, () => undefined);
    const typingSeconds = await typeTrace("hocuspocus", server.wsUrl, cookies, initial, updates);
    seeder.close();
    // Hocuspocus stores the whole document on its debounce and when the last client leaves.
    await waitFor("Hocuspocus's store", async () => {
      const [row] = await sqliteAll<{ data: Buffer }>(file, `SELECT data FROM documents WHERE name = '${PLAN_ID}'`);
      if (!row) return undefined;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(row.data));
      return traceLines(doc) === trace.endContent ? true : undefined;
    });
    await server.stop();
    const store = await sqliteBytes(file);
    const restartedAt = performance.now();
    server = await startPeer("hocuspocus", dir);
    const restartMs = performance.now() - restartedAt;
    const reader = await firstReader("hocuspocus", server.wsUrl);
    return {
      server: "hocuspocus",
      keystrokes: trace.patches.length,
      updates: updates.length,
      typingSeconds: round(typingSeconds),
      storeKb: round((store.fileBytes - empty) / KB),
      planTablesKb: round((store.byTable.documents ?? 0) / KB),
      freeKb: round(store.freeBytes / KB),
      bytesPerKeystroke: round((store.fileBytes - empty) / trace.patches.length, 2),
      byTable: JSON.stringify({ documents: round((store.byTable.documents ?? 0) / KB) }),
      sameText: reader.text === trace.endContent,
      restartMs: round(restartMs),
      firstSyncMs: round(reader.ms),
      syncedBytes: reader.bytes,
    };
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Scenario 11: Gotong first (its stored plan is the peers' starting point), then Hocuspocus. */
export async function storeOfLongHistory(servers: string[]): Promise<Row[]> {
  const trace = loadTrace();
  let made: ReturnType<typeof traceUpdates> | undefined;
  const updatesFor = (initial: Uint8Array) => (made ??= traceUpdates(trace, initial));
  const { row, initial } = await gotongStore(trace, updatesFor);
  const rows: Row[] = [row];
  if (servers.includes("hocuspocus")) rows.push(await hocuspocusStore(trace, initial, updatesFor(initial)));
  return rows;
}
