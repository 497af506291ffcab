// The real built server on a real PostgreSQL (DATABASE_URL): it migrates and seeds an empty
// database, stores what clients type, and has it after a restart.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectClient, typeAt, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { startPostgres, type TestPostgres } from "../helpers/postgres";
import { DEMO, signIn, startServer, storedPlanText, type TestServer } from "../helpers/server";

let postgres: TestPostgres;
let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  server = await startServer({ env: { DATABASE_URL: postgres.url } });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
  server?.cleanup();
  await postgres?.stop();
});

it("the server stores on PostgreSQL when DATABASE_URL names one", () => {
  const listening = server.logs.find((l) => l.msg === "listening");
  expect(String(listening?.database)).toMatch(/^postgres:\/\//);
});

it("text acknowledged as Saved is in PostgreSQL and there after a restart", async () => {
  const owner = await signIn(server.url, DEMO.owner);
  const writer = connectClient(server.wsUrl, DEMO.planId, owner);
  clients.push(writer);
  await whenSynced(writer);
  typeAt(writer.doc, "Stored in PostgreSQL. ", 2);
  await whenSaved(writer);
  const expected = writer.text();
  expect(expected).toContain("Stored in PostgreSQL. ");
  expect(await storedPlanText(postgres.url, DEMO.planId)).toBe(expected);
  clients.splice(clients.indexOf(writer), 1);
  writer.destroy();

  await server.restart();
  const viewer = await signIn(server.url, DEMO.viewer);
  const reader = connectClient(server.wsUrl, DEMO.planId, viewer);
  clients.push(reader);
  await whenSynced(reader);
  expect(reader.text()).toBe(expected);
});
