// The scenarios of docs/benchmarks.md. Each starts a fresh server process per measurement,
// prepares its storage, drives it with the load pool, and returns plain rows for the report.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { planUpdateFromJSON } from "../app/editor/document.server";
import { DEMO } from "../tests/helpers/server";
import { demoUserId, planContent, prepareGotongDatabase, prepareHocuspocusDatabase, type History } from "./fixtures";
import type { LoadPool } from "./load/pool";
import type { ClientSpec, ServerKind } from "./load/sim-client";
import { cpuSeconds, peakRssBytes, resetPeakRss, rssBytes, startBenchServer, tempDir, writeCalls, type RunningServer } from "./servers";
import { sleep, summarise } from "./stats";

export type Row = Record<string, string | number | boolean | null>;

export interface Settings {
  quick: boolean;
  servers: ServerKind[];
  pool: LoadPool;
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

/**
 * A server started on fresh storage, measured from start to stop, and always stopped. Its peak
 * RSS is of the scenario: the high-water mark of its start (and, for Gotong, of the two
 * sign-ins the harness makes, 16 MB of scrypt each) is reported apart, and reset before the run.
 */
async function withServer<T>(
  kind: ServerKind,
  prepare: (dir: string) => Promise<void>,
  run: (server: RunningServer, dir: string) => Promise<T>,
  gotongEnv: Record<string, string> = {},
): Promise<T & { serverPeakRssMb: number | null; serverStartPeakRssMb: number | null }> {
  const dir = tempDir();
  try {
    await prepare(dir);
    const server = await startBenchServer(kind, dir, gotongEnv);
    try {
      const startPeak = peakRssBytes(server.pid);
      resetPeakRss(server.pid);
      const result = await run(server, dir);
      return { ...result, serverPeakRssMb: round(peakRssBytes(server.pid) / MB), serverStartPeakRssMb: round(startPeak / MB) };
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU of the server and of the harness (the load threads) over a stretch of wall time. */
function cpuMeter(server: RunningServer) {
  const startedAt = performance.now();
  const serverStart = cpuSeconds(server.pid);
  const loadStart = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const load = process.cpuUsage(loadStart);
    return {
      serverCpuPercent: round(((cpuSeconds(server.pid) - serverStart) / seconds) * 100, 0),
      loadCpuPercent: round(((load.user + load.system) / 1e6 / seconds) * 100, 0),
    };
  };
}

/** The server's CPU seconds and write system calls over a stretch: divided by the updates
 * received, they depend far less on what else the machine runs than the percentage does. */
function serverCostMeter(server: RunningServer) {
  const cpuStart = cpuSeconds(server.pid);
  const writesStart = writeCalls(server.pid);
  return () => ({ cpuSeconds: cpuSeconds(server.pid) - cpuStart, writeCalls: writeCalls(server.pid) - writesStart });
}

function clientSpec(server: RunningServer, docName: string, extra: Partial<ClientSpec> = {}): ClientSpec {
  return { kind: server.kind, url: server.wsUrl, docName, cookie: server.cookie, ...extra };
}

/**
 * Puts a plan's first content on a server: Gotong has it stored already; a peer gets it from
 * a first client, which stays connected (so the peer keeps the document in memory).
 */
async function seedPeer(pool: LoadPool, server: RunningServer, docName: string, content: Uint8Array): Promise<void> {
  if (server.kind === "gotong") return;
  const [result] = await pool.connect([clientSpec(server, docName, { seed: content })]);
  if (result?.error) throw new Error(`seeding ${docName} on ${server.kind} failed: ${result.error}`);
  await sleep(300);
}

function failures(results: { error?: string }[]): number {
  return results.filter((r) => r.error).length;
}

/** Typing for `seconds`, then what everyone received: latencies, deliveries, CPU. */
async function measureTyping(pool: LoadPool, server: RunningServer, seconds: number, receiversPerUpdate: number) {
  await pool.typing(true);
  await sleep(1000); // everyone has started
  await pool.reset();
  const meter = cpuMeter(server);
  const costMeter = serverCostMeter(server);
  await sleep(seconds * 1000);
  const cpu = meter();
  const cost = costMeter();
  await pool.typing(false);
  await sleep(500); // the last updates arrive
  const report = await pool.collect();
  const latency = summarise(report.latencies);
  const save = summarise(report.saveLatencies);
  const expected = report.updatesSent * receiversPerUpdate;
  const perReceipt = (value: number) => (report.updatesReceived > 0 ? value / report.updatesReceived : NaN);
  return {
    p50Ms: round(latency.p50),
    p99Ms: round(latency.p99),
    maxMs: round(latency.max),
    samples: latency.count,
    // Updates sent before the reset were measured as delivered too, so this can pass 100 a little.
    deliveredPercent: expected > 0 ? round(Math.min(100, (report.updatesReceived / expected) * 100), 1) : null,
    savedAckP50Ms: save.count ? round(save.p50) : null,
    savedAckP99Ms: save.count ? round(save.p99) : null,
    ...cpu,
    serverCpuUsPerReceipt: round(perReceipt(cost.cpuSeconds) * 1e6),
    serverWritesPerReceipt: round(perReceipt(cost.writeCalls), 2),
    loadThreadBusyPercent: round(report.maxWorkerBusy * 100, 0),
    closedSockets: report.closedSockets,
  };
}

// 1. Fan-out ------------------------------------------------------------------------------

export async function fanOut(settings: Settings, users: number): Promise<Row[]> {
  const content = planContent(30, 3);
  const seconds = settings.quick ? 4 : 10;
  const rows: Row[] = [];
  for (const kind of settings.servers) {
    const result = await withServer(
      kind,
      (dir) => (kind === "gotong" ? prepareGotongDatabase(dir, [{ id: "fan-out", content }]) : Promise.resolve()),
      async (server) => {
        await seedPeer(settings.pool, server, "fan-out", planUpdateFromJSON(content));
        const typers = Math.max(1, Math.round(users * 0.1));
        const seeded = server.kind === "gotong" ? 0 : 1;
        const specs = Array.from({ length: users - seeded }, (_, i) =>
          clientSpec(server, "fan-out", i < typers ? { typer: { index: i, section: i, rate: 5, awareness: true } } : {}),
        );
        const connected = await settings.pool.connect(specs);
        const measured = await measureTyping(settings.pool, server, seconds, users - 1);
        await settings.pool.closeClients();
        return { ...measured, connectFailures: failures(connected) };
      },
    );
    rows.push({ server: kind, users, ...result });
  }
  return rows;
}

// 1c. Fan-out while partners suggest ---------------------------------------------------------

/**
 * Fan-out on the 100-page plan with an open suggestion in every paragraph, its typers partners
 * who may only suggest: each of their keystrokes is a suggestion, which Gotong proves on its
 * copy of the plan before applying it (server/collab/suggestion-gate.ts). The peers relay the
 * same updates unchecked.
 */
export async function fanOutSuggesting(settings: Settings, users: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of settings.servers) {
    let authorId = 1;
    const result = await withServer(
      kind,
      async (dir) => {
        if (kind !== "gotong") return;
        await prepareGotongDatabase(dir, [{ id: "suggesting", content: planContent(100, 6, { suggestionsBy: 1 }) }]);
        authorId = await demoUserId(dir, DEMO.commenter);
      },
      async (server) => {
        const content = planContent(100, 6, { suggestionsBy: authorId });
        await seedPeer(settings.pool, server, "suggesting", planUpdateFromJSON(content));
        const typers = Math.max(1, Math.round(users * 0.1));
        const seeded = server.kind === "gotong" ? 0 : 1;
        const specs = Array.from({ length: users - seeded }, (_, i) =>
          i < typers
            ? clientSpec(server, "suggesting", {
                cookie: server.commenterCookie,
                typer: { index: i, section: i * 7, rate: 5, awareness: true, suggestAs: authorId },
              })
            : clientSpec(server, "suggesting"),
        );
        const connected = await settings.pool.connect(specs);
        const measured = await measureTyping(settings.pool, server, settings.quick ? 4 : 10, users - 1);
        await settings.pool.closeClients();
        return { ...measured, connectFailures: failures(connected) };
      },
    );
    rows.push({ server: kind, users, ...result });
  }
  return rows;
}

// 2. Many plans ---------------------------------------------------------------------------

export async function manyPlans(settings: Settings): Promise<Row[]> {
  const planCount = settings.quick ? 50 : 200;
  const usersPerPlan = 5;
  const content = planContent(10, 3);
  const contentUpdate = planUpdateFromJSON(content);
  const seconds = settings.quick ? 4 : 10;
  const ids = Array.from({ length: planCount }, (_, i) => `many-${i}`);
  const rows: Row[] = [];
  for (const kind of settings.servers) {
    const result = await withServer(
      kind,
      (dir) =>
        kind === "gotong"
          ? prepareGotongDatabase(
              dir,
              ids.map((id) => ({ id, content })),
            )
          : Promise.resolve(),
      async (server) => {
        await sleep(500);
        const idleRss = rssBytes(server.pid);
        if (server.kind !== "gotong") {
          await settings.pool.connect(ids.map((id) => clientSpec(server, id, { seed: contentUpdate })));
          await sleep(500);
        }
        // 10% of users type: one in every second plan.
        const specs: ClientSpec[] = [];
        let typer = 0;
        ids.forEach((id, p) => {
          const count = server.kind === "gotong" ? usersPerPlan : usersPerPlan - 1;
          for (let u = 0; u < count; u += 1) {
            const types = u === 0 && p % 2 === 0;
            specs.push(clientSpec(server, id, types ? { typer: { index: typer++, section: 0, rate: 5, awareness: true } } : {}));
          }
        });
        const connected = await settings.pool.connect(specs);
        const measured = await measureTyping(settings.pool, server, seconds, usersPerPlan - 1);
        const openRss = rssBytes(server.pid);
        await settings.pool.closeClients();
        return {
          plans: planCount,
          ...measured,
          rssPerOpenPlanKb: round((openRss - idleRss) / planCount / 1024, 0),
          connectFailures: failures(connected),
        };
      },
    );
    rows.push({ server: kind, ...result });
  }
  return rows;
}

// 3. Cold open ----------------------------------------------------------------------------

/** Gotong's COLLAB_HIBERNATE_AFTER_MS in the cold-open run (60 s in production), so that
 * "idle again" is reached within the run. */
const HIBERNATE_AFTER_MS = 2000;

type GotongStats = { openPlans?: number; documentsInMemory?: number; storedUpdates?: number };

/** Gotong's collaboration counters from /healthz; peers have none. */
async function gotongStats(server: RunningServer): Promise<GotongStats | undefined> {
  if (server.kind !== "gotong") return undefined;
  const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as { collab?: GotongStats };
  return health.collab;
}

/** Gotong's storage variants for a long history: as left after compaction, and a raw log. */
type ColdVariant = { kind: ServerKind; label: string; compact?: boolean };

export async function coldOpen(settings: Settings, history: History): Promise<Row[]> {
  const followers = settings.quick ? 9 : 49;
  const variants: ColdVariant[] = [];
  for (const kind of settings.servers) {
    if (kind === "gotong") {
      variants.push({ kind, label: "compacted log", compact: true }, { kind, label: "uncompacted log", compact: false });
    } else if (kind === "hocuspocus") variants.push({ kind, label: "one stored state" });
  }
  const rows: Row[] = [];
  for (const variant of variants) {
    const result = await withServer(
      variant.kind,
      (dir) =>
        variant.kind === "gotong"
          ? prepareGotongDatabase(dir, [{ id: "long-history", history, compact: variant.compact }])
          : prepareHocuspocusDatabase(dir, { "long-history": history.state }),
      async (server) => {
        await sleep(300);
        const idleRss = rssBytes(server.pid);
        const [first] = await settings.pool.connect([clientSpec(server, "long-history")]);
        if (!first || first.error) throw new Error(`cold open failed on ${variant.kind}: ${first?.error}`);
        const joinTimes: number[] = [];
        for (let i = 0; i < followers; i += 1) {
          const [joined] = await settings.pool.connect([clientSpec(server, "long-history")]);
          joinTimes.push(joined && !joined.error ? joined.syncedAt - joined.connectStartedAt : NaN);
        }
        await sleep(1000);
        const openRss = rssBytes(server.pid);
        // Someone edits: the server builds the document. Then everyone stays, idle.
        await settings.pool.connect([clientSpec(server, "long-history", { typer: { index: 0, section: 0, rate: 10, awareness: false } })]);
        await settings.pool.typing(true);
        await sleep(500);
        await settings.pool.typing(false);
        await sleep(500);
        const editedRss = rssBytes(server.pid);
        await sleep(HIBERNATE_AFTER_MS + 1500);
        const idleAgainRss = rssBytes(server.pid);
        const inMemory = await gotongStats(server);
        await settings.pool.closeClients();
        await sleep(1500);
        const afterLeaveRss = rssBytes(server.pid);
        const health = await gotongStats(server);
        return {
          firstSyncMs: round(first.syncedAt - first.connectStartedAt),
          lastJoinerSyncMs: round(joinTimes[joinTimes.length - 1]!),
          joinerMedianMs: round(summarise(joinTimes).p50),
          clients: followers + 1,
          syncedBytes: first.step2Bytes,
          openPlanRssMb: round((openRss - idleRss) / MB),
          editedPlanRssMb: round((editedRss - idleRss) / MB),
          idleAgainRssMb: round((idleAgainRss - idleRss) / MB),
          documentsInMemoryWhenIdle: inMemory?.documentsInMemory ?? null,
          afterLeaveRssMb: round((afterLeaveRss - idleRss) / MB),
          openPlansAfterLeave: health?.openPlans ?? null,
        };
      },
      { COLLAB_HIBERNATE_AFTER_MS: String(HIBERNATE_AFTER_MS) },
    );
    rows.push({ server: variant.kind, storage: variant.label, updates: history.updates.length, ...result });
  }
  return rows;
}

/** The heap a Y.Doc of this state takes, measured in a fresh Node with --expose-gc. */
export function docHeap(history: History): Row {
  const dir = tempDir();
  try {
    const file = `${dir}/state.bin`;
    fs.writeFileSync(file, history.state);
    const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/doc-heap.ts", file], { encoding: "utf8" });
    const { encodedBytes, docHeapBytes } = JSON.parse(output) as { encodedBytes: number; docHeapBytes: number };
    return {
      server: "gotong",
      encodedMb: round(encodedBytes / MB, 2),
      docHeapMb: round(docHeapBytes / MB),
      docTimesEncoded: round(docHeapBytes / encodedBytes),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// 4. Join storm ---------------------------------------------------------------------------

export async function joinStorm(settings: Settings, history: History): Promise<Row[]> {
  const clients = settings.quick ? 100 : 200;
  const rows: Row[] = [];
  for (const kind of settings.servers) {
    const result = await withServer(
      kind,
      (dir) =>
        kind === "gotong"
          ? prepareGotongDatabase(dir, [{ id: "storm", history, compact: true }])
          : kind === "hocuspocus"
            ? prepareHocuspocusDatabase(dir, { storm: history.state })
            : Promise.resolve(),
      async (server) => {
        // One person is on the plan already (and, for the in-memory peer, brought its text).
        const [first] = await settings.pool.connect([
          clientSpec(server, "storm", server.kind === "ywebsocket" ? { seed: history.state } : {}),
        ]);
        if (!first || first.error) throw new Error(`storm: first client failed on ${kind}: ${first?.error}`);
        await sleep(1000);
        const meter = cpuMeter(server);
        const results = await settings.pool.connect(
          Array.from({ length: clients }, () => clientSpec(server, "storm")),
          1000,
        );
        const cpu = meter();
        const synced = results.filter((r) => !r.error && r.syncedAt > 0);
        const started = Math.min(...results.map((r) => r.connectStartedAt));
        const sizes = new Set(synced.map((r) => r.step2Bytes));
        const perClient = summarise(synced.map((r) => r.syncedAt - r.connectStartedAt));
        await settings.pool.closeClients();
        return {
          clients,
          allSyncedMs: round(Math.max(...synced.map((r) => r.syncedAt)) - started),
          perClientP50Ms: round(perClient.p50),
          perClientP99Ms: round(perClient.p99),
          synced: synced.length,
          // Every client must have received the whole document: the same number of bytes.
          sameFullState: sizes.size === 1 && [...sizes][0]! > history.state.byteLength / 2,
          serverCpuPercent: cpu.serverCpuPercent,
        };
      },
    );
    rows.push({ server: kind, ...result });
  }
  return rows;
}

// 5. Sustained writes ---------------------------------------------------------------------

export async function sustainedWrites(settings: Settings): Promise<Row[]> {
  // 40 writers keep each socket under Gotong's per-socket message limit at the top rate.
  const writers = 40;
  const observers = 5;
  const rates = settings.quick ? [800, 3200] : [100, 200, 400, 800, 1600, 3200, 4800, 6400, 8000];
  const stepSeconds = settings.quick ? 2 : 4;
  const content = planContent(writers, 2);
  const rows: Row[] = [];
  for (const kind of settings.servers) {
    const result = await withServer(
      kind,
      (dir) => (kind === "gotong" ? prepareGotongDatabase(dir, [{ id: "writes", content }]) : Promise.resolve()),
      async (server) => {
        await seedPeer(settings.pool, server, "writes", planUpdateFromJSON(content));
        const specs = [
          ...Array.from({ length: writers }, (_, i) =>
            clientSpec(server, "writes", { typer: { index: i, section: i, rate: 1, awareness: false, applyRemote: false } }),
          ),
          ...Array.from({ length: observers }, () => clientSpec(server, "writes")),
        ];
        await settings.pool.connect(specs);
        const healthBefore = await storedUpdates(server);
        const steps: Row[] = [];
        let best = 0;
        for (const rate of rates) {
          await settings.pool.typing(true, rate / writers);
          await sleep(500);
          await settings.pool.reset();
          const before = (await settings.pool.collect()).updatesSent;
          const meter = cpuMeter(server);
          await sleep(stepSeconds * 1000);
          const cpu = meter();
          const report = await settings.pool.collect();
          const latency = summarise(report.latencies);
          const achieved = (report.updatesSent - before) / stepSeconds;
          steps.push({ offered: rate, achieved: round(achieved, 0), p99Ms: round(latency.p99), ...cpu });
          if (latency.p99 > 100 || report.closedSockets > 0) break;
          best = Math.max(best, achieved);
        }
        await settings.pool.typing(false);
        const sent = (await settings.pool.collect()).updatesSent;
        // An overloaded step leaves a backlog in the sockets: wait until storage stops growing.
        let stored = (await storedUpdates(server)) - healthBefore;
        for (let quiet = 0; server.kind === "gotong" && stored < sent && quiet < 10;) {
          await sleep(500);
          const now = (await storedUpdates(server)) - healthBefore;
          quiet = now === stored ? quiet + 1 : 0;
          stored = now;
        }
        await settings.pool.closeClients();
        return {
          maxUpdatesPerSecondUnder100msP99: round(best, 0),
          updatesSent: sent,
          updatesStored: server.kind === "gotong" ? stored : null,
          steps: JSON.stringify(steps),
        };
      },
    );
    rows.push({ server: kind, ...result });
  }
  return rows;
}

async function storedUpdates(server: RunningServer): Promise<number> {
  return (await gotongStats(server))?.storedUpdates ?? 0;
}
