// Limits configured small so they can be reached: frame size and message rate.
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLOSE_RATE_LIMITED } from "../../app/collab/protocol";
import { connectClient, openRawSocket, typeAt, waitFor, whenClosed, whenSynced } from "../helpers/clients";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let cookie: string;

beforeAll(async () => {
  server = await startServer({ env: { COLLAB_MAX_FRAME_BYTES: "4096", COLLAB_MAX_MESSAGES_PER_SECOND: "20" } });
  cookie = await signIn(server.url, DEMO.editor);
});

afterAll(async () => {
  await server.stop();
  server.cleanup();
});

it("refuses a frame over the size limit by closing that socket (1009)", async () => {
  const raw = await openRawSocket(server.wsUrl, DEMO.planId, { cookie });
  const closed = whenClosed(raw);
  raw.send(new Uint8Array(8192));
  expect((await closed).code).toBe(1009);
});

it("closes a socket that sends faster than the message rate, and only that one", async () => {
  const honest = connectClient(server.wsUrl, DEMO.planId, cookie);
  const other = connectClient(server.wsUrl, DEMO.planId, cookie);
  await Promise.all([whenSynced(honest), whenSynced(other)]);
  const raw = await openRawSocket(server.wsUrl, DEMO.planId, { cookie });
  const closed = whenClosed(raw);
  for (let i = 0; i < 200; i++) raw.send(Uint8Array.from([3])); // query-awareness, a valid message
  expect((await closed).code).toBe(CLOSE_RATE_LIMITED);
  typeAt(honest.doc, "after-the-flood ");
  await waitFor(() => other.text().includes("after-the-flood"), "honest clients still syncing");
  honest.destroy();
  other.destroy();
});
