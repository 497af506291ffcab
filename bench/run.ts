// `npm run bench [-- --quick] [-- --only=fan-out,cold-open]`: every scenario against every
// server in one run, written to docs/benchmarks.md and docs/benchmarks.json. `--only=instances`
// runs the several-instance scenarios (9, 9b: bench/instances.ts) and prints their tables.
import { execFileSync, execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findPostgresBin } from "../tests/helpers/postgres";
import { findRedisServer } from "../tests/helpers/redis";
import { appPage } from "./app-scenario";
import { compareBench } from "./compare";
import { docxExportBench } from "./docx-export";
import { instancesFanOut, instancesWrites } from "./instances";
import { buildHistory } from "./fixtures";
import { LoadPool } from "./load/pool";
import type { ServerKind } from "./load/sim-client";
import { startAfterRestart } from "./start";
import { scenarioMarkdown, writeReport, type ScenarioResult } from "./report";
import { storeOfLongHistory } from "./store";
import { coldOpen, docHeap, fanOut, fanOutSuggesting, joinStorm, manyPlans, sustainedWrites, type Row, type Settings } from "./scenarios";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
// --servers=, --users= and --typists= (the app scenario) narrow a run for profiling; like --only,
// they leave the docs alone.
const option = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(",");
const servers = (option("servers") ?? ["gotong", "hocuspocus", "ywebsocket"]) as ServerKind[];
const fanOutUsers = option("users")?.map(Number) ?? (quick ? [100] : [10, 50, 100, 250]);

function packageVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
}

function serviceVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  const read = (name: string, version: () => string | undefined) => {
    try {
      versions[name] = version() ?? "unknown";
    } catch {
      // Not installed: the several-instance scenarios are skipped.
    }
  };
  read(
    "PostgreSQL",
    () => /\d+\.\d+/.exec(execFileSync(path.join(findPostgresBin(), "postgres"), ["--version"], { encoding: "utf8" }))?.[0],
  );
  read("Redis", () => /v=(\S+)/.exec(execFileSync(findRedisServer(), ["--version"], { encoding: "utf8" }))?.[1]);
  return versions;
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? "unknown";
  return {
    cores: os.availableParallelism(),
    cpu,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    commit: (() => {
      try {
        return execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
      } catch {
        return "unknown";
      }
    })(),
    packages: Object.fromEntries(
      [
        "yjs",
        "y-protocols",
        "ws",
        "sqlite3",
        "kysely",
        "pg",
        "ioredis",
        "@hocuspocus/server",
        "@hocuspocus/extension-sqlite",
        "@hocuspocus/extension-redis",
        "y-websocket-v2",
      ].map((name) => [name === "y-websocket-v2" ? "y-websocket (peer)" : name, packageVersion(name)]),
    ),
    // The several-instance scenarios' PostgreSQL and Redis, when the machine has them.
    services: serviceVersions(),
  };
}

async function main() {
  const startedAt = Date.now();
  const pool = new LoadPool();
  const settings: Settings = { quick, servers, pool };
  // `--only=instances` runs both several-instance scenarios.
  const wanted = (name: string) => !only || only.includes(name) || (name.startsWith("instances-") && only.includes("instances"));
  const results: ScenarioResult[] = [];
  const run = async (name: string, title: string, produce: () => Promise<Row[]>) => {
    if (!wanted(name)) return;
    const t0 = Date.now();
    process.stdout.write(`${title}… `);
    const rows = await produce();
    if (rows.length > 0) results.push({ name, title, rows });
    console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s`);
    for (const row of rows) console.log("  ", JSON.stringify(row));
  };

  const history = buildHistory({ updates: 100_000, authors: 20, sections: 100, paragraphs: 6 });
  try {
    await run("fan-out", "1. Fan-out latency", async () => {
      const rows: Row[] = [];
      for (const users of fanOutUsers) rows.push(...(await fanOut(settings, users)));
      return rows;
    });
    await run("fan-out-suggesting", "1c. Fan-out while partners suggest", async () => {
      const rows: Row[] = [];
      for (const users of quick ? [100] : [100, 250]) rows.push(...(await fanOutSuggesting(settings, users)));
      return rows;
    });
    await run("many-plans", "2. Many plans", () => manyPlans(settings));
    await run("cold-open", "3. Cold open of a long history", () => coldOpen(settings, history));
    await run("doc-heap", "3b. What an open plan holds in memory", async () => [docHeap(history)]);
    await run("join-storm", "4. Join storm", () => joinStorm(settings, history));
    await run("writes", "5. Sustained writes", () => sustainedWrites(settings));
    await run("app", "6. The app in Chromium", async () => [
      ...(await appPage(pool, history, quick)),
      ...(await appPage(pool, history, quick, true)),
    ]);
    await run("compare", "7. Compare two versions", async () => [compareBench({ quick })]);
    await run("docx-export", "8. DOCX export", async () => [await docxExportBench({ quick })]);
    await run("start", "10. Start after a restart", () => startAfterRestart(settings, history));
    await run("instances-fan-out", "9. Several instances: fan-out latency", () => instancesFanOut(settings));
    await run("instances-writes", "9b. Several instances: sustained writes", () => instancesWrites(settings));
    await run("store", "11. Store of a long history", () => storeOfLongHistory(servers));
  } finally {
    await pool.terminate();
  }
  const report = {
    quick,
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    startedAt: new Date(startedAt).toISOString(),
    seconds: Math.round((Date.now() - startedAt) / 1000),
    machine: machine(),
    results,
  };
  if (only || option("servers") || option("users") || option("typists")) {
    // The tables as the full run would write them, to paste into docs/benchmarks.md by hand.
    for (const result of results) console.log(`\n${scenarioMarkdown(result)}`);
    console.log("a narrowed run: docs/benchmarks.md is left as it was.");
    return;
  }
  writeReport(report);
  console.log(`wrote docs/benchmarks.md and docs/benchmarks.json in ${report.seconds} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
