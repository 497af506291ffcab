// The three servers under test, each started as its own process on loopback, and what the
// harness reads of them from /proc: CPU time and peak resident memory.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { signIn, startServer, type TestServer, DEMO } from "../tests/helpers/server";
import { prepareHocuspocusDatabase } from "./fixtures";
import type { ServerKind } from "./load/sim-client";

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  /** Where load clients connect (they add /<docName> for y-websocket and Gotong). */
  wsUrl: string;
  httpUrl: string;
  /** Gotong: the Cookie header of a signed-in editor. */
  cookie?: string;
  /** Gotong: the Cookie header of a signed-in commenter, who may only suggest. */
  commenterCookie?: string;
  /** Gotong: what it has logged so far, one parsed JSON object per line. */
  logs?: Record<string, unknown>[];
  stop(): Promise<void>;
}

export const SERVER_NAMES: Record<ServerKind, string> = {
  gotong: "Gotong",
  hocuspocus: "Hocuspocus",
  ywebsocket: "y-websocket",
};

/** Linux's USER_HZ, which /proc/<pid>/stat counts in (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, so utime (14) and stime (15) sit at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function statusField(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Write system calls the process has made (write, writev, …; `syscw` of /proc/<pid>/io). */
export function writeCalls(pid: number): number {
  return Number(/^syscw: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? NaN);
}

export const peakRssBytes = (pid: number) => statusField(pid, "VmHWM");

/** Resets the process's RSS high-water mark (VmHWM) to its RSS now (Linux: clear_refs 5). */
export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}
export const rssBytes = (pid: number) => statusField(pid, "VmRSS");

/**
 * Starts a peer from its npm package with a script in bench/peers (by default the one of its
 * kind; bench/instances.ts starts peers/hocuspocus-redis.mjs with the Redis in `env`).
 */
export async function startPeer(
  kind: "ywebsocket" | "hocuspocus",
  dir: string,
  options: { script?: string; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  // Hocuspocus's SQLite extension creates its table without waiting for it, so a document
  // opened right after start can fail to load; give it a database that has the table.
  if (kind === "hocuspocus" && !fs.existsSync(path.join(dir, "hocuspocus.sqlite"))) await prepareHocuspocusDatabase(dir, {});
  const script = options.script ?? (kind === "ywebsocket" ? "y-websocket.cjs" : "hocuspocus.mjs");
  // `--profile`: the peers are profiled as Gotong is, and stopped so that they write it.
  const isProfiling = process.argv.includes("--profile");
  const nodeArgs = isProfiling ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve("build/profiles")}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.resolve("bench/peers", script)], {
    env: { ...process.env, HOCUSPOCUS_DATABASE: path.join(dir, "hocuspocus.sqlite"), NODE_ENV: "production", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`${kind} exited with ${code}: ${output}`)));
  });
  return {
    kind,
    pid: child.pid!,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(isProfiling ? "SIGTERM" : "SIGKILL");
      }),
  };
}

/**
 * Gotong as in production: built server, SQLite file, a real sign-in. With DATABASE_URL in
 * `extraEnv` it runs on that PostgreSQL instead (and `databasePath` is not used).
 */
export async function startGotong(databasePath: string, extraEnv: Record<string, string>): Promise<RunningServer> {
  // `npm run bench -- --profile`: a V8 CPU profile per server run, for bench/profile-summary.mjs.
  const nodeArgs = process.argv.includes("--profile") ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve("build/profiles")}`] : [];
  // Every simulated user signs in as the same editor, so the per-account socket limit is
  // raised; everything else runs at its production setting.
  const env = { SEED_DEMO: "false", COLLAB_MAX_CONNECTIONS_PER_USER: "100000", ...extraEnv };
  const server: TestServer = await startServer({ databasePath, env, nodeArgs, sourceMaps: false });
  const cookie = await signIn(server.url, DEMO.editor);
  const commenterCookie = await signIn(server.url, DEMO.commenter);
  return {
    kind: "gotong",
    pid: server.pid,
    wsUrl: server.wsUrl,
    httpUrl: server.url,
    cookie,
    commenterCookie,
    logs: server.logs,
    stop: async () => {
      await server.stop();
      server.cleanup();
    },
  };
}

/**
 * Starts one server. `dir` holds its storage: Gotong's database must be prepared there
 * (bench/fixtures.ts) before it starts; Hocuspocus creates or reads hocuspocus.sqlite.
 */
export function startBenchServer(kind: ServerKind, dir: string, gotongEnv: Record<string, string> = {}): Promise<RunningServer> {
  return kind === "gotong" ? startGotong(path.join(dir, "gotong.db"), gotongEnv) : startPeer(kind, dir);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "gotong-bench-"));
}
