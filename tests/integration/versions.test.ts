// Versions through the real server: named versions and checkpoints keep exactly what they were
// saved with; restore is a forward change that keeps comments; authorship is the server's.
import type { Node as PMNode } from "@tiptap/pm/model";
import * as encoding from "lib0/encoding";
import zlib from "node:zlib";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { commentAnchorsIn } from "../../app/editor/comment-anchors";
import { PLAN_FRAGMENT } from "../../app/editor/plan-fragment";
import { openDatabase } from "../../db";
import { typeAt, waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { anchorFor, editLikeEditor, findText, typeText } from "../helpers/pm-edit";
import { useDemoServer } from "../helpers/demo-server";
import { planApi } from "../helpers/plan-api";
import { DEMO } from "../helpers/server";

const demo = useDemoServer({ env: { VERSION_QUIET_MS: "400" } });

const api = planApi(demo);

interface VersionDetail {
  id: number;
  name: string;
  text: string;
  sections: { id: string; title: string; status: string; text: string }[];
}

async function version(id: number): Promise<VersionDetail> {
  const { status, json } = await api("viewer", "GET", `/versions/${id}`);
  expect(status).toBe(200);
  return json as unknown as VersionDetail;
}

/** The demo accounts' names (db/seed.ts): versions and compares name people, never by email. */
const NAME = { owner: "Sri Wahyuni", editor: "Tendy Gunawan" } as const;

async function versions(): Promise<{ id: number; kind: string; name: string; authors: { name: string }[] }[]> {
  return (await api("viewer", "GET", "/versions")).json.versions as never;
}

/** Closes every client and waits for the plan to unload and be compacted (it has enough updates). */
async function closeAllAndCompact(): Promise<void> {
  const compactedBefore = demo.server.logs.filter((line) => line.msg === "plan compacted" && line.plan === DEMO.planId).length;
  demo.closeClients();
  await expect
    .poll(() => demo.server.logs.filter((line) => line.msg === "plan compacted" && line.plan === DEMO.planId).length, { timeout: 10_000 })
    .toBeGreaterThan(compactedBefore);
}

describe("a named version", () => {
  it("keeps exactly its text, sections, details and matrices after more edits, compaction and a restart", async () => {
    const editor = demo.client("editor");
    await whenSynced(editor);
    typeAt(editor.doc, "Version one text. ", 0);
    await whenSaved(editor);
    const saved = await api("editor", "POST", "/versions", { name: "Draft for ILO review", note: "Before the partners' round." });
    expect(saved.status).toBe(201);
    const id = saved.json.id as number;
    const before = await version(id);
    expect(before.name).toBe("Draft for ILO review");
    expect(before.text).toContain("Version one text.");
    expect(before.sections.map((s) => s.id)).toContain("s-r193");
    expect(before.text).toContain(
      editor
        .text()
        .split("\n")
        .find((line) => line.length > 0)!,
    );

    // Change the text (250 edits: enough for compaction when the plan unloads) and a status.
    for (let i = 0; i < 250; i++) typeAt(editor.doc, "x", 1);
    await whenSaved(editor);
    const status = await fetch(`${demo.server.url}/plans/${DEMO.planId}/sections/s-r193`, {
      method: "POST",
      body: new URLSearchParams({ status: "in_review" }),
      headers: { cookie: demo.cookies.editor },
      redirect: "manual",
    });
    expect(status.status).toBe(200);
    await closeAllAndCompact();
    // Sessions live in the database: the same cookies sign in after the restart.
    await demo.server.restart();

    const db = openDatabase(demo.server.databasePath);
    try {
      const compacted = await db
        .selectFrom("plan_documents")
        .select("through_update_id")
        .where("plan_id", "=", DEMO.planId)
        .executeTakeFirst();
      expect(compacted).toBeDefined();
    } finally {
      await db.destroy();
    }
    const after = await version(id);
    expect(after).toEqual(before);
    expect(after.sections.find((s) => s.id === "s-r193")!.status).toBe("draft");
    expect(after.text).not.toContain("xxxxxxxxxx");
  });

  it("is saved by editors and owners only, with a name", async () => {
    expect((await api("viewer", "POST", "/versions", { name: "x" })).status).toBe(403);
    expect((await api("commenter", "POST", "/versions", { name: "x" })).status).toBe(403);
    expect((await api("editor", "POST", "/versions", { name: "  " })).status).toBe(422);
    expect((await api("viewer", "GET", "/versions/999999")).status).toBe(404);
    expect((await api("viewer", "GET", "/versions/abc")).status).toBe(404);
  });
});

describe("how a version is stored", () => {
  it("compressed, and one stored before compression still opens", async () => {
    const saved = await api("editor", "POST", "/versions", { name: "Stored compressed" });
    expect(saved.status).toBe(201);
    const id = saved.json.id as number;
    const db = openDatabase(demo.server.databasePath);
    try {
      const row = await db
        .selectFrom("plan_versions")
        .select(["state", "state_encoding", "plan_id"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row.state_encoding).toBe("deflate");
      const state = new Uint8Array(zlib.inflateRawSync(row.state));
      expect(row.state.byteLength).toBeLessThan(state.byteLength / 2);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      expect(doc.getXmlFragment(PLAN_FRAGMENT).toString()).toContain("Social and Solidarity Economy");
      // As versions were stored before migration 0011: the Yjs state itself.
      const { id: oldId } = await db
        .insertInto("plan_versions")
        .values({
          plan_id: row.plan_id,
          kind: "named",
          name: "Stored before",
          note: "",
          state,
          details: "[]",
          content_hash: "x",
          authors: "[]",
          created_by: null,
          created_at: Date.now(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      expect((await version(oldId)).text).toBe((await version(id)).text);
    } finally {
      await db.destroy();
    }
  });
});

describe("checkpoints", () => {
  it("are kept when editing goes quiet, with who edited, and never equal to the previous version", async () => {
    const countBefore = (await versions()).length;
    const owner = demo.client("owner");
    await whenSynced(owner);
    typeAt(owner.doc, "Checkpoint me. ", 2);
    await whenSaved(owner);
    await expect.poll(async () => (await versions()).length, { timeout: 5000 }).toBe(countBefore + 1);
    const [latest] = await versions();
    expect(latest).toMatchObject({ kind: "checkpoint" });
    expect(latest!.authors.map((a) => a.name)).toEqual([NAME.owner]);
    // Quiet again without a change: no new checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await versions()).length).toBe(countBefore + 1);
  });
});

describe("authorship", () => {
  it("records who deleted what, and takes out structs under another account's Yjs client id", async () => {
    const owner = demo.client("owner");
    const editor = demo.client("editor");
    await Promise.all([whenSynced(owner), whenSynced(editor)]);
    typeAt(owner.doc, "Owner wrote this. ", 3);
    await whenSaved(owner);
    await waitFor(() => editor.text().includes("Owner wrote this."), "the owner's text");
    editLikeEditor(editor.doc, (tr) => {
      const { from, to } = findText(editor.doc, "Owner wrote this. ");
      tr.delete(from, to);
    });
    await whenSaved(editor);
    const db = openDatabase(demo.server.databasePath);
    try {
      const editorId = (await db.selectFrom("users").select("id").where("email", "=", DEMO.editor).executeTakeFirstOrThrow()).id;
      const deletions = await db.selectFrom("plan_deletions").selectAll().where("user_id", "=", editorId).execute();
      expect(deletions.some((row) => Number(row.client_id) === owner.doc.clientID)).toBe(true);
    } finally {
      await db.destroy();
    }

    // Structs under the owner's client id, sent by the editor's socket, are taken out; the
    // rest of what that socket sends still counts.
    const impostor = demo.client("editor");
    await whenSynced(impostor);
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(owner.doc));
    forged.clientID = owner.doc.clientID; // after loading: Yjs would pick a new id on seeing its own
    typeAt(forged, "FORGED ", 4);
    Y.applyUpdate(impostor.doc, Y.encodeStateAsUpdate(forged, Y.encodeStateVector(impostor.doc)));
    typeAt(impostor.doc, "GENUINE ", 3); // elsewhere: text next to the forged run would build on it
    await whenSaved(impostor);
    const fresh = demo.client("viewer");
    await whenSynced(fresh);
    expect(fresh.text()).toContain("GENUINE");
    expect(fresh.text()).not.toContain("FORGED");
    const health = (await (await fetch(`${demo.server.url}/healthz`)).json()) as { collab: { foreignClientUpdates: number } };
    expect(health.collab.foreignClientUpdates).toBeGreaterThan(0);
  });

  it("never credits one account's text to the next person who types", async () => {
    const owner = demo.client("owner");
    const attacker = demo.client("editor");
    await Promise.all([whenSynced(owner), whenSynced(attacker)]);
    // The attacker writes after a character the owner has not typed yet, so Yjs holds it back
    // and applies it inside the owner's next update.
    const staged = new Y.Doc();
    Y.applyUpdate(staged, Y.encodeStateAsUpdate(owner.doc));
    staged.clientID = owner.doc.clientID;
    typeAt(staged, "?", 5);
    const ownersNextChar = Y.encodeStateVector(staged);
    const attackerDoc = new Y.Doc();
    Y.applyUpdate(attackerDoc, Y.encodeStateAsUpdate(staged));
    typeAt(attackerDoc, "PLANTED ", 5, 1);
    attacker.provider.ws!.send(updateMessage(Y.encodeStateAsUpdate(attackerDoc, ownersNextChar)));
    typeAt(owner.doc, "?", 5);
    await whenSaved(owner);
    await waitFor(() => owner.text().includes("PLANTED"), "the held-back text to arrive with the owner's");
    // The planted text is the attacker's (the editor account's), not the owner's.
    const db = openDatabase(demo.server.databasePath);
    try {
      const ids = Object.fromEntries(
        (await db.selectFrom("users").select(["id", "email"]).where("email", "in", [DEMO.owner, DEMO.editor]).execute()).map((u) => [
          u.email,
          u.id,
        ]),
      );
      const binding = await db
        .selectFrom("plan_clients")
        .select("user_id")
        .where("plan_id", "=", DEMO.planId)
        .where("client_id", "=", attackerDoc.clientID)
        .executeTakeFirstOrThrow();
      expect(binding.user_id).toBe(ids[DEMO.editor]);
      expect(binding.user_id).not.toBe(ids[DEMO.owner]);
    } finally {
      await db.destroy();
    }
  });
});

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // sync
  encoding.writeVarUint(encoder, 2); // update
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

describe("compare", () => {
  it("finds exactly a scripted sequence of edits, word-level, each attributed to its account", async () => {
    const owner = demo.client("owner");
    const editor = demo.client("editor");
    await Promise.all([whenSynced(owner), whenSynced(editor)]);
    const from = (await api("owner", "POST", "/versions", { name: "Before the script" })).json.id as number;

    editLikeEditor(owner.doc, (tr) => typeText(tr, findText(owner.doc, "While the term").from, "Indeed, "));
    await whenSaved(owner);
    await waitFor(() => editor.text().includes("Indeed, "), "the owner's insert");
    editLikeEditor(editor.doc, (tr) => {
      const { from: at, to } = findText(editor.doc, " well known");
      tr.delete(at, to);
    });
    // A change inside a word: "cooperatives" → "co-operatives".
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "cooperatives and wider").from + 2, "-"));
    // A matrix cell.
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "150 participants").from, "at least "));
    // A moved section: "3. Regulatory aspects" up above "2. Alignment".
    editLikeEditor(editor.doc, (tr) => {
      let regulation: { node: PMNode; pos: number } | undefined;
      let alignmentPos = -1;
      tr.doc.forEach((node, pos) => {
        if (node.attrs.id === "s-regulation") regulation = { node, pos };
        if (node.attrs.id === "s-r193") alignmentPos = pos;
      });
      tr.delete(regulation!.pos, regulation!.pos + regulation!.node.nodeSize);
      tr.insert(alignmentPos, regulation!.node);
    });
    await whenSaved(editor);
    await waitFor(() => owner.text() === editor.text(), "convergence");

    const { status, json } = await api("viewer", "GET", `/compare?from=${from}&to=current`);
    expect(status).toBe(200);
    // Every member reads a compare: no email address of anyone is in it.
    expect(JSON.stringify(json)).not.toMatch(/@[a-z]+\.example/);
    const changes = (json.changes as { sectionId: string; type: string; text: string; author: { name: string } | null }[]).map((c) => ({
      sectionId: c.sectionId,
      type: c.type,
      text: c.text.trim(),
      author: c.author?.name,
    }));
    expect(changes).toEqual(
      expect.arrayContaining([
        { sectionId: "s-concept", type: "insert", text: "Indeed,", author: NAME.owner },
        { sectionId: "s-concept", type: "delete", text: "well known", author: NAME.editor },
        { sectionId: "s-r193", type: "delete", text: "cooperatives", author: NAME.editor },
        { sectionId: "s-r193", type: "insert", text: "co-operatives", author: NAME.editor },
      ]),
    );
    expect(changes.filter((c) => c.sectionId === "s-actions").map((c) => [c.type, c.author])).toContainEqual(["insert", NAME.editor]);
    // Nothing else changed: the moved section's text is not shown as rewritten.
    expect(changes.filter((c) => c.sectionId === "s-regulation")).toEqual([]);
    const summary = json.summary as { sectionsMoved: string[]; sectionsAdded: string[]; sectionsRemoved: string[] };
    expect(summary.sectionsMoved.length).toBeGreaterThan(0);
    expect(summary.sectionsAdded).toEqual([]);
    expect(summary.sectionsRemoved).toEqual([]);
  });
});

describe("restore", () => {
  it("brings back a whole version or one section as a forward change; comments on unchanged text stay", async () => {
    const editor = demo.client("editor");
    const owner = demo.client("owner");
    await Promise.all([whenSynced(editor), whenSynced(owner)]);
    const saved = (await api("editor", "POST", "/versions", { name: "Before changes" })).json.id as number;
    const old = await version(saved);

    // A comment on text that will not change, then changes in two sections.
    const comment = await api("commenter", "POST", "/threads", { body: "Keep this.", anchor: anchorFor(editor.doc, "Gotong royong") });
    expect(comment.status).toBe(201);
    const threadId = (comment.json as { id: string }).id;
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "While the term").from, "CHANGED-CONCEPT "));
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "The ILO's activities").from, "CHANGED-R193 "));
    await whenSaved(editor);
    await waitFor(() => owner.text().includes("CHANGED-R193") && commentAnchorsIn(owner.doc).has(threadId), "the edits and the mark");

    // One section only.
    const one = await api("editor", "POST", `/versions/${saved}/restore`, { sectionId: "s-r193" });
    expect(one).toMatchObject({ status: 200, json: { restored: true } });
    await waitFor(() => !owner.text().includes("CHANGED-R193"), "the section restore to arrive");
    expect(owner.text()).toContain("CHANGED-CONCEPT");
    expect(commentAnchorsIn(owner.doc).get(threadId)?.text).toBe("Gotong royong");

    // The whole version.
    expect((await api("viewer", "POST", `/versions/${saved}/restore`)).status).toBe(403);
    expect((await api("owner", "POST", `/versions/${saved}/restore`)).json).toEqual({ restored: true });
    await waitFor(() => !owner.text().includes("CHANGED-CONCEPT"), "the restore to arrive");
    await waitFor(() => editor.text() === owner.text(), "convergence");
    expect(owner.text()).toBe(old.text);
    expect(commentAnchorsIn(owner.doc).get(threadId)?.text).toBe("Gotong royong");
    // History keeps the text before and after each restore.
    const kinds = (await versions()).slice(0, 3).map((v) => v.kind);
    expect(kinds).toEqual(["checkpoint", "checkpoint", "checkpoint"]);
  });
});

describe("limits", () => {
  it("refuses an account saving versions in a loop with a clear 429 (each one copies the plan)", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api("owner", "POST", "/versions", { name: `Loop ${i}` })));
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.json.error).toMatch(/too quickly/);
  });
});
