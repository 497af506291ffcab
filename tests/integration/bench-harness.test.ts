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
