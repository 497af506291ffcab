// Suggestions through the real server, for every reader of the plan (docs/suggestions.md,
// "Readers and Word out"): an editor's y-websocket client writes suggestion marks the way the
// editor does; Markdown, print, the actions CSV and a version's text show the accepted text only,
// the version keeps the suggestions, and the Word file carries them as tracked changes under the
// suggester's name, each section heading in a bookmark named from its id.
import type { Node as PMNode } from "@tiptap/pm/model";
import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { readActionRows } from "../../app/editor/action-matrix";
import { planRoot, planSchema } from "../../app/editor/document.server";
import { acceptedDocument, allAcceptedDocument, newSuggestionId } from "../../app/editor/suggestion-marks";
import { sectionIdFromBookmark } from "../../app/export/section-bookmarks";
import { openDatabase } from "../../db";
import { whenSaved, whenSynced } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { blockTexts, documentXml, isInOrder, reviewedParagraphs } from "../helpers/docx-review";
import { editLikeEditor, findText, pmDocOf } from "../helpers/pm-edit";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();

const INSERTED = " with SUGGESTEDWORDING";
const CELL_INSERTED = " SUGGESTEDCELL";
const DELETED = "more than ";

function get(path: string, role: DemoRole = "viewer"): Promise<Response> {
  return fetch(`${demo.server.url}${path}`, { headers: { cookie: demo.cookies[role] } });
}

let editorId = 0;
/** The version saved while the suggestions are open. */
let suggestedVersionId = 0;
/** The plan as the editor's document holds it after suggesting: with its open suggestions. */
let suggested: PMNode;

beforeAll(async () => {
  const db = openDatabase(demo.server.databasePath);
  try {
    editorId = (await db.selectFrom("users").select("id").where("email", "=", DEMO.editor).executeTakeFirstOrThrow()).id;
  } finally {
    await db.destroy();
  }
  const editor = demo.client("editor");
  await whenSynced(editor);
  const schema = planSchema();
  const insertion = schema.marks.suggestionInsert!.create({ id: newSuggestionId(), authorId: editorId });
  const deletion = schema.marks.suggestionDelete!.create({ id: newSuggestionId(), authorId: editorId });
  const cellInsertion = schema.marks.suggestionInsert!.create({ id: newSuggestionId(), authorId: editorId });
  const target = readActionRows(pmDocOf(editor.doc))[0]!.cells.target;
  editLikeEditor(editor.doc, (tr) => {
    const phrase = findText(editor.doc, "used by more than 110 member States");
    tr.insert(phrase.to, schema.text(INSERTED, [insertion]));
    tr.addMark(phrase.from + "used by ".length, phrase.from + "used by ".length + DELETED.length, deletion);
  });
  editLikeEditor(editor.doc, (tr) => {
    const cell = findText(editor.doc, target);
    tr.insert(cell.to, schema.text(CELL_INSERTED, [cellInsertion]));
  });
  await whenSaved(editor);
  suggested = pmDocOf(editor.doc);
  editor.destroy();
});

describe("readers show the accepted text", () => {
  it("the Markdown download leaves open insertions out and keeps open deletions", async () => {
    const markdown = await (await get(`/plans/${DEMO.planId}/export.md`)).text();
    expect(markdown).toContain("used by more than 110 member States");
    expect(markdown).not.toContain("SUGGESTED");
  });

  it("the print view leaves open insertions out and keeps open deletions", async () => {
    const html = await (await get(`/plans/${DEMO.planId}/print`)).text();
    expect(html).toContain("used by more than 110 member States");
    expect(html).not.toContain("SUGGESTED");
  });

  it("the actions CSV shows the cells' accepted text", async () => {
    const csv = await (await get(`/plans/${DEMO.planId}/actions.csv`)).text();
    expect(csv).toContain(readActionRows(acceptedDocument(suggested))[0]!.cells.target);
    expect(csv).not.toContain("SUGGESTED");
  });

  it("a version's text is the accepted text, and the version keeps the suggestions for a restore", async () => {
    const created = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/versions`, {
      method: "POST",
      headers: { cookie: demo.cookies.editor, "content-type": "application/json", origin: demo.server.url },
      body: JSON.stringify({ name: "With suggestions" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    suggestedVersionId = id;
    const version = (await (await get(`/api/plans/${DEMO.planId}/versions/${id}`)).json()) as {
      text: string;
      sections: { text: string }[];
      state: string;
    };
    expect(version.text).toContain("used by more than 110 member States");
    expect(version.text).not.toContain("SUGGESTED");
    expect(version.sections.map((section) => section.text).join("\n")).not.toContain("SUGGESTED");
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(Buffer.from(version.state, "base64")));
    expect(planRoot(doc).textContent).toContain("SUGGESTEDWORDING");

    // Its Word file carries them as tracked changes too.
    const xml = await documentXml(await (await get(`/plans/${DEMO.planId}/export.docx?version=${id}`)).arrayBuffer());
    expect(xml).toMatch(
      /<w:ins w:id="\d+" w:author="Tendy Gunawan \(ILO\)" w:date="[\dT:-]+Z"><w:r>(<w:rPr>.*?<\/w:rPr>)?<w:t xml:space="preserve"> with SUGGESTEDWORDING/,
    );
  });
});

describe("the Word file", () => {
  let xml: string;
  beforeAll(async () => {
    const response = await get(`/plans/${DEMO.planId}/export.docx`);
    expect(response.status).toBe(200);
    xml = await documentXml(await response.arrayBuffer());
  });

  it("carries open suggestions as tracked changes under the suggester's name", () => {
    expect(xml).toMatch(
      /<w:ins w:id="\d+" w:author="Tendy Gunawan \(ILO\)" w:date="[\dT:-]+Z"><w:r>(<w:rPr>.*?<\/w:rPr>)?<w:t xml:space="preserve"> with SUGGESTEDWORDING<\/w:t>/,
    );
    expect(xml).toMatch(
      /<w:ins w:id="\d+" w:author="Tendy Gunawan \(ILO\)" w:date="[^"]+"><w:r>(<w:rPr>.*?<\/w:rPr>)?<w:t xml:space="preserve"> SUGGESTEDCELL<\/w:t>/,
    );
    expect(xml).toMatch(
      /<w:del w:id="\d+" w:author="Tendy Gunawan \(ILO\)" w:date="[^"]+"><w:r>(<w:rPr>.*?<\/w:rPr>)?<w:delText xml:space="preserve">more than <\/w:delText>/,
    );
  });

  it("gives Gotong's text when every change is accepted in Word, and the accepted text when every one is rejected", () => {
    const accepted = reviewedParagraphs(xml, "accept");
    expect(isInOrder(blockTexts(allAcceptedDocument(suggested)), accepted)).toBe(true);
    expect(accepted.join("\n")).toContain("used by 110 member States with SUGGESTEDWORDING");
    const rejected = reviewedParagraphs(xml, "reject");
    expect(isInOrder(blockTexts(acceptedDocument(suggested)), rejected)).toBe(true);
    expect(rejected.join("\n")).not.toContain("SUGGESTED");
  });

  it("puts each section heading in a bookmark named from the section's id", () => {
    const names = [...xml.matchAll(/<w:bookmarkStart w:name="([^"]+)" w:id="\d+"\/>/g)].map(([, name]) => name!);
    const ids = [] as string[];
    suggested.forEach((section) => ids.push(String(section.attrs.id)));
    expect(ids.length).toBeGreaterThan(1);
    expect(names.map(sectionIdFromBookmark)).toEqual(ids);
  });
});

describe("compare", () => {
  it("credits an accepted suggestion to its suggester and says who accepted it", async () => {
    expect(suggestedVersionId).toBeGreaterThan(0);
    // The editor accepts their own suggestions: the insertion loses its mark, the deletion's words go.
    const editor = demo.client("editor");
    await whenSynced(editor);
    const schema = planSchema();
    editLikeEditor(editor.doc, (tr) => {
      const insertion = findText(editor.doc, INSERTED);
      tr.removeMark(insertion.from, insertion.to, schema.marks.suggestionInsert!);
      const deletion = findText(editor.doc, `used by ${DELETED}`);
      tr.delete(deletion.from + "used by ".length, deletion.to);
    });
    await whenSaved(editor);
    editor.destroy();

    const response = await get(`/api/plans/${DEMO.planId}/compare?from=${suggestedVersionId}&to=current`);
    expect(response.status).toBe(200);
    const comparison = (await response.json()) as {
      sections: {
        blocks: { parts: { type: string; text: string; author: { name: string } | null; acceptedBy?: { name: string } | null }[] }[];
      }[];
    };
    const changed = comparison.sections.flatMap((section) =>
      section.blocks.flatMap((block) => block.parts.filter((part) => part.type !== "equal")),
    );
    // The cell's suggestion is still open: no change.
    expect(changed.map((part) => part.text).join("")).not.toContain("SUGGESTEDCELL");
    expect(changed).toContainEqual(expect.objectContaining({ type: "insert", text: expect.stringContaining("SUGGESTEDWORDING") }));
    const deletion = changed.find((part) => part.type === "delete")!;
    expect(deletion).toMatchObject({ text: DELETED, author: { name: "Tendy Gunawan" }, acceptedBy: { name: "Tendy Gunawan" } });

    const xml = await documentXml(
      await (await get(`/plans/${DEMO.planId}/compare.docx?from=${suggestedVersionId}&to=current`)).arrayBuffer(),
    );
    expect(xml).toContain('w:author="Tendy Gunawan (ILO), accepted by Tendy Gunawan"');
  });
});
