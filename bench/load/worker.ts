// A load-generator thread: runs its share of the simulated users and reports what they saw.
// Several of these run beside the harness, so generating load is not what gets measured.
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { now, SimClient, type ClientSpec, type Recorder } from "./sim-client";

export type WorkerCommand =
  | { type: "connect"; specs: ClientSpec[]; spreadMs: number }
  | { type: "typing"; on: boolean; rate?: number }
  | { type: "reset" }
  | { type: "collect" }
  | { type: "close" };

export interface ConnectResult {
  connectStartedAt: number;
  syncedAt: number;
  step2Bytes: number;
  error?: string;
}

export interface WorkerReport {
  latencies: Float64Array;
  saveLatencies: Float64Array;
  updatesSent: number;
  updatesReceived: number;
  closedSockets: number;
  /** Share of the time this thread was busy (0..1): near 1 means the load generator lags. */
  busy: number;
}

const { sendTimes } = workerData as { sendTimes: SharedArrayBuffer };
let latencies: number[] = [];
let saveLatencies: number[] = [];
const recorder: Recorder = {
  now,
  sendTimes: new Float64Array(sendTimes),
  latency: (ms) => latencies.push(ms),
  saveLatency: (ms) => saveLatencies.push(ms),
};
let clients: SimClient[] = [];
let eluStart = performance.eventLoopUtilization();

async function connectAll(specs: ClientSpec[], spreadMs: number): Promise<ConnectResult[]> {
  const started = specs.map(async (spec, i) => {
    if (spreadMs > 0) await new Promise((r) => setTimeout(r, (spreadMs * i) / specs.length));
    const client = new SimClient(spec, recorder);
    clients.push(client);
    try {
      await client.connect();
      return { connectStartedAt: client.connectStartedAt, syncedAt: client.syncedAt, step2Bytes: client.step2Bytes };
    } catch (error) {
      return { connectStartedAt: client.connectStartedAt, syncedAt: 0, step2Bytes: 0, error: String(error) };
    }
  });
  return Promise.all(started);
}

parentPort!.on("message", (command: WorkerCommand) => {
  void (async () => {
    switch (command.type) {
      case "connect":
        parentPort!.postMessage(await connectAll(command.specs, command.spreadMs));
        return;
      case "typing":
        for (const client of clients) {
          if (command.on) client.startTyping(command.rate);
          else client.stopTyping();
        }
        parentPort!.postMessage("ok");
        return;
      case "reset":
        latencies = [];
        saveLatencies = [];
        eluStart = performance.eventLoopUtilization();
        parentPort!.postMessage("ok");
        return;
      case "collect": {
        const report: WorkerReport = {
          latencies: Float64Array.from(latencies),
          saveLatencies: Float64Array.from(saveLatencies),
          updatesSent: clients.reduce((sum, c) => sum + c.updatesSent, 0),
          updatesReceived: clients.reduce((sum, c) => sum + c.updatesReceived, 0),
          closedSockets: clients.filter((c) => c.closed).length,
          busy: performance.eventLoopUtilization(eluStart).utilization,
        };
        parentPort!.postMessage(report, [report.latencies.buffer as ArrayBuffer, report.saveLatencies.buffer as ArrayBuffer]);
        return;
      }
      case "close":
        for (const client of clients) client.close();
        clients = [];
        latencies = [];
        saveLatencies = [];
        parentPort!.postMessage("ok");
        return;
    }
  })();
});
