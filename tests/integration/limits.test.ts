// Limits configured small so they can be reached: frame size, message rate, sockets per
// account and plan size; each refuses only the offender, with a reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_PLAN_TOO_LARGE, CLOSE_RATE_LIMITED, MESSAGE_SAVE_REQUEST } from "../../app/collab/protocol";
import { connectClient, openRawSocket, typeAt, waitFor, whenClosed, whenSaved, whenSynced } from "../helpers/clients";
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
  // Save requests: valid and cheap, counted by the message rate alone (awareness queries and
  // sync step 1s have a smaller budget of their own, docs/security.md item 2).
  for (let i = 0; i < 200; i++) raw.send(Uint8Array.from([MESSAGE_SAVE_REQUEST, i]));
  expect((await closed).code).toBe(CLOSE_RATE_LIMITED);
  typeAt(honest.doc, "after-the-flood ");
  await waitFor(() => other.text().includes("after-the-flood"), "honest clients still syncing");
  honest.destroy();
  other.destroy();
});

describe("per account and per plan", () => {
  let limited: TestServer;
  let editorCookie: string;
  beforeAll(async () => {
    limited = await startServer({ env: { COLLAB_MAX_CONNECTIONS_PER_USER: "2", COLLAB_MAX_PLAN_BYTES: "60000" } });
    editorCookie = await signIn(limited.url, DEMO.editor);
  });
  afterAll(async () => {
    await limited.stop();
    limited.cleanup();
  });

  it("refuses a third socket for one account with 429, and takes one again once a socket closes", async () => {
    const first = await openRawSocket(limited.wsUrl, DEMO.planId, { cookie: editorCookie });
    const second = await openRawSocket(limited.wsUrl, DEMO.planId, { cookie: editorCookie });
    await expect(openRawSocket(limited.wsUrl, DEMO.planId, { cookie: editorCookie })).rejects.toMatchObject({ status: 429 });
    // Another account is not affected.
    const owner = await openRawSocket(limited.wsUrl, DEMO.planId, { cookie: await signIn(limited.url, DEMO.owner) });
    first.close();
    await whenClosed(first);
    // The server counts the socket as gone once its close has been processed.
    const connections = async () =>
      ((await (await fetch(`${limited.url}/healthz`)).json()) as { collab: { connections: number } }).collab.connections;
    await expect.poll(connections).toBe(2);
    const third = await openRawSocket(limited.wsUrl, DEMO.planId, { cookie: editorCookie });
    for (const socket of [second, third, owner]) socket.close();
  });

  it("refuses an update that would take a plan past its size limit, with a reason, and keeps smaller ones", async () => {
    const writer = connectClient(limited.wsUrl, DEMO.planId, editorCookie);
    await whenSynced(writer);
    typeAt(writer.doc, "A small edit. ", 1);
    await whenSaved(writer);
    const closed = new Promise<number>((resolve) =>
      writer.provider.once("connection-close", (event: { code: number } | null) => resolve(event?.code ?? 0)),
    );
    typeAt(writer.doc, "x".repeat(64 * 1024), 2);
    expect(await closed).toBe(CLOSE_PLAN_TOO_LARGE);
    writer.destroy();
    const reader = connectClient(limited.wsUrl, DEMO.planId, editorCookie);
    await whenSynced(reader);
    expect(reader.text()).toContain("A small edit.");
    expect(reader.text()).not.toContain("x".repeat(1000));
    reader.destroy();
  });
});
