// The benchmark's load generator against real servers: it must see every update, measure a
// latency for each, and speak both framings (Gotong/y-websocket and Hocuspocus). A broken
// harness would publish numbers that mean nothing, so it is tested like the product.
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { planUpdateFromJSON } from "../../app/editor/document.server";
import { planContent } from "../../bench/fixtures";
import { LoadPool } from "../../bench/load/pool";
import { updateOrigin, type ClientSpec } from "../../bench/load/sim-client";
import { startBenchServer, tempDir, type RunningServer } from "../../bench/servers";
import { authorRuns, traceLines, TraceTyping, TRACE_PLAN_CONTENT, type Patch } from "../../bench/trace";
import { signIn, startServer, DEMO } from "../helpers/server";

const pool = new LoadPool(1);
afterAll(() => pool.terminate());

async function typeAndCollect(specs: ClientSpec[], seed?: ClientSpec) {
  if (seed) expect((await pool.connect([seed]))[0]!.error).toBeUndefined();
  const connected = await pool.connect(specs);
  expect(connected.filter((c) => c.error)).toEqual([]);
  await pool.typing(true);
  await new Promise((r) => setTimeout(r, 1500));
  await pool.typing(false);
  await new Promise((r) => setTimeout(r, 300));
  const report = await pool.collect();
  await pool.closeClients();
  return report;
}

it("reads who sent an update and which edit it is", () => {
  const doc = new Y.Doc();
  doc.clientID = 1_000_007;
  doc.getText("t").insert(0, "ab");
  let update: Uint8Array | undefined;
  doc.on("update", (u: Uint8Array) => (update = u));
  doc.getText("t").insert(2, "c");
  expect(updateOrigin(update!)).toEqual({ client: 1_000_007, clock: 2 });
});

describe("simulated users", () => {
  it("measure every typed update at every other user on Gotong, and hear its Saved", async () => {
    const server = await startServer();
    try {
      const cookie = await signIn(server.url, DEMO.editor);
      const spec = (typer?: ClientSpec["typer"]): ClientSpec => ({
        kind: "gotong",
        url: server.wsUrl,
        docName: DEMO.planId,
        cookie,
        typer,
      });
      const report = await typeAndCollect([spec({ index: 0, section: 0, rate: 10, awareness: true }), spec(), spec()]);
      expect(report.updatesSent).toBeGreaterThan(5);
      expect(report.updatesReceived).toBe(report.updatesSent * 2);
      expect(report.latencies.length).toBeGreaterThan(0);
      expect(report.saveLatencies.length).toBeGreaterThan(0);
      expect(report.closedSockets).toBe(0);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });

  it("speak Hocuspocus's framing", async () => {
    let server: RunningServer | undefined;
    const dir = tempDir();
    try {
      server = await startBenchServer("hocuspocus", dir);
      const spec = (extra: Partial<ClientSpec> = {}): ClientSpec => ({ kind: "hocuspocus", url: server!.wsUrl, docName: "plan", ...extra });
      const report = await typeAndCollect(
        [spec({ typer: { index: 0, section: 0, rate: 10, awareness: true } }), spec()],
        spec({ seed: planUpdateFromJSON(planContent(2, 2)) }),
      );
      expect(report.updatesSent).toBeGreaterThan(5);
      // The seeding user and the reader both receive each typed update; the typer's own
      // come back to it from Hocuspocus and are not counted.
      expect(report.latencies.length).toBe(report.updatesSent * 2);
    } finally {
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the editing trace of scenario 11 (bench/trace.ts)", () => {
  it("lays the text out as paragraphs: a typed newline splits one, a deleted one joins two", () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, planUpdateFromJSON(TRACE_PLAN_CONTENT));
    const typing = new TraceTyping(doc);
    const patches: Patch[] = [
      [0, 0, "abcdef"],
      [3, 0, "\n"],
      [0, 0, "\n"],
      [8, 0, "\nxy\nz"],
      [1, 1, ""],
      [3, 1, ""],
      [4, 2, "Q"],
    ];
    let expected = "";
    for (const patch of patches) {
      typing.apply(patch);
      expected = expected.slice(0, patch[0]) + patch[2] + expected.slice(patch[0] + patch[1]);
      expect(traceLines(doc)).toBe(expected);
    }
    const section = doc.getXmlFragment("default").get(0) as Y.XmlElement;
    expect(section.length - 1).toBe(expected.split("\n").length);
  });

  it("gives each of 20 authors turns of 100 to 500 keystrokes, never two turns in a row", () => {
    const runs = authorRuns(259_778, 20);
    expect(runs[0]!.start).toBe(0);
    expect(runs.at(-1)!.end).toBe(259_778);
    for (const [i, run] of runs.entries()) {
      if (i > 0) expect([run.start, run.author === runs[i - 1]!.author]).toEqual([runs[i - 1]!.end, false]);
      if (i < runs.length - 1) expect(run.end - run.start).toBeGreaterThanOrEqual(100);
      expect(run.end - run.start).toBeLessThanOrEqual(500);
    }
    expect(new Set(runs.map((run) => run.author)).size).toBe(20);
  });
});
