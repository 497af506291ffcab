// A throwaway Redis for tests and benchmarks: Debian's redis-server on a free port, nothing
// kept on disk; stop() and start() again on the same port play a Redis restart.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports";

export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (SIGKILL: a crash, nothing flushed). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  cleanup(): Promise<void>;
}

export function findRedisServer(): string {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/usr/sbin"]) {
    const file = path.join(dir, "redis-server");
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error("redis-server was not found: install it (apt-get install -y redis-server) to run the several-instance tests");
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const bin = findRedisServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gotong-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    // In the foreground (a child we can kill), no persistence, loopback only.
    const proc = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: "ignore",
    });
    child = proc;
    const started = Date.now();
    while (!(await isListening(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
      if (Date.now() - started > 10_000) {
        proc.kill("SIGKILL");
        throw new Error("redis-server did not start within 10 s");
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once("exit", () => resolve());
      proc.kill("SIGKILL");
    });

  try {
    await start();
  } catch (error) {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    cleanup: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
