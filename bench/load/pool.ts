// The harness's side of the load generator: worker threads, each running a share of the
// simulated users, and one shared table of send times they all read and write.
import os from "node:os";
import { Worker } from "node:worker_threads";
import type { ClientSpec } from "./sim-client";
import { SEND_RING } from "./sim-client";
import type { ConnectResult, WorkerCommand, WorkerReport } from "./worker";

const MAX_TYPERS = 1024;

export interface LoadReport {
  latencies: Float64Array;
  saveLatencies: Float64Array;
  updatesSent: number;
  updatesReceived: number;
  closedSockets: number;
  /** The busiest load thread's share of busy time (0..1). */
  maxWorkerBusy: number;
}

export class LoadPool {
  private readonly workers: Worker[];
  private readonly sendTimes = new SharedArrayBuffer(MAX_TYPERS * SEND_RING * 8);

  constructor(threads = Math.max(1, Math.min(2, os.availableParallelism()))) {
    const url = new URL("./worker-entry.mjs", import.meta.url);
    this.workers = Array.from({ length: threads }, () => new Worker(url, { workerData: { sendTimes: this.sendTimes } }));
    for (const worker of this.workers) {
      worker.on("error", (error) => {
        // A lost load thread would leave the run waiting for ever.
        console.error("load worker failed:", error);
        process.exit(1);
      });
    }
  }

  private ask<T>(worker: Worker, command: WorkerCommand): Promise<T> {
    return new Promise((resolve) => {
      worker.once("message", resolve);
      worker.postMessage(command);
    });
  }

  private all<T>(command: WorkerCommand): Promise<T[]> {
    return Promise.all(this.workers.map((worker) => this.ask<T>(worker, command)));
  }

  /** Connects the clients (shared out round-robin) and resolves when each has synced or failed. */
  async connect(specs: ClientSpec[], spreadMs = 0): Promise<ConnectResult[]> {
    if (specs.some((spec) => spec.typer && spec.typer.index >= MAX_TYPERS)) throw new Error("too many typers");
    const shares = this.workers.map((_, w) => specs.filter((_, i) => i % this.workers.length === w));
    const results = await Promise.all(
      this.workers.map((worker, w) => this.ask<ConnectResult[]>(worker, { type: "connect", specs: shares[w]!, spreadMs })),
    );
    return results.flat();
  }

  async typing(on: boolean, rate?: number): Promise<void> {
    await this.all({ type: "typing", on, rate });
  }

  async reset(): Promise<void> {
    await this.all({ type: "reset" });
  }

  async collect(): Promise<LoadReport> {
    const reports = await this.all<WorkerReport>({ type: "collect" });
    const join = (arrays: Float64Array[]) => {
      const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
      let offset = 0;
      for (const a of arrays) {
        out.set(a, offset);
        offset += a.length;
      }
      return out;
    };
    return {
      latencies: join(reports.map((r) => r.latencies)),
      saveLatencies: join(reports.map((r) => r.saveLatencies)),
      updatesSent: reports.reduce((n, r) => n + r.updatesSent, 0),
      updatesReceived: reports.reduce((n, r) => n + r.updatesReceived, 0),
      closedSockets: reports.reduce((n, r) => n + r.closedSockets, 0),
      maxWorkerBusy: Math.max(...reports.map((r) => r.busy)),
    };
  }

  async closeClients(): Promise<void> {
    await this.all({ type: "close" });
    new Float64Array(this.sendTimes).fill(0);
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
