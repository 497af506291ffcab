// Operations: `npm run db:backup -- <file>` copies the database while the server runs and
// people type; a server started on the copy has everything that was Saved before it.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { connectClient, typeAt, whenSaved, whenSynced } from "../helpers/clients";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";

const run = promisify(execFile);
const servers: TestServer[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gotong-backup-"));
afterAll(async () => {
  for (const server of servers) {
    await server.stop();
    server.cleanup();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

it("backs up a running server's database consistently, and the copy restores", async () => {
  const live = await startServer({ sqlite: true });
  servers.push(live);
  const cookie = await signIn(live.url, DEMO.editor);
  const writer = connectClient(live.wsUrl, DEMO.planId, cookie);
  await whenSynced(writer);
  typeAt(writer.doc, "Before the backup. ", 1);
  await whenSaved(writer);
  const saved = writer.text();

  // Someone keeps typing while the copy is taken.
  const typing = setInterval(() => typeAt(writer.doc, "x", 2), 5);
  const backupFile = path.join(dir, "copy.db");
  const { stdout } = await run("npm", ["run", "--silent", "db:backup", "--", backupFile], {
    env: { ...process.env, DATABASE_PATH: live.databasePath },
  });
  clearInterval(typing);
  writer.destroy();
  expect(stdout).toContain("backed up to");

  // Restoring is starting a server on the copy (docs/reliability.md).
  const restored = await startServer({ databasePath: backupFile });
  servers.push(restored);
  const reader = connectClient(restored.wsUrl, DEMO.planId, await signIn(restored.url, DEMO.viewer));
  await whenSynced(reader);
  expect(reader.text().replace(/x+/g, "")).toBe(saved.replace(/x+/g, ""));
  reader.destroy();
});

it("refuses to overwrite an existing file", async () => {
  const existing = path.join(dir, "exists.db");
  fs.writeFileSync(existing, "keep me");
  await expect(
    run("npm", ["run", "--silent", "db:backup", "--", existing], { env: { ...process.env, DATABASE_PATH: servers[0]!.databasePath } }),
  ).rejects.toThrow(/exists already/);
  expect(fs.readFileSync(existing, "utf8")).toBe("keep me");
});
