// Scenario 10: start after a restart. Each server is spawned as `npm start` would run it on
// storage that is already there, and timed from spawn to its first 200 (Gotong's /healthz,
// the peers' only page); then its CPU time so far (load-independent, unlike the wall clock on
// a shared machine) and its RSS. Deployments and failover are restarts.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { planUpdateFromJSON } from "../app/editor/document.server";
import { freePort } from "../tests/helpers/ports";
import { TEST_SESSION_SECRET } from "../tests/helpers/server";
import { planContent, prepareGotongDatabase, prepareHocuspocusDatabase, type GotongPlanFixture, type History } from "./fixtures";
import type { ServerKind } from "./load/sim-client";
import { cpuSeconds, rssBytes, tempDir } from "./servers";
import type { Row, Settings } from "./scenarios";
import { sleep, summarise } from "./stats";

const MB = 1024 * 1024;
const round = (value: number, digits = 0) => Number(value.toFixed(digits));

interface StartSample {
  healthyMs: number;
  cpuMs: number;
  rssMb: number;
}

/** Spawns one server on `port`, polls `url` until it answers 200, measures, and stops it. */
async function timeStart(command: string[], env: Record<string, string>, url: string): Promise<StartSample> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, command, {
    // Only what configures the server, as a service manager starts it: not the harness's shell.
    // This machine's shell sets NODE_EXTRA_CA_CERTS, whose CA bundle every Node process reads at
    // its boot, before any of the server's code runs: ~40 ms of each start, any server.
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(" ")} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - startedAt > 60_000) throw new Error(`${command.join(" ")} not healthy after 60 s: ${stderr}`);
      const status = await fetch(url).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      // Polling is a connect refused by the kernel until it listens: cheap for the server.
      await sleep(5);
    }
    const healthyMs = performance.now() - startedAt;
    return { healthyMs, cpuMs: cpuSeconds(child.pid!) * 1000, rssMb: rssBytes(child.pid!) / MB };
  } finally {
    // SIGTERM: Gotong flushes and closes as in a deployment, so the next start finds a clean file.
    child.kill("SIGTERM");
    await exited;
  }
}

interface StartCase {
  server: ServerKind;
  database: string;
  /** Makes the storage in `dir`; undefined for a server without storage. */
  prepare?: (dir: string) => Promise<void>;
  /** Starts from fresh storage every time (prepared again before each start). */
  fresh?: boolean;
}

async function startCase(item: StartCase, runs: number): Promise<Row> {
  const dir = tempDir();
  try {
    if (!item.fresh) await item.prepare?.(dir);
    const storedBytes = item.fresh ? 0 : folderBytes(dir);
    const samples: StartSample[] = [];
    for (let run = 0; run < runs; run += 1) {
      if (item.fresh) for (const file of fs.readdirSync(dir)) fs.rmSync(path.join(dir, file), { recursive: true });
      const port = await freePort();
      if (item.server === "gotong") {
        const env = {
          PORT: String(port),
          HOST: "127.0.0.1",
          DATABASE_PATH: path.join(dir, "gotong.db"),
          SESSION_SECRET: TEST_SESSION_SECRET,
        };
        samples.push(await timeStart([path.resolve("build/server.js")], env, `http://127.0.0.1:${port}/healthz`));
      } else {
        const script = path.resolve("bench/peers", item.server === "hocuspocus" ? "hocuspocus.mjs" : "y-websocket.cjs");
        const env = { PEER_PORT: String(port), HOCUSPOCUS_DATABASE: path.join(dir, "hocuspocus.sqlite") };
        samples.push(await timeStart([script], env, `http://127.0.0.1:${port}/`));
      }
    }
    const healthy = summarise(samples.map((s) => s.healthyMs));
    const cpu = summarise(samples.map((s) => s.cpuMs));
    return {
      server: item.server,
      database: item.database,
      storedMb: round(storedBytes / MB, 1),
      runs,
      healthyP50Ms: round(healthy.p50),
      healthyMinMs: round(Math.min(...samples.map((s) => s.healthyMs))),
      healthyMaxMs: round(healthy.max),
      cpuP50Ms: round(cpu.p50),
      cpuMinMs: round(Math.min(...samples.map((s) => s.cpuMs))),
      rssMb: round(summarise(samples.map((s) => s.rssMb)).p50),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
}

/** The several plans stored beside the long histories: 100-page plans stored as one state. */
const OTHER_PLANS = 10;

export async function startAfterRestart(settings: Settings, history: History): Promise<Row[]> {
  const runs = settings.quick ? 3 : 7;
  const largePlans: GotongPlanFixture[] = [
    { id: "long-uncompacted", history, compact: false },
    { id: "long-compacted", history, compact: true },
    ...Array.from({ length: OTHER_PLANS }, (_, i) => ({ id: `plan-${i}`, content: planContent(100, 6) })),
  ];
  const largeLabel = `2 plans of ${history.updates.length.toLocaleString("en")} updates (one compacted) and ${OTHER_PLANS} 100-page plans`;
  const cases: StartCase[] = [];
  for (const server of settings.servers) {
    if (server === "gotong") {
      cases.push(
        { server, database: "migrated, demo plan only", prepare: (dir) => prepareGotongDatabase(dir, []) },
        { server, database: largeLabel, prepare: (dir) => prepareGotongDatabase(dir, largePlans) },
        // A first start: migrations and the demo seed run before the first answer.
        { server, database: "first start: new file", fresh: true },
      );
    } else if (server === "hocuspocus") {
      cases.push(
        { server, database: "its table, no documents", prepare: (dir) => prepareHocuspocusDatabase(dir, {}) },
        {
          server,
          database: `the same ${2 + OTHER_PLANS} documents as one state each`,
          prepare: (dir) => prepareHocuspocusDatabase(dir, hocuspocusDocuments(history)),
        },
        { server, database: "first start: new file", fresh: true },
      );
    } else {
      cases.push({ server, database: "none: in memory" });
    }
  }
  const rows: Row[] = [];
  for (const item of cases) rows.push(await startCase(item, runs));
  return rows;
}

function hocuspocusDocuments(history: History): Record<string, Uint8Array> {
  const plan = planUpdateFromJSON(planContent(100, 6));
  const others = Array.from({ length: OTHER_PLANS }, (_, i) => [`plan-${i}`, plan]);
  return { "long-uncompacted": history.state, "long-compacted": history.state, ...Object.fromEntries(others) };
}
