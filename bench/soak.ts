// `npm run soak [-- --minutes=30 --writers=50]`: Gotong under steady typing for a long time.
// Every 30 s it samples the server's RSS, open file descriptors and the p99 latency of that
// window, and at the end compares the last third with the first: memory, handles and
// response time must stay flat. Prints a table; exits 1 if something grew.
import fs from "node:fs";
import { planContent, prepareGotongDatabase } from "./fixtures";
import { LoadPool } from "./load/pool";
import type { ClientSpec } from "./load/sim-client";
import { rssBytes, startBenchServer, tempDir } from "./servers";
import { sleep, summarise } from "./stats";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const minutes = arg("minutes", 30);
const writers = arg("writers", 50);
const SAMPLE_MS = Math.min(30_000, (minutes * 60_000) / 6);

interface Sample {
  atSeconds: number;
  rssMb: number;
  openFds: number;
  p99Ms: number;
  updates: number;
}

async function main() {
  const dir = tempDir();
  await prepareGotongDatabase(dir, [{ id: "soak", content: planContent(writers, 2) }]);
  const server = await startBenchServer("gotong", dir);
  const pool = new LoadPool();
  const samples: Sample[] = [];
  try {
    const specs: ClientSpec[] = Array.from({ length: writers }, (_, i) => ({
      kind: "gotong",
      url: server.wsUrl,
      docName: "soak",
      cookie: server.cookie,
      typer: { index: i, section: i, rate: 5, awareness: true },
    }));
    const connected = await pool.connect(specs);
    if (connected.some((c) => c.error)) throw new Error("not every writer connected");
    await pool.typing(true);
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < minutes * 60_000) {
      await pool.reset();
      await sleep(SAMPLE_MS);
      const report = await pool.collect();
      samples.push({
        atSeconds: Math.round((Date.now() - started) / 1000),
        rssMb: Number((rssBytes(server.pid) / 1024 ** 2).toFixed(1)),
        openFds: fs.readdirSync(`/proc/${server.pid}/fd`).length,
        p99Ms: Number(summarise(report.latencies).p99.toFixed(1)),
        updates: report.updatesSent - sent,
      });
      sent = report.updatesSent;
      console.log(JSON.stringify(samples.at(-1)));
      if (report.closedSockets > 0) throw new Error(`${report.closedSockets} writers lost their socket`);
    }
    await pool.typing(false);
  } finally {
    await pool.terminate();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Flat means: the last third is within 25% (and a small absolute margin) of the first.
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const grew = (key: keyof Sample, margin: number) => {
    const first = mean(samples.slice(0, third).map((s) => s[key]));
    const last = mean(samples.slice(-third).map((s) => s[key]));
    return { first: Number(first.toFixed(1)), last: Number(last.toFixed(1)), grew: last > first * 1.25 + margin };
  };
  const verdict = { rssMb: grew("rssMb", 20), openFds: grew("openFds", 5), p99Ms: grew("p99Ms", 5) };
  console.log(`soak: ${minutes} min, ${writers} writers typing 5 keys/s with cursors`);
  console.table(samples);
  console.table(verdict);
  if (Object.values(verdict).some((v) => v.grew)) {
    console.error("soak: something grew");
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
