// Operations: a failed database write (here: the database locked by another process for
// longer than the busy timeout) never tells a client "Saved", is retried, and shows in the
// logs and on /healthz until it succeeds; then the edit is stored and acknowledged.
import { afterAll, expect, it } from "vitest";
import sqlite3 from "sqlite3";
import { connectClient, typeAt, waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { DEMO, signIn, startServer, storedPlanText, type TestServer } from "../helpers/server";

let server: TestServer | undefined;
afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

function run(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve())));
}

it("retries a locked database, says so on /healthz, and acknowledges only once stored", async () => {
  server = await startServer({ sqlite: true });
  const writer = connectClient(server.wsUrl, DEMO.planId, await signIn(server.url, DEMO.editor));
  await whenSynced(writer);

  // Another process takes the write lock and keeps it past the server's 5 s busy timeout.
  const locker = new sqlite3.Database(server.databasePath);
  await run(locker, "begin exclusive");
  typeAt(writer.doc, "Written while the database is locked. ", 1);
  const health = async () => {
    const response = await fetch(`${server!.url}/healthz`);
    return { status: response.status, body: (await response.json()) as { collab: { lastWriteError: { message: string } | null } } };
  };
  let during = await health();
  for (let tries = 0; tries < 100 && during.status === 200; tries += 1) {
    await new Promise((r) => setTimeout(r, 100));
    during = await health();
  }
  expect(during.status).toBe(503);
  expect(during.body.collab.lastWriteError?.message).toMatch(/SQLITE_BUSY|locked/i);
  expect(writer.tracker.state.status).not.toBe("saved");
  expect(server.logs.some((l) => l.msg === "storing updates failed; will retry")).toBe(true);

  await run(locker, "rollback");
  await new Promise<void>((resolve) => locker.close(() => resolve()));
  await whenSaved(writer);
  await waitFor(() => server!.logs.some((l) => l.msg === "storing updates recovered"), "the recovery in the logs", 15_000);
  expect((await health()).status).toBe(200);
  expect(await storedPlanText(server.databasePath, DEMO.planId)).toContain("Written while the database is locked.");
  writer.destroy();
}, 60_000);
