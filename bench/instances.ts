// Several instances (issue 14): one plan's users spread over two server processes that share
// their storage and pass updates to each other through one Redis, against the same users on
// one process. Gotong: two `build/server.js` on one PostgreSQL with REDIS_URL set, against one
// on the same PostgreSQL without Redis. Hocuspocus: two instances with
// @hocuspocus/extension-redis sharing one Redis and one SQLite file (peers/hocuspocus-redis.mjs),
// against one as in the other scenarios (peers/hocuspocus.mjs).
//
// One PostgreSQL cluster (durable: fsync on) serves each scenario; every measurement gets a
// fresh database in it, a fresh Redis, and freshly started servers. Two of the users are
// probes (bench/probe.ts) that time every keystroke, since both servers pack what crosses
// Redis into fewer messages than were typed.
import fs from "node:fs";
import path from "node:path";
import type { JSONContent } from "@tiptap/core";
import pg from "pg";
import { planUpdateFromJSON } from "../app/editor/document.server";
import { startPostgres, type TestPostgres } from "../tests/helpers/postgres";
import { findRedisServer, startRedis, type TestRedis } from "../tests/helpers/redis";
import { planContent, prepareGotongDatabase, prepareHocuspocusDatabase } from "./fixtures";
import type { LoadPool } from "./load/pool";
import type { WorkerReport } from "./load/worker";
import type { Row, Settings } from "./scenarios";
import { now, type ClientSpec, type ServerKind } from "./load/sim-client";
import { EditProbe } from "./probe";
import { cpuSeconds, peakRssBytes, startGotong, startPeer, tempDir, type RunningServer } from "./servers";
import { sleep, summarise } from "./stats";

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
/** The bound of the sustained-writes scenario (bench/scenarios.ts), kept here too. */
const P99_BOUND_MS = 100;

// What runs -------------------------------------------------------------------------------

/** The servers of one measurement, their shared storage, and the processes worth metering. */
interface Cluster {
  kind: ServerKind;
  servers: RunningServer[];
  /** Gotong: one signed-in editor's cookie (from the first instance), sent to every instance. */
  cookie?: string;
  postgresPid?: number;
  redisPid?: number;
  stop(): Promise<void>;
}

/** One PostgreSQL for the scenario, a database per measurement. */
class Postgres {
  private count = 0;
  private constructor(readonly server: TestPostgres) {}

  static async start(): Promise<Postgres> {
    // Durable (fsync on): Gotong answers "Saved" after its commit, so commits reach the disk as in production.
    return new Postgres(await startPostgres({ durable: true }));
  }

  get port(): number {
    return Number(new URL(this.server.url).port);
  }

  private admin(): pg.Client {
    const url = new URL(this.server.url);
    url.pathname = "/postgres";
    return new pg.Client({ connectionString: url.toString() });
  }

  /** A new, empty database; its URL. */
  async create(): Promise<string> {
    this.count += 1;
    const name = `bench_${this.count}`;
    const admin = this.admin();
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(this.server.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async drop(url: string): Promise<void> {
    const admin = this.admin();
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
    } finally {
      await admin.end();
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/** Gotong's schema, demo accounts and these plans in a PostgreSQL database (bench/fixtures.ts). */
async function prepareGotongOnPostgres(databaseUrl: string, plans: { id: string; content: JSONContent }[]): Promise<void> {
  const dir = tempDir();
  try {
    await prepareGotongDatabase(dir, plans, databaseUrl);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function startCluster(
  kind: ServerKind,
  instances: number,
  postgres: Postgres,
  plan: { id: string; content: JSONContent },
): Promise<Cluster> {
  const started: RunningServer[] = [];
  let redis: TestRedis | undefined;
  let databaseUrl: string | undefined;
  let dir: string | undefined;
  const stop = async () => {
    await Promise.all(started.map((server) => server.stop()));
    await redis?.cleanup();
    if (databaseUrl) await postgres.drop(databaseUrl);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (instances > 1) redis = await startRedis();
    if (kind === "gotong") {
      databaseUrl = await postgres.create();
      await prepareGotongOnPostgres(databaseUrl, [plan]);
      dir = tempDir();
      const env: Record<string, string> = { DATABASE_URL: databaseUrl, ...(redis ? { REDIS_URL: redis.url } : {}) };
      // One after the other: each migrates (nothing to do here) and checks the schema at start.
      for (let i = 0; i < instances; i += 1) started.push(await startGotong(path.join(dir, "unused.db"), env));
    } else if (kind === "hocuspocus") {
      dir = tempDir();
      // The plan is in storage, as Gotong's is: every instance loads it from the shared file.
      await prepareHocuspocusDatabase(dir, { [plan.id]: planUpdateFromJSON(plan.content) });
      for (let i = 0; i < instances; i += 1) {
        started.push(
          await (redis
            ? startPeer("hocuspocus", dir, { script: "hocuspocus-redis.mjs", env: { HOCUSPOCUS_REDIS_URL: redis.url } })
            : startPeer("hocuspocus", dir)),
        );
      }
    } else {
      throw new Error(`${kind} has no several-instance mode`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kind,
    servers: started,
    cookie: started[0]?.cookie,
    postgresPid: kind === "gotong" ? pidListeningOn(postgres.port) : undefined,
    redisPid: redis ? pidListeningOn(redis.port) : undefined,
    stop,
  };
}

// What it costs ---------------------------------------------------------------------------

/** The process listening on this loopback TCP port (/proc/net/tcp, then whose fd is that socket). */
function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== "0A") continue; // 0A: LISTEN
      if (parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) inodes.add(fields[9]!);
    }
  }
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match && inodes.has(match[1]!)) return Number(pid);
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return undefined;
}

/**
 * CPU seconds of a process and all its descendants, with the children it has already reaped
 * (PostgreSQL: the postmaster and its backends).
 */
function treeCpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; seconds: number }>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the command name: ppid is field 4; utime, stime, cutime, cstime are 14 to 17.
      stats.set(Number(name), { ppid: Number(f[1]), seconds: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100 });
    } catch {
      // It exited while we looked.
    }
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += stats.get(pid)?.seconds ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) pending.push(child);
  }
  return total;
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineJiffies(): { busy: number; total: number } {
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const idle = fields[3]! + fields[4]!; // idle + iowait
  return { busy: total - idle, total };
}

/** CPU over a stretch of wall time: the servers (summed), PostgreSQL, Redis, the load, the machine. */
function clusterMeter(cluster: Cluster) {
  const startedAt = performance.now();
  const serversStart = cluster.servers.map((server) => cpuSeconds(server.pid));
  const postgresStart = cluster.postgresPid ? treeCpuSeconds(cluster.postgresPid) : 0;
  const redisStart = cluster.redisPid ? cpuSeconds(cluster.redisPid) : 0;
  const loadStart = process.cpuUsage();
  const machineStart = machineJiffies();
  const cores = fs
    .readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((line) => /^cpu\d/.test(line)).length;
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const percent = (cpu: number) => round((cpu / seconds) * 100, 0);
    const load = process.cpuUsage(loadStart);
    const machine = machineJiffies();
    return {
      serverCpuPercent: percent(cluster.servers.reduce((sum, server, i) => sum + cpuSeconds(server.pid) - serversStart[i]!, 0)),
      postgresCpuPercent: cluster.postgresPid ? percent(treeCpuSeconds(cluster.postgresPid) - postgresStart) : null,
      redisCpuPercent: cluster.redisPid ? percent(cpuSeconds(cluster.redisPid) - redisStart) : null,
      loadCpuPercent: percent((load.user + load.system) / 1e6),
      // 100% is one core, as for the processes: 200% is both cores of a 2-core machine busy.
      machineCpuPercent: round(((machine.busy - machineStart.busy) / (machine.total - machineStart.total)) * cores * 100, 0),
    };
  };
}

/** Gotong's warnings and errors since the start, printed, and how many. */
function serverTrouble(cluster: Cluster): number {
  let count = 0;
  cluster.servers.forEach((server, i) => {
    for (const entry of server.logs ?? []) {
      if (entry.level !== "warn" && entry.level !== "error" && !("raw" in entry)) continue;
      count += 1;
      if (count <= 10) console.log(`\n   instance ${i + 1} logged: ${JSON.stringify(entry).slice(0, 400)}`);
    }
  });
  return count;
}

const alive = (server: RunningServer) =>
  fs.existsSync(`/proc/${server.pid}/stat`) && !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${server.pid}/stat`, "utf8"));

// The load --------------------------------------------------------------------------------

/**
 * The pool's threads, one report each. LoadPool shares clients out round-robin (client i to
 * thread i mod threads), so a spec list that alternates instance A, instance B puts every
 * client of A in thread 0 and every client of B in thread 1, and their receipts stay apart.
 */
async function collectPerThread(pool: LoadPool): Promise<WorkerReport[]> {
  return pool["all"]<WorkerReport>({ type: "collect" });
}

const threadCount = (pool: LoadPool): number => pool["workers"].length;

function spec(cluster: Cluster, instance: number, docName: string, extra: Partial<ClientSpec> = {}): ClientSpec {
  const server = cluster.servers[instance % cluster.servers.length]!;
  return { kind: cluster.kind, url: server.wsUrl, docName, cookie: cluster.cookie, ...extra };
}

/** How the users sit on the instances. */
type Layout = "one" | "spread" | "typers-on-a";

export const LAYOUT_NAMES: Record<Layout, string> = {
  one: "1 instance",
  spread: "2 instances, typers on both",
  "typers-on-a": "2 instances, typers on A",
};

// 1. Fan-out ------------------------------------------------------------------------------

const FAN_OUT_USERS = 100;
const FAN_OUT_TYPERS = 10;

async function fanOutOnce(settings: Settings, postgres: Postgres, kind: ServerKind, layout: Layout): Promise<Row> {
  const instances = layout === "one" ? 1 : 2;
  const seconds = settings.quick ? 4 : 10;
  const content = planContent(30, 3);
  const cluster = await startCluster(kind, instances, postgres, { id: "fan-out", content });
  try {
    const pool = settings.pool;
    // Client i is on instance i mod 2 (so in load thread i mod 2). Spread: typers are the
    // first ten, five on each instance. Typers on A: the first ten clients of instance A.
    const specs = Array.from({ length: FAN_OUT_USERS }, (_, i) => {
      const typer =
        layout === "typers-on-a" ? (i % 2 === 0 && i / 2 < FAN_OUT_TYPERS ? i / 2 : undefined) : i < FAN_OUT_TYPERS ? i : undefined;
      const extra = typer === undefined ? {} : { typer: { index: typer, section: typer, rate: 5, awareness: true } };
      return spec(cluster, i, "fan-out", extra);
    });
    // The last two users (readers, one on each instance) are probes in this thread, which
    // time every keystroke however the server packs them (bench/probe.ts).
    const probes = specs.slice(-2).map((probeSpec) => new EditProbe(probeSpec, pool));
    const connected = await pool.connect(specs.slice(0, -2));
    const probeFailures = (await Promise.allSettled(probes.map((probe) => probe.connect()))).filter((r) => r.status === "rejected").length;
    await pool.typing(true);
    await sleep(1000); // everyone has started
    await pool.reset();
    const windowStart = now();
    for (const probe of probes) probe.reset();
    const meter = clusterMeter(cluster);
    await sleep(seconds * 1000);
    const cpu = meter();
    const windowEnd = now();
    await pool.typing(false);
    await sleep(instances > 1 ? 1500 : 500); // the last updates arrive (through Redis too)
    const threads = await collectPerThread(pool);
    // Before the clients go: their sockets' abrupt ends are logged as warnings too.
    const serverWarnings = serverTrouble(cluster);
    // Before closeClients, which clears the table of send times.
    const [probeA, probeB] = probes.map((probe) => probe.delivered(windowStart, windowEnd));
    for (const probe of probes) probe.close();
    await pool.closeClients();
    const everyone = summarise(threads.flatMap((t) => Array.from(t.latencies)));
    const save = summarise(threads.flatMap((t) => Array.from(t.saveLatencies)));
    const sent = threads.reduce((n, t) => n + t.updatesSent, 0);
    const received = threads.reduce((n, t) => n + t.updatesReceived, 0) + probes.reduce((n, p) => n + p.messagesReceived, 0);
    const keystrokes = summarise(probes.flatMap((probe) => probe.latencies));
    // Receipts on the typers' instance and on the other, when the threads hold one each.
    const split = layout === "typers-on-a" && threadCount(pool) === 2;
    const local = split ? summarise(threads[0]!.latencies) : undefined;
    const cross = split ? summarise(threads[1]!.latencies) : undefined;
    const perInstance = FAN_OUT_USERS / instances;
    const deliveredPercent = (got: number, expected: number) => (expected > 0 ? round(Math.min(100, (got / expected) * 100), 1) : null);
    const stillRunning = cluster.servers.every(alive);
    return {
      server: kind,
      layout: LAYOUT_NAMES[layout],
      instances,
      users: instances === 1 ? String(FAN_OUT_USERS) : `${perInstance} + ${perInstance}`,
      typers:
        layout === "typers-on-a"
          ? `${FAN_OUT_TYPERS} on A`
          : instances === 1
            ? String(FAN_OUT_TYPERS)
            : `${FAN_OUT_TYPERS / 2} + ${FAN_OUT_TYPERS / 2}`,
      p50Ms: round(everyone.p50),
      p99Ms: round(everyone.p99),
      maxMs: round(everyone.max),
      samples: everyone.count,
      // Updates sent just before the reset were counted as received too, so this can pass 100 a little.
      deliveredPercent: deliveredPercent(received, sent * (FAN_OUT_USERS - 1)),
      keystrokeP50Ms: round(keystrokes.p50),
      keystrokeP99Ms: round(keystrokes.p99),
      keystrokesDeliveredPercent: deliveredPercent(probeA!.received + probeB!.received, probeA!.sent + probeB!.sent),
      // The probe on the second instance alone (with typers on A: every keystroke crossed Redis).
      probeBKeystrokeP99Ms: round(summarise(probes[1]!.latencies).p99),
      probeBKeystrokesDeliveredPercent: deliveredPercent(probeB!.received, probeB!.sent),
      localP50Ms: local ? round(local.p50) : null,
      localP99Ms: local ? round(local.p99) : null,
      crossP50Ms: cross ? round(cross.p50) : null,
      crossP99Ms: cross ? round(cross.p99) : null,
      // The second thread holds the second instance's users but its probe.
      crossDeliveredPercent: split ? deliveredPercent(threads[1]!.updatesReceived, sent * (perInstance - 1)) : null,
      savedAckP50Ms: save.count ? round(save.p50) : null,
      savedAckP99Ms: save.count ? round(save.p99) : null,
      ...cpu,
      serverPeakRssMb: round(Math.max(...cluster.servers.map((server) => peakRssBytes(server.pid))) / MB),
      loadThreadBusyPercent: round(Math.max(...threads.map((t) => t.busy)) * 100, 0),
      failedSockets: connected.filter((c) => c.error).length + probeFailures + threads.reduce((n, t) => n + t.closedSockets, 0),
      serversStillRunning: stillRunning,
      serverWarnings,
    };
  } finally {
    await settings.pool.closeClients();
    await cluster.stop();
  }
}

function withPostgres<T>(settings: Settings, run: (postgres: Postgres) => Promise<T[]>): Promise<T[]> {
  return (async () => {
    let postgres: Postgres;
    try {
      findRedisServer();
      postgres = await Postgres.start();
    } catch (error) {
      // Without PostgreSQL or Redis on the machine there is nothing to run: say so, go on.
      console.log(`\n   skipped: ${(error as Error).message.split("\n")[0]}`);
      return [];
    }
    try {
      return await run(postgres);
    } finally {
      await postgres.stop();
    }
  })();
}

const instanceKinds = (settings: Settings) => settings.servers.filter((kind): kind is "gotong" | "hocuspocus" => kind !== "ywebsocket");

export function instancesFanOut(settings: Settings): Promise<Row[]> {
  return withPostgres(settings, async (postgres) => {
    const rows: Row[] = [];
    const layouts: Layout[] = settings.quick ? ["one", "spread"] : ["one", "spread", "typers-on-a"];
    for (const kind of instanceKinds(settings)) {
      let one: Row | undefined;
      for (const layout of layouts) {
        const row = await fanOutOnce(settings, postgres, kind, layout);
        if (layout === "one") one = row;
        else row.p99TimesOneInstance = one && Number(one.p99Ms) > 0 ? round(Number(row.p99Ms) / Number(one.p99Ms), 2) : null;
        rows.push(row);
      }
    }
    return rows;
  });
}

// 2. Sustained writes ---------------------------------------------------------------------

type GotongHealth = { collab?: { storedUpdates?: number } };

async function storedUpdates(cluster: Cluster): Promise<number> {
  if (cluster.kind !== "gotong") return 0;
  let total = 0;
  for (const server of cluster.servers) {
    const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as GotongHealth;
    total += health.collab?.storedUpdates ?? 0;
  }
  return total;
}

/**
 * The sustained-writes scenario of bench/scenarios.ts on a cluster: 40 writers and 5
 * observers (on two instances: writers 20 + 20, observers 3 + 2, two of them probes), the
 * offered rate raised step by step; the figure is the highest achieved rate with p99 latency
 * at or under 100 ms, both over every message at every user (as in scenario 5) and over every
 * keystroke at the probes. A step over the bound is run once more before the climb ends.
 */
async function writesOnce(settings: Settings, postgres: Postgres, kind: ServerKind, instances: number): Promise<Row> {
  const writers = 40;
  const observers = 5;
  const rates = settings.quick ? [800, 3200] : [100, 200, 400, 800, 1600, 3200, 4800, 6400, 8000];
  const stepSeconds = settings.quick ? 2 : 4;
  const content = planContent(writers, 2);
  const cluster = await startCluster(kind, instances, postgres, { id: "writes", content });
  const pool = settings.pool;
  try {
    const specs = [
      ...Array.from({ length: writers }, (_, i) =>
        spec(cluster, i, "writes", { typer: { index: i, section: i, rate: 1, awareness: false, applyRemote: false } }),
      ),
      ...Array.from({ length: observers }, (_, i) => spec(cluster, writers + i, "writes")),
    ];
    // Two of the observers (one on each instance) are probes, timing every keystroke.
    const probes = specs.slice(-2).map((probeSpec) => new EditProbe(probeSpec, pool));
    const connected = await pool.connect(specs.slice(0, -2));
    const probeFailures = (await Promise.allSettled(probes.map((probe) => probe.connect()))).filter((r) => r.status === "rejected").length;
    const storedBefore = await storedUpdates(cluster);
    const steps: Row[] = [];
    let best = 0;
    let retried = false;
    for (let r = 0; r < rates.length; r += 1) {
      const rate = rates[r]!;
      await pool.typing(true, rate / writers);
      await sleep(500);
      await pool.reset();
      for (const probe of probes) probe.reset();
      const before = (await pool.collect()).updatesSent;
      const meter = clusterMeter(cluster);
      await sleep(stepSeconds * 1000);
      const cpu = meter();
      const report = await pool.collect();
      const latency = summarise(report.latencies);
      const keystrokes = summarise(probes.flatMap((probe) => probe.latencies));
      const achieved = (report.updatesSent - before) / stepSeconds;
      steps.push({
        offered: rate,
        achieved: round(achieved, 0),
        p99Ms: round(latency.p99),
        keystrokeP99Ms: round(keystrokes.p99),
        serverCpuPercent: cpu.serverCpuPercent,
        postgresCpuPercent: cpu.postgresCpuPercent,
        redisCpuPercent: cpu.redisCpuPercent,
        machineCpuPercent: cpu.machineCpuPercent,
        loadCpuPercent: cpu.loadCpuPercent,
      });
      if (report.closedSockets > 0) break;
      // Scenario 5's bound, over messages (as there) and over keystrokes: with two instances
      // a message from the other instance can carry many keystrokes, timed by its first only,
      // while those from the users' own instance come one by one; counting messages alone
      // would let the quick local ones hide the slow ones that crossed Redis.
      if (!(Math.max(latency.p99, keystrokes.p99) <= P99_BOUND_MS)) {
        // Other work on the machine can spoil one step: a step over the bound is run once
        // more (both are in the steps), and the climb ends when the second is over it too.
        if (retried) break;
        retried = true;
        r -= 1;
        continue;
      }
      retried = false;
      best = Math.max(best, achieved);
    }
    await pool.typing(false);
    const sent = (await pool.collect()).updatesSent;
    // An overloaded step leaves a backlog in the sockets: wait until storage stops growing.
    let stored = (await storedUpdates(cluster)) - storedBefore;
    for (let quiet = 0; kind === "gotong" && stored < sent && quiet < 10;) {
      await sleep(500);
      const now = (await storedUpdates(cluster)) - storedBefore;
      quiet = now === stored ? quiet + 1 : 0;
      stored = now;
    }
    const closed = (await pool.collect()).closedSockets;
    for (const probe of probes) probe.close();
    return {
      server: kind,
      layout: LAYOUT_NAMES[instances === 1 ? "one" : "spread"],
      instances,
      maxUpdatesPerSecondUnder100msP99: round(best, 0),
      updatesSent: sent,
      updatesStored: kind === "gotong" ? stored : null,
      serverPeakRssMb: round(Math.max(...cluster.servers.map((server) => peakRssBytes(server.pid))) / MB),
      failedSockets: connected.filter((c) => c.error).length + probeFailures + closed,
      serversStillRunning: cluster.servers.every(alive),
      serverWarnings: serverTrouble(cluster),
      steps: JSON.stringify(steps),
    };
  } finally {
    await pool.closeClients();
    await cluster.stop();
  }
}

export function instancesWrites(settings: Settings): Promise<Row[]> {
  return withPostgres(settings, async (postgres) => {
    const rows: Row[] = [];
    for (const kind of instanceKinds(settings)) {
      const one = await writesOnce(settings, postgres, kind, 1);
      const two = await writesOnce(settings, postgres, kind, 2);
      const base = Number(one.maxUpdatesPerSecondUnder100msP99);
      two.rateTimesOneInstance = base > 0 ? round(Number(two.maxUpdatesPerSecondUnder100msP99) / base, 2) : null;
      rows.push(one, two);
    }
    return rows;
  });
}
