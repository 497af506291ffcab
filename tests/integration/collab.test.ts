// The collaboration server through real y-websocket clients against the real server.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_MALFORMED, MESSAGE_AUTH, MESSAGE_SAVED, MESSAGE_SYNC } from "../../app/collab/protocol";
import {
  connectClient,
  openRawSocket,
  paragraphText,
  typeAt,
  waitFor,
  whenClosed,
  whenSaved,
  whenSynced,
  type TestClient,
} from "../helpers/clients";
import { openDatabase } from "../../db";
import { decodeOpening } from "../../app/collab/opening";
import { planRoot, planSchema, planText, readableDoc } from "../../app/editor/document.server";
import { DEMO, signInEveryone, startServer, storedPlanText, type TestServer } from "../helpers/server";

let server: TestServer;
const cookies: Record<string, string> = {};
const clients: TestClient[] = [];

function client(role: keyof typeof cookies): TestClient {
  const c = connectClient(server.wsUrl, DEMO.planId, cookies[role]!);
  clients.push(c);
  return c;
}

async function health(): Promise<{ collab: Record<string, number> }> {
  return (await fetch(`${server.url}/healthz`)).json() as Promise<{ collab: Record<string, number> }>;
}

beforeAll(async () => {
  server = await startServer();
  Object.assign(cookies, await signInEveryone(server.url));
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_LOGS) console.log(server.logs.filter((l) => l.level !== "info").slice(0, 20));
  for (const c of clients) c.destroy();
  await server.stop();
  server.cleanup();
});

describe("live editing", () => {
  it("two clients converge on concurrent edits", async () => {
    const a = client("owner");
    const b = client("editor");
    await Promise.all([whenSynced(a), whenSynced(b)]);
    typeAt(a.doc, "Alpha ");
    typeAt(b.doc, "Beta ");
    await waitFor(() => a.text() === b.text() && a.text().includes("Alpha") && a.text().includes("Beta"), "convergence");
    expect(a.text()).toBe(b.text());
  });

  it("a client that joins later receives the whole text", async () => {
    const writer = client("owner");
    await whenSynced(writer);
    typeAt(writer.doc, "Late-joiner check. ", 1);
    await whenSaved(writer);
    const late = client("viewer");
    await whenSynced(late);
    expect(late.text()).toBe(writer.text());
    expect(late.text()).toContain("Late-joiner check.");
  });

  it("reports Saved only after the server has stored the edit", async () => {
    const writer = client("editor");
    await whenSynced(writer);
    expect(writer.tracker.state.status).toBe("connected");
    typeAt(writer.doc, "Stored? ");
    // Unacknowledged: "Editing" for its first second (the calm page), never "Saved".
    expect(writer.tracker.state.status).toBe("editing");
    expect(writer.tracker.hasUnsavedChanges).toBe(true);
    await whenSaved(writer);
    await waitFor(() => writer.tracker.state.status === "saved", "the page's Saved once the text is still");
    const stats = await health();
    expect(stats.collab.storedUpdates).toBeGreaterThan(0);
    expect(stats.collab.pendingWrites).toBe(0);
  });

  it("edits made offline are kept and merge when the connection comes back", async () => {
    const offline = client("owner");
    const online = client("editor");
    await Promise.all([whenSynced(offline), whenSynced(online)]);
    offline.provider.disconnect();
    await waitFor(() => offline.tracker.state.status === "offline", "the offline state");
    typeAt(offline.doc, "Written offline. ", 4);
    typeAt(online.doc, "Written online meanwhile. ", 4);
    expect(offline.tracker.state.status).toBe("offline");
    expect(offline.tracker.hasUnsavedChanges).toBe(true);
    offline.provider.connect();
    await whenSaved(offline);
    await waitFor(() => online.text() === offline.text(), "convergence after reconnecting");
    expect(online.text()).toContain("Written offline.");
    expect(online.text()).toContain("Written online meanwhile.");
    expect(await storedPlanText(server.databasePath, DEMO.planId)).toContain("Written offline.");
  });

  it("presence carries the signed-in account's name, not what the client claims", async () => {
    const a = client("owner");
    const b = client("editor");
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.provider.awareness.setLocalStateField("user", { name: "Somebody Else", color: "#000" });
    await waitFor(
      () => [...b.provider.awareness.getStates().values()].some((s) => (s as { user?: { name: string } }).user?.name === "Sri Wahyuni"),
      "the owner's presence",
    );
    const names = [...b.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name);
    expect(names).not.toContain("Somebody Else");
  });
});

describe("who may connect", () => {
  it("refuses an upgrade without a session with 401", async () => {
    await expect(openRawSocket(server.wsUrl, DEMO.planId, {})).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a signed-in account that is not a member with 403", async () => {
    await expect(openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.outsider! })).rejects.toMatchObject({ status: 403 });
  });

  it("refuses an upgrade from a foreign origin with 403", async () => {
    await expect(
      openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.owner!, origin: "https://evil.example" }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("refuses an upgrade for a plan that does not exist with 403", async () => {
    await expect(openRawSocket(server.wsUrl, "no-such-plan", { cookie: cookies.owner! })).rejects.toMatchObject({ status: 403 });
  });
});

describe("read-only roles", () => {
  // A commenter may suggest: what their updates may change is tested in suggestion-gate.test.ts.
  for (const role of ["viewer"] as const) {
    it(`a ${role}'s update is not applied, not stored and not relayed`, async () => {
      const editor = client("editor");
      const readOnly = client(role);
      await Promise.all([whenSynced(editor), whenSynced(readOnly)]);
      const dropsBefore = (await health()).collab.droppedReadOnlyUpdates!;
      const marker = `${role.toUpperCase()}-WROTE-THIS`;
      typeAt(readOnly.doc, `${marker} `);
      // Once the server has counted the drop, it has handled the update.
      await expect.poll(async () => (await health()).collab.droppedReadOnlyUpdates).toBeGreaterThan(dropsBefore);
      const fresh = client("owner");
      await whenSynced(fresh);
      expect(fresh.text()).not.toContain(marker);
      expect(editor.text()).not.toContain(marker);
      expect(await storedPlanText(server.databasePath, DEMO.planId)).not.toContain(marker);
    });
  }

  for (const role of ["viewer", "commenter"] as const) {
    it(`a ${role} who only reads is never told a change was refused`, async () => {
      const readOnly = client(role);
      let refusals = 0;
      readOnly.provider.messageHandlers[MESSAGE_AUTH] = () => {
        refusals += 1;
      };
      await whenSynced(readOnly);
      // The sync's empty answer has reached the server once a later round trip has.
      const other = client("owner");
      await whenSynced(other);
      typeAt(other.doc, "x");
      await waitFor(() => readOnly.text() === other.text(), "the owner's edit to arrive");
      expect(refusals).toBe(0);
    });
  }
});

describe("bad input", () => {
  it("a malformed frame closes only that socket; the others keep syncing", async () => {
    const a = client("owner");
    const b = client("editor");
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const raw = await openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.editor! });
    const closed = whenClosed(raw);
    // A sync update whose length prefix promises far more bytes than follow.
    raw.send(Uint8Array.from([MESSAGE_SYNC, 2, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
    expect((await closed).code).toBe(CLOSE_MALFORMED);
    typeAt(a.doc, "still-alive ");
    await waitFor(() => b.text().includes("still-alive"), "sync after the malformed frame");
  });

  it("structure outside the plan schema is taken out again by the server, and that socket closed", async () => {
    const honest = client("owner");
    await whenSynced(honest);
    const before = honest.text();
    const hostile = client("editor");
    await whenSynced(hostile);
    const closed = new Promise<number>((resolve) =>
      hostile.provider.once("connection-close", (event: { code: number } | null) => resolve(event?.code ?? 0)),
    );
    hostile.doc.transact(() => {
      const fragment = hostile.doc.getXmlFragment("default");
      fragment.insert(0, [new Y.XmlText("loose text at the top")]);
      (fragment.get(1) as Y.XmlElement).insert(1, [new Y.XmlElement("script")]);
    });
    expect(await closed).toBe(CLOSE_MALFORMED);
    const outside = () =>
      honest.doc
        .getXmlFragment("default")
        .toArray()
        .some((n) => !(n instanceof Y.XmlElement) || n.nodeName !== "section") ||
      (honest.doc.getXmlFragment("default").get(0) as Y.XmlElement)
        .toArray()
        .some((n) => n instanceof Y.XmlElement && n.nodeName === "script");
    await waitFor(() => !outside(), "the server to take the hostile structure out");
    expect(honest.text()).toBe(before);
    // The repair is stored like any edit: the plan on disk reads as before.
    await expect.poll(() => storedPlanText(server.databasePath, DEMO.planId)).toBe(before);
    expect((await health()).collab.outsideSchema).toBeGreaterThan(0);
  });

  it("an unknown message type closes that socket", async () => {
    const raw = await openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.editor! });
    const closed = whenClosed(raw);
    raw.send(Uint8Array.from([77, 1, 2]));
    expect((await closed).code).toBe(CLOSE_MALFORMED);
  });

  it("the stock client never receives a Saved message unless it asks", async () => {
    const raw = await openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.editor! });
    const types: number[] = [];
    raw.on("message", (data: Buffer) => types.push(data[0]!));
    const doc = new Y.Doc();
    // A new section at the top: an update the plan schema accepts.
    const section = new Y.XmlElement("section");
    section.setAttribute("id", "s-scratch");
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", 2 as never);
    section.insert(0, [heading]);
    doc.getXmlFragment("default").insert(0, [section]);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc));
    raw.send(encoding.toUint8Array(encoder));
    await expect.poll(async () => (await health()).collab.pendingWrites).toBe(0);
    // The socket is ordered: once the answer to a sync step 1 sent now has arrived, a Saved the
    // server had sent for the commit would have arrived before it.
    const syncMessages = () => types.filter((type) => type === MESSAGE_SYNC).length;
    const before = syncMessages();
    const query = encoding.createEncoder();
    encoding.writeVarUint(query, MESSAGE_SYNC);
    encoding.writeVarUint(query, 0);
    encoding.writeVarUint8Array(query, Y.encodeStateVector(doc));
    raw.send(encoding.toUint8Array(query));
    await waitFor(() => syncMessages() > before, "the answer to sync step 1");
    expect(types).not.toContain(MESSAGE_SAVED);
    expect(raw.readyState).toBe(raw.OPEN);
    raw.close();
  });
});

describe("durability", () => {
  it("text acknowledged as Saved is there after a graceful restart", async () => {
    const writer = client("owner");
    await whenSynced(writer);
    typeAt(writer.doc, "Survives a restart. ", 2);
    await whenSaved(writer);
    const expected = writer.text();
    expect(await storedPlanText(server.databasePath, DEMO.planId)).toBe(expected);
    writer.destroy();
    await server.restart();
    const reader = client("viewer");
    await whenSynced(reader);
    expect(reader.text()).toBe(expected);
  });

  it("a plan is compacted after its last client leaves, and opens with the same text", async () => {
    const writer = client("owner");
    await whenSynced(writer);
    for (let i = 0; i < 220; i++) {
      typeAt(writer.doc, "z", 5);
      await new Promise((r) => setTimeout(r, 2));
    }
    await whenSaved(writer);
    const expected = writer.text();
    for (const c of clients.splice(0)) c.destroy();
    await waitFor(() => server.logs.some((l) => l.msg === "plan compacted" && l.plan === DEMO.planId), "compaction");
    expect(await storedPlanText(server.databasePath, DEMO.planId)).toBe(expected);
    const reader = client("viewer");
    await whenSynced(reader);
    expect(reader.text()).toBe(expected);
  });

  it("text acknowledged as Saved is there after the process is killed", async () => {
    const writer = client("editor");
    await whenSynced(writer);
    typeAt(writer.doc, "Survives kill -9. ", 3);
    await whenSaved(writer);
    const expected = writer.text();
    writer.destroy();
    await server.kill();
    await server.restart();
    const reader = client("viewer");
    await whenSynced(reader);
    expect(reader.text()).toBe(expected);
  });
});

describe("opening a compacted plan", () => {
  it("answers newcomers and the threads panel without building the document, and summarises older states", async () => {
    const own = await startServer();
    const db = openDatabase(own.databasePath);
    try {
      const signed = await signInEveryone(own.url);
      const stats = async () => ((await (await fetch(`${own.url}/healthz`)).json()) as { collab: Record<string, number> }).collab;
      const summaryOf = () =>
        db.selectFrom("plan_documents").select(["state_vector", "comment_anchors"]).where("plan_id", "=", DEMO.planId).executeTakeFirst();
      const openingOf = (cookie?: string) => fetch(`${own.url}/api/plans/${DEMO.planId}/opening`, { headers: cookie ? { cookie } : {} });
      // Enough edits for the plan to be compacted when the last person leaves.
      const writer = connectClient(own.wsUrl, DEMO.planId, signed.editor);
      await whenSynced(writer);
      for (let i = 0; i < 210; i += 1) typeAt(writer.doc, "x", 1);
      // Deletions too: a page's answer to the server's sync step 1 would hold them all.
      paragraphText(writer.doc, 1).delete(0, 5);
      await whenSaved(writer);
      const expected = writer.text();
      writer.destroy();
      await expect.poll(async () => (await summaryOf())?.state_vector ?? null, { timeout: 20_000 }).not.toBeNull();

      const reader = connectClient(own.wsUrl, DEMO.planId, signed.viewer);
      await whenSynced(reader);
      expect(reader.text()).toBe(expected);
      const threads = await fetch(`${own.url}/api/plans/${DEMO.planId}/threads`, { headers: { cookie: signed.viewer } });
      expect(threads.status).toBe(200);
      const suggestions = await fetch(`${own.url}/api/plans/${DEMO.planId}/suggestions`, { headers: { cookie: signed.viewer } });
      expect(suggestions.status).toBe(200);
      // The page's opening (app/collab/opening.ts): the state and its document, to members only.
      expect((await openingOf()).status).toBe(401);
      expect((await openingOf(signed.outsider)).status).toBe(404);
      // Content stored before the server checked every update is served through the socket only
      // (repaired first): no opening until the plan has been checked.
      await db.updateTable("plans").set({ content_checked_at: null }).where("id", "=", DEMO.planId).execute();
      expect((await openingOf(signed.viewer)).status).toBe(204);
      await db.updateTable("plans").set({ content_checked_at: Date.now() }).where("id", "=", DEMO.planId).execute();
      const opening = await openingOf(signed.viewer);
      expect(opening.status).toBe(200);
      const { content, state } = decodeOpening(new Uint8Array(await opening.arrayBuffer()));
      const stateDoc = readableDoc([state]);
      expect(planText(stateDoc)).toBe(expected);
      expect(planSchema().nodeFromJSON(content).eq(planRoot(stateDoc))).toBe(true);
      // A page opened from it (an editor's: a viewer's updates are dropped unread) has everything:
      // its sync is answered, and its answer to the server's read, without building the document.
      const opened = connectClient(own.wsUrl, DEMO.planId, signed.editor, { initialState: state });
      await whenSynced(opened);
      expect(opened.text()).toBe(expected);
      // The socket is ordered: once the answer to a sync step 1 sent now has arrived, the server
      // has read what the page sent before it.
      const socket = opened.provider.ws!;
      let syncAnswers = 0;
      socket.addEventListener("message", (event) => {
        if (new Uint8Array(event.data as ArrayBuffer)[0] === MESSAGE_SYNC) syncAnswers += 1;
      });
      const query = encoding.createEncoder();
      encoding.writeVarUint(query, MESSAGE_SYNC);
      encoding.writeVarUint(query, 0);
      encoding.writeVarUint8Array(query, Y.encodeStateVector(opened.doc));
      socket.send(encoding.toUint8Array(query));
      await waitFor(() => syncAnswers > 0, "the answer to sync step 1");
      expect(await stats()).toMatchObject({ openPlans: 1, documentsInMemory: 0 });
      opened.destroy();
      // A modified client claiming clocks far past the plan's (and clients it never had) is told
      // "nothing": it harms only its own copy, builds no document, and its socket stays open.
      const raw = await openRawSocket(own.wsUrl, DEMO.planId, { cookie: signed.editor });
      const answers: Uint8Array[] = [];
      raw.on("message", (data: Buffer) => {
        if (data[0] === MESSAGE_SYNC && data[1] === 1) answers.push(new Uint8Array(data));
      });
      const claimed = new Map([...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state))].map(([id, clock]) => [id, clock + 1_000_000]));
      claimed.set(123456789, 42);
      const boast = encoding.createEncoder();
      encoding.writeVarUint(boast, MESSAGE_SYNC);
      encoding.writeVarUint(boast, 0);
      encoding.writeVarUint8Array(boast, Y.encodeStateVector(claimed));
      raw.send(encoding.toUint8Array(boast));
      await waitFor(() => answers.length > 0, "the answer to the boasting sync step 1");
      const told = decoding.readVarUint8Array(decoding.createDecoder(answers[0]!.subarray(2)));
      expect(told).toEqual(Y.encodeStateAsUpdate(new Y.Doc()));
      expect(raw.readyState).toBe(raw.OPEN);
      expect(await stats()).toMatchObject({ openPlans: 1, documentsInMemory: 0 });
      raw.close();
      reader.destroy();
      await expect.poll(async () => (await stats()).openPlans).toBe(0);

      // A state compacted before summaries were stored: it gets one when the plan is unloaded.
      await db
        .updateTable("plan_documents")
        .set({ state_vector: null, comment_anchors: null, content: null })
        .where("plan_id", "=", DEMO.planId)
        .execute();
      expect((await openingOf(signed.viewer)).status).toBe(204);
      const late = connectClient(own.wsUrl, DEMO.planId, signed.viewer);
      await whenSynced(late);
      expect(late.text()).toBe(expected);
      late.destroy();
      await expect.poll(async () => (await summaryOf())?.comment_anchors ?? null).not.toBeNull();
      expect((await openingOf(signed.viewer)).status).toBe(200);
    } finally {
      await db.destroy();
      await own.stop();
      own.cleanup();
    }
  });
});

describe("hibernation", () => {
  it("an idle open plan drops its document from memory and brings it back for the next edit", async () => {
    const quick = await startServer({ env: { COLLAB_HIBERNATE_AFTER_MS: "300" } });
    try {
      const signed = await signInEveryone(quick.url);
      const a = connectClient(quick.wsUrl, DEMO.planId, signed.owner);
      const b = connectClient(quick.wsUrl, DEMO.planId, signed.editor);
      await Promise.all([whenSynced(a), whenSynced(b)]);
      typeAt(a.doc, "Before the nap. ", 1);
      await whenSaved(a);
      const stats = async () => ((await (await fetch(`${quick.url}/healthz`)).json()) as { collab: Record<string, number> }).collab;
      let collab = await stats();
      for (let tries = 0; tries < 100 && collab.documentsInMemory !== 0; tries += 1) {
        await new Promise((r) => setTimeout(r, 100));
        collab = await stats();
      }
      expect(collab).toMatchObject({ openPlans: 1, documentsInMemory: 0, connections: 2 });
      // Both people are still there; the next edit wakes the document up and reaches the other.
      typeAt(b.doc, "After the nap. ", 2);
      await waitFor(() => a.text().includes("After the nap."), "the edit after hibernation");
      await whenSaved(b);
      const late = connectClient(quick.wsUrl, DEMO.planId, signed.viewer);
      await whenSynced(late);
      expect(late.text()).toBe(a.text());
      expect(await storedPlanText(quick.databasePath, DEMO.planId)).toBe(a.text());
      for (const c of [a, b, late]) c.destroy();
    } finally {
      await quick.stop();
      quick.cleanup();
    }
  });
});
