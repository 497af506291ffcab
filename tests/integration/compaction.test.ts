// Compaction through the real server (docs/decisions/0012-compaction-keeps-attribution-not-updates.md):
// once a plan's update rows are folded into one state and its ledgers, compare and history
// answer as they did from the rows, after a restart too, and the plan opens from that state.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { typeAt, waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { editLikeEditor, findText, typeText } from "../helpers/pm-edit";
import { useDemoServer } from "../helpers/demo-server";
import { planApi } from "../helpers/plan-api";
import { DEMO } from "../helpers/server";

const demo = useDemoServer();

const api = planApi(demo);

/** What a compare says, without the moment "current" was read. */
async function comparison(from: number, to: number | "current") {
  const { status, json } = await api("viewer", "GET", `/compare?from=${from}&to=${to}`);
  expect(status).toBe(200);
  const { changes, summary } = json;
  return { changes, summary };
}

async function history() {
  return (await api("viewer", "GET", "/versions")).json.versions;
}

async function countRows(table: "plan_updates" | "plan_deletions"): Promise<number> {
  const db = openDatabase(demo.server.databasePath);
  try {
    return (await db.selectFrom(table).select("plan_id").where("plan_id", "=", DEMO.planId).execute()).length;
  } finally {
    await db.destroy();
  }
}

const NAME = { owner: "Sri Wahyuni", editor: "Tendy Gunawan" } as const;

describe("after compaction", () => {
  it("compare and history say who inserted and who deleted what as before, after a restart too", async () => {
    const owner = demo.client("owner");
    const editor = demo.client("editor");
    await Promise.all([whenSynced(owner), whenSynced(editor)]);
    const before = (await api("owner", "POST", "/versions", { name: "Before" })).json.id as number;

    // Each writes; each deletes some of the other's words and of the seeded text.
    editLikeEditor(owner.doc, (tr) => typeText(tr, findText(owner.doc, "While the term").from, "Owner wrote zzqq words. "));
    await whenSaved(owner);
    await waitFor(() => editor.text().includes("Owner wrote zzqq words."), "the owner's words");
    editLikeEditor(editor.doc, (tr) => {
      const { from, to } = findText(editor.doc, "zzqq ");
      tr.delete(from, to);
    });
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "The ILO's activities").from, "Editor added qqzz sentence. "));
    editLikeEditor(editor.doc, (tr) => {
      const { from, to } = findText(editor.doc, " well known");
      tr.delete(from, to);
    });
    await whenSaved(editor);
    await waitFor(() => owner.text().includes("Editor added qqzz sentence."), "the editor's words");
    editLikeEditor(owner.doc, (tr) => {
      const { from, to } = findText(owner.doc, "qqzz ");
      tr.delete(from, to);
    });
    // Enough updates for compaction when the plan unloads: typed and deleted again, by two people.
    for (let i = 0; i < 220; i++) typeAt(editor.doc, "x", 1);
    await whenSaved(editor);
    await waitFor(() => owner.text().includes("x".repeat(220)), "the x's");
    editLikeEditor(owner.doc, (tr) => {
      const { from, to } = findText(owner.doc, "x".repeat(220));
      tr.delete(from, to);
    });
    await whenSaved(owner);
    await waitFor(() => editor.text() === owner.text(), "convergence");
    const text = owner.text();
    const after = (await api("editor", "POST", "/versions", { name: "After" })).json.id as number;

    const toCurrent = await comparison(before, "current");
    const toAfter = await comparison(before, after);
    const changes = (toCurrent.changes as { type: string; text: string; author: { name: string } | null }[]).map((c) => [
      c.type,
      c.text.trim(),
      c.author?.name,
    ]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ["insert", "Owner wrote words.", NAME.owner],
        ["insert", "Editor added sentence.", NAME.editor],
        ["delete", "well known", NAME.editor],
      ]),
    );
    const versionsBefore = await history();
    const rowsBefore = await countRows("plan_updates");
    expect(await countRows("plan_deletions")).toBeGreaterThan(0);

    const compactedBefore = demo.server.logs.filter((line) => line.msg === "plan compacted" && line.plan === DEMO.planId).length;
    demo.closeClients();
    await expect
      .poll(() => demo.server.logs.filter((line) => line.msg === "plan compacted" && line.plan === DEMO.planId).length, { timeout: 10_000 })
      .toBeGreaterThan(compactedBefore);
    expect(rowsBefore).toBeGreaterThan(220);
    expect(await countRows("plan_updates")).toBe(0);
    expect(await countRows("plan_deletions")).toBe(0);

    // A fresh process: nothing cached; the plan opens from its compacted state.
    await demo.server.restart();
    expect(await comparison(before, "current")).toEqual(toCurrent);
    expect(await comparison(before, after)).toEqual(toAfter);
    // The versions listed before (a checkpoint may have been kept as the plan unloaded).
    expect(await history()).toEqual(expect.arrayContaining(versionsBefore as unknown[]));
    const reader = demo.client("viewer");
    await whenSynced(reader);
    expect(reader.text()).toBe(text);

    // Editing goes on after compaction: the editor deletes the owner's words, credited to them.
    const editor2 = demo.client("editor");
    await whenSynced(editor2);
    editLikeEditor(editor2.doc, (tr) => {
      const { from, to } = findText(editor2.doc, "Owner wrote ");
      tr.delete(from, to);
    });
    await whenSaved(editor2);
    const later = (await comparison(before, "current")).changes as { type: string; text: string; author: { name: string } | null }[];
    expect(later.map((c) => [c.type, c.text.trim(), c.author?.name])).toEqual(
      expect.arrayContaining([
        ["insert", "words.", NAME.owner],
        ["delete", "well known", NAME.editor],
      ]),
    );
  });
});
