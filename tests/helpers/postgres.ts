// A throwaway PostgreSQL for tests: initdb in a temporary folder, started on a free port,
// one database created; stop() kills it and removes the folder. Runs as the `postgres`
// account when we are root, since initdb refuses root.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./ports";

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: PATH first, then Debian's /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = path.join(root, version, "bin");
    if (fs.existsSync(path.join(dir, "initdb"))) return dir;
  }
  throw new Error(
    "PostgreSQL's initdb and pg_ctl were not found (on PATH or in /usr/lib/postgresql/<version>/bin): " +
      "install them (apt-get install -y postgresql) to run the PostgreSQL storage tests",
  );
}

/**
 * `durable`: fsync on, as in production (benchmarks of "Saved after commit"); tests run
 * without it, since a test cluster does not outlive the test and it makes them quicker.
 */
export async function startPostgres({ durable = false } = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const isRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, fileArgs] = isRoot
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, command), ...args]]
      : [path.join(bin, command), args];
    execFileSync(file, fileArgs, { stdio: ["ignore", "pipe", "pipe"] });
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gotong-pg-"));
  if (isRoot) execFileSync("chown", ["postgres:", dir]);
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  try {
    // --no-sync only spares initdb's own flush of the new cluster.
    run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durable ? "" : " -c fsync=off"}`;
    run("pg_ctl", ["-D", dataDir, "-o", options, "-l", path.join(dir, "log"), "start", "-w"]);
  } catch (error) {
    try {
      run("pg_ctl", ["-D", dataDir, "stop", "-m", "immediate", "-w"]);
    } catch {
      // It did not start.
    }
    const log = fs.existsSync(path.join(dir, "log")) ? fs.readFileSync(path.join(dir, "log"), "utf8") : "";
    fs.rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`could not start a test PostgreSQL: ${stderr}${log}`);
  }
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query("create database gotong");
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/gotong`,
    stop: async () => {
      try {
        run("pg_ctl", ["-D", dataDir, "stop", "-m", "immediate", "-w"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
