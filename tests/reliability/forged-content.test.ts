// Attacks 1 and 4 of docs/security.md: a modified client writing what the editor never makes
// (a mark the schema does not know, nesting thousands deep, attribute values out of range). The
// server refuses such an update whole before storing or relaying anything; a plan that holds
// such content from before the check is repaired by the server when it opens, every reader
// answers, and a browser opening it never turns it into deletions under its person's name.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE_MALFORMED } from "../../app/collab/protocol";
import { planText, PLAN_FRAGMENT } from "../../app/editor/document.server";
import { openDatabase } from "../../db";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { insertNestedBlockquotes as insertNestedBlockquotesAt } from "../helpers/hostile-yjs";
import { connectClient, typeAt, waitFor, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { DEMO, signInEveryone, startServer, type DemoRole, type TestServer } from "../helpers/server";

let server: TestServer;
let cookies: Record<DemoRole, string>;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startServer({ sqlite: true });
  cookies = await signInEveryone(server.url);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await server?.stop();
  server?.cleanup();
});

function client(role: DemoRole): TestClient {
  const opened = connectClient(server.wsUrl, DEMO.planId, cookies[role]);
  clients.push(opened);
  return opened;
}

/** The close codes a client's socket was closed with, as they come. */
function closeCodes(opened: TestClient): number[] {
  const codes: number[] = [];
  opened.provider.on("connection-close", (event: CloseEvent | null) => {
    if (event) codes.push(event.code);
  });
  return codes;
}

function paragraphs(doc: Y.Doc): Y.XmlText[] {
  const texts: Y.XmlText[] = [];
  const pending: Y.XmlFragment[] = [doc.getXmlFragment(PLAN_FRAGMENT)];
  while (pending.length > 0) {
    for (const child of pending.pop()!.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child);
      else if (child instanceof Y.XmlElement) pending.push(child);
    }
  }
  return texts.filter((text) => text.length > 0);
}

/** Every formatting key anywhere in the document. */
function formattingKeys(doc: Y.Doc): Set<string> {
  const keys = new Set<string>();
  for (const text of paragraphs(doc)) {
    for (const op of text.toDelta() as { attributes?: Record<string, unknown> }[])
      for (const key of Object.keys(op.attributes ?? {})) keys.add(key);
  }
  return keys;
}

function deepestNesting(doc: Y.Doc): number {
  let deepest = 0;
  const pending: [Y.XmlFragment, number][] = [[doc.getXmlFragment(PLAN_FRAGMENT), 0]];
  while (pending.length > 0) {
    const [type, depth] = pending.pop()!;
    deepest = Math.max(deepest, depth);
    for (const child of type.toArray()) if (child instanceof Y.XmlElement) pending.push([child, depth + 1]);
  }
  return deepest;
}

function insertNestedBlockquotes(doc: Y.Doc, depth: number): void {
  insertNestedBlockquotesAt(doc.getXmlFragment(PLAN_FRAGMENT).get(1) as Y.XmlElement, 1, depth);
}

/** The stored plan (compacted state and every update row) as one document. */
async function storedDoc(): Promise<Y.Doc> {
  const db = openDatabase(server.databasePath);
  try {
    const snapshot = await db.selectFrom("plan_documents").select("state").where("plan_id", "=", DEMO.planId).executeTakeFirst();
    const rows = await db.selectFrom("plan_updates").select("update").where("plan_id", "=", DEMO.planId).orderBy("id").execute();
    const doc = new Y.Doc();
    for (const update of [...(snapshot ? [snapshot.state] : []), ...rows.map((row) => row.update)])
      Y.applyUpdate(doc, new Uint8Array(update));
    return doc;
  } finally {
    await db.destroy();
  }
}

async function userId(email: string): Promise<number> {
  const db = openDatabase(server.databasePath);
  try {
    return (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  } finally {
    await db.destroy();
  }
}

/**
 * Writes `change` into the stored plan as the editor's update, as a plan attacked before the
 * server checked updates would hold it (the server is stopped meanwhile): the log compacted
 * into one stored state (which the server serves to newcomers as it is, unless it must check
 * it first) and the plan marked as never checked, as migration 0006 leaves such plans.
 * Returns the text before the change.
 */
async function storeForgedUpdate(change: (doc: Y.Doc) => void): Promise<string> {
  await server.stop();
  const doc = await storedDoc();
  const text = planText(doc);
  const before = Y.encodeStateVector(doc);
  change(doc);
  const update = Y.encodeStateAsUpdate(doc, before);
  const editorId = await userId(DEMO.editor);
  const db = openDatabase(server.databasePath);
  try {
    const { id } = await db
      .insertInto("plan_updates")
      .values({ plan_id: DEMO.planId, user_id: editorId, update, created_at: Date.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("plan_clients")
      .values({ plan_id: DEMO.planId, client_id: doc.clientID, user_id: editorId, first_seen_at: Date.now() })
      .execute();
    const state = Y.encodeStateAsUpdate(doc);
    await db
      .insertInto("plan_documents")
      .values({ plan_id: DEMO.planId, state, through_update_id: id, updated_at: Date.now() })
      .onConflict((oc) => oc.column("plan_id").doUpdateSet({ state, through_update_id: id, updated_at: Date.now() }))
      .execute();
    await db.updateTable("plans").set({ content_checked_at: null }).where("id", "=", DEMO.planId).execute();
  } finally {
    await db.destroy();
  }
  await server.restart();
  cookies = await signInEveryone(server.url);
  return text;
}

async function deletionsBy(email: string): Promise<number> {
  const id = await userId(email);
  const db = openDatabase(server.databasePath);
  try {
    const rows = await db
      .selectFrom("plan_deletions")
      .select("length")
      .where("plan_id", "=", DEMO.planId)
      .where("user_id", "=", id)
      .execute();
    return rows.reduce((sum, row) => sum + row.length, 0);
  } finally {
    await db.destroy();
  }
}

/** Every door that reads the plan's document answers 200. */
async function expectEveryReaderAnswers(versionId: number): Promise<void> {
  const get = (path: string, role: DemoRole = "owner") => fetch(`${server.url}${path}`, { headers: { cookie: cookies[role] } });
  const paths = [
    `/plans/${DEMO.planId}/export.md`,
    `/plans/${DEMO.planId}/export.docx`,
    `/plans/${DEMO.planId}/print`,
    `/plans/${DEMO.planId}/actions.csv`,
    `/plans/${DEMO.planId}/export.md?version=${versionId}`,
    `/plans/${DEMO.planId}/export.docx?version=${versionId}`,
    `/plans/${DEMO.planId}/compare?from=${versionId}&to=current`,
    `/plans/${DEMO.planId}/compare.docx?from=${versionId}&to=current`,
    `/plans/${DEMO.planId}/history/${versionId}`,
    `/api/plans/${DEMO.planId}/threads`,
    `/api/plans/${DEMO.planId}/versions/${versionId}`,
    `/api/plans/${DEMO.planId}/compare?from=${versionId}&to=current`,
    `/plans/${DEMO.planId}`,
  ];
  for (const path of paths) expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}/api/plans/${DEMO.planId}${path}`, {
      method: "POST",
      headers: { cookie: cookies.owner, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const saved = await post("/versions", { name: `after repair ${versionId}` });
  expect(saved.status).toBe(201);
  const restored = await post(`/versions/${versionId}/restore`, { sectionId: "s-regulation" });
  expect([200, 409]).toContain(restored.status);
}

/** A version row holding `doc`'s state as it is, as one kept before the check existed. */
async function storeVersion(doc: Y.Doc): Promise<number> {
  const db = openDatabase(server.databasePath);
  try {
    const { id } = await db
      .insertInto("plan_versions")
      .values({
        plan_id: DEMO.planId,
        kind: "named",
        name: "forged",
        note: "",
        state: Y.encodeStateAsUpdate(doc),
        details: "[]",
        content_hash: `forged-${Date.now()}`,
        authors: "[]",
        created_by: null,
        created_at: Date.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  } finally {
    await db.destroy();
  }
}

describe("updates the schema cannot hold are refused whole", () => {
  it.each<[string, (doc: Y.Doc) => void]>([
    [
      "a mark the schema does not know, over every paragraph",
      (doc) => doc.transact(() => paragraphs(doc).forEach((text) => text.format(0, 1, { someMark: {} }))),
    ],
    ["blockquotes nested 3,000 deep", (doc) => insertNestedBlockquotes(doc, 3_000)],
    [
      "a heading level that is markup",
      (doc) => ((doc.getXmlFragment(PLAN_FRAGMENT).get(1) as Y.XmlElement).get(0) as Y.XmlElement).setAttribute("level", "<img src=x>"),
    ],
    ["a javascript: link", (doc) => paragraphs(doc)[2]!.format(0, 3, { link: { href: "javascript:alert(1)" } })],
  ])("%s: the socket is closed, nothing is stored or relayed", async (_name, change) => {
    const owner = client("owner");
    const hostile = client("editor");
    const codes = closeCodes(hostile);
    await Promise.all([whenSynced(owner), whenSynced(hostile)]);
    const textBefore = owner.text();
    const keysBefore = formattingKeys(owner.doc);
    // One update, as a modified client would send it.
    hostile.doc.transact(() => change(hostile.doc));
    await waitFor(() => codes.includes(CLOSE_MALFORMED), "the hostile socket to be closed");
    hostile.destroy();
    // An honest edit after it arrives: had the hostile update been relayed, it would be here first.
    const honest = client("editor");
    await whenSynced(honest);
    typeAt(honest.doc, "HONEST ", 1);
    await whenSaved(honest);
    await waitFor(() => owner.text().includes("HONEST "), "the honest edit to reach the owner");
    expect(formattingKeys(owner.doc)).toEqual(keysBefore);
    expect(deepestNesting(owner.doc)).toBeLessThan(10);
    const stored = await storedDoc();
    expect(formattingKeys(stored)).toEqual(keysBefore);
    expect(deepestNesting(stored)).toBeLessThan(10);
    expect(planText(stored)).toBe(owner.text());
    expect(planText(stored).replace("HONEST ", "")).toBe(textBefore);
    expect(server.logs.some((entry) => entry.msg === "update refused whole: outside the plan schema")).toBe(true);
    owner.destroy();
    honest.destroy();
  });
});

describe("a plan stored with forged content before the check", () => {
  it("is never served as stored: the first to open it, with nothing yet, gets it repaired", async () => {
    await storeForgedUpdate((doc) => {
      doc.transact(() => paragraphs(doc).forEach((text) => text.format(0, 2, { firstMark: {} })));
      insertNestedBlockquotes(doc, 200);
    });
    const first = client("viewer");
    await whenSynced(first);
    expect(formattingKeys(first.doc).has("firstMark")).toBe(false);
    expect(deepestNesting(first.doc)).toBeLessThan(10);
    first.destroy();
  });

  it("is repaired by the server when it opens, as the server's own edit, and every reader answers before and after", async () => {
    let forgedDoc: Y.Doc | undefined;
    const text = await storeForgedUpdate((doc) => {
      doc.transact(() => paragraphs(doc).forEach((text) => text.format(0, 2, { someMark: {} })));
      insertNestedBlockquotes(doc, 3_000);
      (doc.getXmlFragment(PLAN_FRAGMENT).get(1) as Y.XmlElement).setAttribute("onclick", "alert(1)");
      forgedDoc = doc;
    });
    const versionId = await storeVersion(forgedDoc!);
    // Closed plan: the readers read the stored bytes.
    await expectEveryReaderAnswers(versionId);
    // Open it: the server repairs it and stores the repair with no author.
    const owner = client("owner");
    await whenSynced(owner);
    expect(formattingKeys(owner.doc).has("someMark")).toBe(false);
    // What lay deeper than a plan may is gone, and the blockquotes it left empty with it.
    expect(deepestNesting(owner.doc)).toBeLessThan(10);
    expect(owner.text()).toContain(text.split("\n")[1]!.slice(0, 40));
    await waitFor(
      () => server.logs.some((entry) => entry.msg === "stored plan held content outside the schema; taken out as the server's edit"),
      "the repair",
    );
    await expectEveryReaderAnswers(versionId);
    const stored = await storedDoc();
    expect(formattingKeys(stored).has("someMark")).toBe(false);
    expect(deepestNesting(stored)).toBeLessThan(10);
    owner.destroy();
  });
});

describe("in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the owner opening a plan whose paragraphs were forged keeps every word, and no deletion is stored under their name", async () => {
    await storeForgedUpdate((doc) => doc.transact(() => paragraphs(doc).forEach((text) => text.format(0, 1, { anotherMark: {} }))));
    // Counted once the server has restarted: everything earlier tests did is stored by then.
    const ownerDeletionsBefore = await deletionsBy(DEMO.owner);
    const textBefore = planText(await storedDoc());
    const page = await signedInPage(
      await browser.newContext({ viewport: { width: 1280, height: 900 } }),
      server.url,
      DEMO.owner,
      `/plans/${DEMO.planId}`,
    );
    await page.locator(".ProseMirror").waitFor();
    // The owner types: their browser sends what its binding made of the document.
    await page.locator(".ProseMirror section").nth(1).locator("> p").first().click();
    await page.keyboard.type("OWNER ");
    // Updates are stored in the order they came: once the typing is, whatever the page sent on
    // opening is too.
    let stored = await storedDoc();
    for (let tries = 0; !planText(stored).includes("OWNER ") && tries < 250; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      stored = await storedDoc();
    }
    expect(planText(stored).replace("OWNER ", "")).toBe(textBefore);
    expect(formattingKeys(stored).has("anotherMark")).toBe(false);
    expect(await deletionsBy(DEMO.owner)).toBe(ownerDeletionsBefore);
    expect(pageErrors(page)).toEqual([]);
  });
});
