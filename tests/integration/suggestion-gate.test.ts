// What a person who may only suggest can change over the socket, whatever their client sends
// (server/collab/suggestion-gate.ts): real y-websocket clients against the real server, with
// edits made the way the editor's binding makes them and by hand on the Yjs types.
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_NOT_A_SUGGESTION } from "../../app/collab/protocol";
import { planSchema } from "../../app/editor/document.server";
import { newSuggestionId, SUGGESTION_DELETE, SUGGESTION_INSERT } from "../../app/editor/suggestion-marks";
import { openDatabase } from "../../db";
import { connectClient, paragraphText, waitFor, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { editLikeEditor, findText, pmDocOf } from "../helpers/pm-edit";
import { DEMO, signInEveryone, startServer, storedPlanText, type TestServer } from "../helpers/server";

let server: TestServer;
let cookies: Record<string, string>;
const ids: Record<string, number> = {};
const clients: TestClient[] = [];

function client(role: "owner" | "editor" | "commenter" | "viewer"): TestClient {
  const c = connectClient(server.wsUrl, DEMO.planId, cookies[role]!);
  clients.push(c);
  return c;
}

async function health(): Promise<{ collab: Record<string, number> }> {
  return (await fetch(`${server.url}/healthz`)).json() as Promise<{ collab: Record<string, number> }>;
}

function whenClosedWith(c: TestClient): Promise<number> {
  return new Promise((resolve) => c.provider.once("connection-close", (event: { code: number } | null) => resolve(event?.code ?? 0)));
}

const insertMark = (id: string, authorId: number) => planSchema().marks[SUGGESTION_INSERT]!.create({ id, authorId });
const deleteMark = (id: string, authorId: number) => planSchema().marks[SUGGESTION_DELETE]!.create({ id, authorId });

/** A word of the first paragraph, to build on. */
function firstWords(doc: Y.Doc): string {
  return paragraphText(doc)
    .toString()
    .replace(/<[^>]*>/g, "")
    .split(" ")
    .slice(0, 2)
    .join(" ");
}

/** Refused: the socket is closed with the suggestion code, and nothing of it reaches anyone. */
async function expectRefused(hostile: TestClient, edit: () => void, marker: string | null): Promise<void> {
  const honest = client("owner");
  await whenSynced(honest);
  const before = honest.text();
  const refusedBefore = (await health()).collab.notASuggestion!;
  const closed = whenClosedWith(hostile);
  edit();
  expect(await closed).toBe(CLOSE_NOT_A_SUGGESTION);
  expect((await health()).collab.notASuggestion).toBeGreaterThan(refusedBefore);
  // The server closed the socket while handling the update: whatever it applied is there by now.
  const fresh = client("viewer");
  await whenSynced(fresh);
  expect(fresh.text()).toBe(before);
  expect(honest.text()).toBe(before);
  if (marker) expect(await storedPlanText(server.databasePath, DEMO.planId, { withSuggestions: true })).not.toContain(marker);
}

beforeAll(async () => {
  server = await startServer();
  cookies = await signInEveryone(server.url);
  const db = openDatabase(server.databasePath);
  for (const role of ["owner", "editor", "commenter", "viewer"] as const) {
    ids[role] = (await db.selectFrom("users").select("id").where("email", "=", DEMO[role]).executeTakeFirstOrThrow()).id;
  }
  await db.destroy();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.stop();
  server.cleanup();
});

describe("a commenter's own suggestions", () => {
  it("proposed words, typed the way the editor types them, are stored and reach everyone", async () => {
    const commenter = client("commenter");
    const editor = client("editor");
    await Promise.all([whenSynced(commenter), whenSynced(editor)]);
    const id = newSuggestionId();
    const { from } = findText(commenter.doc, firstWords(commenter.doc));
    editLikeEditor(commenter.doc, (tr) => tr.insert(from, planSchema().text("PROPOSED-WORDS ", [insertMark(id, ids.commenter!)])));
    await whenSaved(commenter);
    // Open suggestions are not part of the accepted text (planText): read the document itself.
    await waitFor(() => pmDocOf(editor.doc).textContent.includes("PROPOSED-WORDS"), "the suggestion to reach the editor");
    // Carried as the commenter's suggestion, not as plain text.
    const marks = new Set<string>();
    pmDocOf(editor.doc).descendants((node) => {
      if (node.text?.includes("PROPOSED-WORDS")) for (const mark of node.marks) marks.add(`${mark.type.name}:${mark.attrs.authorId}`);
    });
    expect(marks).toEqual(new Set([`${SUGGESTION_INSERT}:${ids.commenter}`]));
  });

  it("a proposed deletion marks the words, and taking it back, or one's own proposed words, is allowed", async () => {
    const commenter = client("commenter");
    await whenSynced(commenter);
    const words = firstWords(commenter.doc);
    const { from, to } = findText(commenter.doc, words);
    const id = newSuggestionId();
    editLikeEditor(commenter.doc, (tr) => tr.addMark(from, to, deleteMark(id, ids.commenter!)));
    await whenSaved(commenter);
    editLikeEditor(commenter.doc, (tr) => tr.removeMark(from, to, deleteMark(id, ids.commenter!)));
    await whenSaved(commenter);
    // Deleting the words this commenter proposed earlier (their own undo).
    const proposed = findText(commenter.doc, "PROPOSED-WORDS ");
    editLikeEditor(commenter.doc, (tr) => tr.delete(proposed.from, proposed.to));
    await whenSaved(commenter);
    expect(commenter.provider.wsconnected).toBe(true);
    await expect.poll(() => storedPlanText(server.databasePath, DEMO.planId, { withSuggestions: true })).not.toContain("PROPOSED-WORDS");
  });

  it("words typed into an empty paragraph as a suggestion are allowed", async () => {
    const editor = client("editor");
    await whenSynced(editor);
    editLikeEditor(editor.doc, (tr) => {
      const { to } = findText(editor.doc, firstWords(editor.doc));
      const $end = tr.doc.resolve(to);
      tr.insert($end.after($end.depth), planSchema().nodes.paragraph!.create());
    });
    await whenSaved(editor);
    const commenter = client("commenter");
    await whenSynced(commenter);
    let emptyAt = -1;
    pmDocOf(commenter.doc).descendants((node, pos) => {
      if (emptyAt < 0 && node.type.name === "paragraph" && node.content.size === 0) emptyAt = pos + 1;
      return emptyAt < 0;
    });
    expect(emptyAt).toBeGreaterThan(0);
    editLikeEditor(commenter.doc, (tr) =>
      tr.insert(emptyAt, planSchema().text("FIRST-WORDS", [insertMark(newSuggestionId(), ids.commenter!)])),
    );
    await whenSaved(commenter);
    await expect.poll(() => storedPlanText(server.databasePath, DEMO.planId, { withSuggestions: true })).toContain("FIRST-WORDS");
  });
});

describe("what a commenter's modified client cannot do", () => {
  it("delete accepted text", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    const words = firstWords(hostile.doc);
    await expectRefused(hostile, () => paragraphText(hostile.doc).delete(0, 5), null);
    expect(await storedPlanText(server.databasePath, DEMO.planId, { withSuggestions: true })).toContain(words);
  });

  it("type plain text", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    await expectRefused(hostile, () => paragraphText(hostile.doc).insert(0, "PLAIN-TEXT "), "PLAIN-TEXT");
  });

  it("propose words under someone else's name", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    const mark = { id: newSuggestionId(), authorId: ids.owner };
    await expectRefused(hostile, () => paragraphText(hostile.doc).insert(0, "FORGED-NAME ", { [SUGGESTION_INSERT]: mark }), "FORGED-NAME");
  });

  it("write text that carries its own mark and someone else's", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    const own = { id: newSuggestionId(), authorId: ids.commenter };
    const theirs = { id: newSuggestionId(), authorId: ids.editor };
    await expectRefused(
      hostile,
      () => paragraphText(hostile.doc).insert(0, "TWO-NAMES ", { [SUGGESTION_INSERT]: own, [`${SUGGESTION_DELETE}--AAAAAAAA`]: theirs }),
      "TWO-NAMES",
    );
  });

  it("format accepted text", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    await expectRefused(hostile, () => paragraphText(hostile.doc).format(0, 4, { bold: {} }), null);
  });

  it("take away someone else's proposed deletion", async () => {
    const editor = client("editor");
    await whenSynced(editor);
    const words = firstWords(editor.doc);
    const { from, to } = findText(editor.doc, words);
    const theirs = deleteMark(newSuggestionId(), ids.editor!);
    editLikeEditor(editor.doc, (tr) => tr.addMark(from, to, theirs));
    await whenSaved(editor);
    const hostile = client("commenter");
    await whenSynced(hostile);
    await expectRefused(hostile, () => editLikeEditor(hostile.doc, (tr) => tr.removeMark(from, to, theirs)), null);
    // The editor's proposal is still there for everyone.
    const fresh = client("viewer");
    await whenSynced(fresh);
    let marked = false;
    pmDocOf(fresh.doc).descendants((node) => {
      if (node.marks.some((mark) => mark.eq(theirs))) marked = true;
    });
    expect(marked).toBe(true);
  });

  it("accept a suggestion by taking its mark off its words", async () => {
    const proposer = client("commenter");
    await whenSynced(proposer);
    const id = newSuggestionId();
    const { from } = findText(proposer.doc, firstWords(proposer.doc));
    editLikeEditor(proposer.doc, (tr) => tr.insert(from, planSchema().text("SELF-ACCEPT ", [insertMark(id, ids.commenter!)])));
    await whenSaved(proposer);
    const span = findText(proposer.doc, "SELF-ACCEPT ");
    await expectRefused(
      proposer,
      () => editLikeEditor(proposer.doc, (tr) => tr.removeMark(span.from, span.to, insertMark(id, ids.commenter!))),
      null,
    );
  });

  it("add a paragraph or an element", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    const section = hostile.doc.getXmlFragment("default").get(0) as Y.XmlElement;
    const paragraph = new Y.XmlElement("paragraph");
    await expectRefused(hostile, () => section.insert(1, [paragraph]), null);
  });

  it("change an element's attribute", async () => {
    const hostile = client("commenter");
    await whenSynced(hostile);
    const section = hostile.doc.getXmlFragment("default").get(0) as Y.XmlElement;
    await expectRefused(hostile, () => section.setAttribute("id", "s-hijacked"), null);
  });
});

describe("suggestion marks for everyone", () => {
  it("an editor may not write a suggestion under someone else's name, only under their own", async () => {
    const hostile = client("editor");
    await whenSynced(hostile);
    const forged = { id: newSuggestionId(), authorId: ids.commenter };
    await expectRefused(
      hostile,
      () => paragraphText(hostile.doc).insert(0, "EDITOR-FORGED ", { [SUGGESTION_INSERT]: forged }),
      "EDITOR-FORGED",
    );
    const honest = client("editor");
    await whenSynced(honest);
    paragraphText(honest.doc).insert(0, "EDITOR-OWN ", { [SUGGESTION_INSERT]: { id: newSuggestionId(), authorId: ids.editor } });
    await whenSaved(honest);
    await expect.poll(() => storedPlanText(server.databasePath, DEMO.planId, { withSuggestions: true })).toContain("EDITOR-OWN");
  });

  it("nobody may reuse another person's suggestion id", async () => {
    const editor = client("editor");
    await whenSynced(editor);
    const id = newSuggestionId();
    paragraphText(editor.doc).insert(0, "FIRST-OWNER ", { [SUGGESTION_INSERT]: { id, authorId: ids.editor } });
    await whenSaved(editor);
    const hostile = client("commenter");
    await whenSynced(hostile);
    await expectRefused(
      hostile,
      () => paragraphText(hostile.doc).insert(0, "SAME-ID ", { [SUGGESTION_INSERT]: { id, authorId: ids.commenter } }),
      "SAME-ID",
    );
  });
});
