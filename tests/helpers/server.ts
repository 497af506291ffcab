// Starts the real, built server (build/server.js) as a child process on a free port with
// its own temporary database, the way `npm start` runs it: an SQLite file, or with
// GOTONG_TEST_DATABASE=postgres a throwaway PostgreSQL (tests/helpers/postgres.ts).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as Y from "yjs";
import { planText } from "../../app/editor/document.server";
import { rawPlanText } from "./clients";
import { openDatabase } from "../../db";
import { startPostgres, type TestPostgres } from "./postgres";

export const TEST_SESSION_SECRET = "test-secret-not-for-production";
const SERVER_ENTRY = path.resolve("build/server.js");

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  /** The running server process's id. */
  pid: number;
  /** The SQLite file, or the PostgreSQL URL. */
  databasePath: string;
  /** Everything the server logged, one parsed JSON object per line. */
  logs: Record<string, unknown>[];
  /** SIGTERM: the graceful path (flush, close). */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Removes the temporary folder; call after stop(). */
  cleanup(): void;
}

export async function startServer(
  options: {
    env?: Record<string, string>;
    databasePath?: string;
    nodeArgs?: string[];
    /** For tests of SQLite itself (its backup, its file locks): never PostgreSQL. */
    sqlite?: boolean;
    /** Stack traces mapped to the sources (a test's failure reads better); false runs the server
     * exactly as `npm start` does, as the bench measures it: Node then neither reads nor keeps the map. */
    sourceMaps?: boolean;
  } = {},
): Promise<TestServer> {
  if (!fs.existsSync(SERVER_ENTRY)) throw new Error("build/server.js is missing: run `npm run build` first");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gotong-test-"));
  const postgres: TestPostgres | undefined =
    !options.sqlite && !options.databasePath && !options.env?.DATABASE_URL && process.env.GOTONG_TEST_DATABASE === "postgres"
      ? await startPostgres()
      : undefined;
  const databasePath = options.databasePath ?? postgres?.url ?? path.join(dir, "gotong.db");
  const logs: Record<string, unknown>[] = [];
  let child: ChildProcess | undefined;
  let port = 0;

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        process.execPath,
        [...(options.sourceMaps === false ? [] : ["--enable-source-maps"]), ...(options.nodeArgs ?? []), SERVER_ENTRY],
        {
          env: {
            ...process.env,
            NODE_ENV: "production",
            PORT: String(port),
            HOST: "127.0.0.1",
            DATABASE_PATH: databasePath,
            SESSION_SECRET: TEST_SESSION_SECRET,
            ...(postgres ? { DATABASE_URL: postgres.url } : {}),
            ...options.env,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child = proc;
      let buffered = "";
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            logs.push(entry);
            if (entry.msg === "listening") {
              port = entry.port as number;
              resolve();
            }
          } catch {
            logs.push({ raw: line });
          }
        }
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`server exited with ${code} before listening: ${JSON.stringify(logs.slice(-5))}`)));
    });

  const waitForExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once("exit", () => resolve());
      proc.kill(signal);
    });

  try {
    await launch();
  } catch (error) {
    // A server that refused to start leaves nothing behind.
    child?.kill("SIGKILL");
    await postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const server: TestServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}/collab`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid ?? 0;
    },
    databasePath,
    logs,
    stop: () => waitForExit("SIGTERM"),
    kill: () => waitForExit("SIGKILL"),
    restart: async () => {
      await waitForExit("SIGTERM");
      await launch();
    },
    cleanup: () => {
      void postgres?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Signs in through the real form and returns the Cookie header to send. */
export async function signIn(baseUrl: string, email: string, password = "gotong-demo"): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password, redirectTo: "/plans" }),
    redirect: "manual",
  });
  const setCookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !setCookie) throw new Error(`sign-in as ${email} failed with ${response.status}`);
  return setCookie.split(";")[0]!;
}

export type DemoRole = "owner" | "editor" | "commenter" | "viewer" | "outsider";

/** A Cookie header for each demo account. */
export async function signInEveryone(baseUrl: string): Promise<Record<DemoRole, string>> {
  const roles: DemoRole[] = ["owner", "editor", "commenter", "viewer", "outsider"];
  const cookies = await Promise.all(roles.map((role) => signIn(baseUrl, DEMO[role])));
  return Object.fromEntries(roles.map((role, i) => [role, cookies[i]!])) as Record<DemoRole, string>;
}

export const DEMO = {
  planId: "demo-sse",
  owner: "planner@bappenas.example",
  editor: "coop@ilo.example",
  commenter: "partner@binaswadaya.example",
  viewer: "reviewer@kemenkopukm.example",
  outsider: "outsider@example.org",
} as const;

/** The plan's accepted text as stored in the database file (every stored row, merged); with
 * `withSuggestions`, the words of open suggestions too. */
export async function storedPlanText(databasePath: string, planId: string, options: { withSuggestions?: boolean } = {}): Promise<string> {
  const db = openDatabase(databasePath);
  try {
    const snapshot = await db.selectFrom("plan_documents").select("state").where("plan_id", "=", planId).executeTakeFirst();
    const rows = await db.selectFrom("plan_updates").select("update").where("plan_id", "=", planId).orderBy("id").execute();
    const doc = new Y.Doc();
    for (const update of [...(snapshot ? [snapshot.state] : []), ...rows.map((row) => row.update)]) {
      Y.applyUpdate(doc, new Uint8Array(update));
    }
    return options.withSuggestions ? rawPlanText(doc) : planText(doc);
  } finally {
    await db.destroy();
  }
}
