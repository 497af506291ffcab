// Suggestions the server writes: a proposed replacement changes nothing but suggestion marks
// and the new words, and accepting or rejecting keeps everyone's concurrent edits
// (docs/suggestions.md, "Data and API").
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { planSchema, planUpdateFromJSON, readSections } from "../../app/editor/document.server";
import {
  prepareSuggestionEdit,
  prepareSuggestionResolution,
  type SuggestionEditRequest,
  type SuggestionSelection,
} from "../../app/editor/suggestion-edits";
import { acceptedDocument, suggestionsInDocument } from "../../app/editor/suggestion-marks";
import { editLikeEditor, findText, pmDocOf, typeText } from "../helpers/pm-edit";

const content = {
  type: "doc",
  content: [
    {
      type: "section",
      attrs: { id: "s-one" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Financing" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Cooperatives need " },
            { type: "text", marks: [{ type: "bold" }], text: "patient capital" },
            { type: "text", text: " from public banks to grow." },
          ],
        },
        { type: "paragraph", content: [{ type: "text", text: "Banks lend to banks." }] },
      ],
    },
    {
      type: "section",
      attrs: { id: "s-two" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Markets" }] },
        { type: "paragraph", content: [{ type: "text", text: "Public procurement should reserve a share." }] },
      ],
    },
  ],
};

function newDoc(): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(content));
  return doc;
}

function sync(...docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

/** Every character of the section, open suggestions' words included. */
function sectionText(doc: Y.Doc, sectionId: string): string {
  let text = "";
  pmDocOf(doc).forEach((section) => {
    if (section.attrs.id === sectionId) text = section.textBetween(0, section.content.size, "\n");
  });
  return text;
}

const ids = { a: "g-aaaaaaaaaaaa", b: "g-bbbbbbbbbbbb", c: "g-cccccccccccc" };

function suggest(doc: Y.Doc, request: Partial<SuggestionEditRequest> & Pick<SuggestionEditRequest, "find" | "replaceWith">): void {
  const prepared = prepareSuggestionEdit(doc, planSchema(), { sectionId: "s-one", authorId: 7, suggestionId: ids.a, ...request });
  if (!prepared.ok) throw new Error(prepared.reason);
  Y.applyUpdate(doc, prepared.update);
}

function resolve(doc: Y.Doc, selection: SuggestionSelection, resolution: "accept" | "reject"): void {
  const prepared = prepareSuggestionResolution(doc, planSchema(), selection, resolution);
  if (!prepared.ok) throw new Error(prepared.reason);
  Y.applyUpdate(doc, prepared.update);
}

function acceptedSectionText(doc: Y.Doc, sectionId: string): string {
  let text = "";
  acceptedDocument(pmDocOf(doc)).forEach((section) => {
    if (section.attrs.id === sectionId) text = section.textBetween(0, section.content.size, "\n");
  });
  return text;
}

describe("a suggested replacement", () => {
  it("strikes only the words that change and inserts the new ones after them, leaving the accepted text as it was", () => {
    const doc = newDoc();
    const prepared = prepareSuggestionEdit(doc, planSchema(), {
      sectionId: "s-one",
      find: "from public banks",
      replaceWith: "from cooperative banks",
      authorId: 7,
      suggestionId: ids.a,
    });
    expect(prepared).toMatchObject({
      ok: true,
      suggestion: { id: ids.a, authorId: 7, sectionId: "s-one", deleted: "public", inserted: "cooperative" },
    });
    expect(suggestionsInDocument(pmDocOf(doc))).toEqual([]); // the live document is not touched
    Y.applyUpdate(doc, (prepared as { update: Uint8Array }).update);
    expect(sectionText(doc, "s-one")).toContain("from publiccooperative banks");
    expect(acceptedSectionText(doc, "s-one")).toContain("from public banks to grow.");
  });

  it("takes the formatting of the words it replaces", () => {
    const doc = newDoc();
    suggest(doc, { find: "patient capital", replaceWith: "long-term capital" });
    let insertedMarks: string[] = [];
    pmDocOf(doc).descendants((node) => {
      if (node.isText && node.text === "long-term") insertedMarks = node.marks.map((mark) => mark.type.name);
    });
    expect(insertedMarks).toEqual(["bold", "suggestionInsert"]);
  });

  it("proposes a deletion when replaceWith is empty, and an insertion when it only adds words", () => {
    const doc = newDoc();
    suggest(doc, { find: " to grow", replaceWith: "" });
    suggest(doc, { find: "Banks lend", replaceWith: "Banks often lend", suggestionId: ids.b });
    const found = suggestionsInDocument(pmDocOf(doc));
    expect(found.map(({ id, inserted, deleted }) => ({ id, inserted, deleted }))).toEqual([
      { id: ids.a, inserted: "", deleted: " to grow" },
      { id: ids.b, inserted: "often ", deleted: "" },
    ]);
  });

  it("changes whole words: what both texts share is cut back to a word boundary", () => {
    const doc = newDoc();
    suggest(doc, { find: "Banks lend to banks", replaceWith: "Banks lent to banks" });
    expect(suggestionsInDocument(pmDocOf(doc))).toMatchObject([{ deleted: "lend", inserted: "lent" }]);
  });

  it("refuses text that is not in the section, or is there more than once", () => {
    const doc = newDoc();
    const attempt = (find: string, sectionId = "s-one") =>
      prepareSuggestionEdit(doc, planSchema(), { sectionId, find, replaceWith: "x", authorId: 7, suggestionId: ids.a });
    expect(attempt("procurement")).toEqual({ ok: false, reason: "notFound" });
    expect(attempt("procurement", "s-nowhere")).toEqual({ ok: false, reason: "noSuchSection" });
    expect(attempt("banks")).toEqual({ ok: false, reason: "ambiguous" });
    expect(attempt("grow.\nBanks")).toEqual({ ok: false, reason: "notFound" });
    expect(attempt("procurement", "s-two")).toMatchObject({ ok: true });
  });

  it("matches the accepted text: someone else's proposed words are not part of it", () => {
    const doc = newDoc();
    suggest(doc, { find: "public banks", replaceWith: "public development banks", authorId: 8, suggestionId: ids.b });
    expect(() => suggest(doc, { find: "development", replaceWith: "state" })).toThrow("notFound");
    suggest(doc, { find: "public banks to", replaceWith: "state banks to" });
    const mine = suggestionsInDocument(pmDocOf(doc)).find((entry) => entry.id === ids.a)!;
    expect(mine).toMatchObject({ deleted: "public", inserted: "state" });
    expect(suggestionsInDocument(pmDocOf(doc)).find((entry) => entry.id === ids.b)).toMatchObject({ inserted: "development " });
  });
});

describe("accepting and rejecting", () => {
  it("accepting keeps the new words and takes out the old ones", () => {
    const doc = newDoc();
    suggest(doc, { find: "from public banks", replaceWith: "from cooperative banks" });
    resolve(doc, { ids: [ids.a] }, "accept");
    expect(sectionText(doc, "s-one")).toContain("Cooperatives need patient capital from cooperative banks to grow.");
    expect(suggestionsInDocument(pmDocOf(doc))).toEqual([]);
  });

  it("rejecting takes out the new words and keeps the old ones", () => {
    const doc = newDoc();
    const before = readSections(doc);
    suggest(doc, { find: "from public banks", replaceWith: "from cooperative banks" });
    resolve(doc, { ids: [ids.a] }, "reject");
    expect(readSections(doc)).toEqual(before);
    expect(suggestionsInDocument(pmDocOf(doc))).toEqual([]);
  });

  it("keeps a concurrent edit in the same paragraph", () => {
    const doc = newDoc();
    suggest(doc, { find: "from public banks", replaceWith: "from cooperative banks" });
    const editor = new Y.Doc();
    sync(doc, editor);
    editLikeEditor(editor, (tr) => typeText(tr, findText(editor, "Cooperatives").to, " and mutuals"));
    resolve(doc, { ids: [ids.a] }, "accept");
    sync(doc, editor);
    expect(sectionText(editor, "s-one")).toContain("Cooperatives and mutuals need patient capital from cooperative banks to grow.");
    expect(suggestionsInDocument(pmDocOf(editor))).toEqual([]);
  });

  it("keeps another person's suggestion on the same words", () => {
    const doc = newDoc();
    suggest(doc, { find: "from public banks", replaceWith: "from cooperative banks" });
    suggest(doc, { find: "public banks to", replaceWith: "state banks to", authorId: 8, suggestionId: ids.b });
    resolve(doc, { ids: [ids.a] }, "accept");
    expect(sectionText(doc, "s-one")).toContain("from statecooperative banks to grow.");
    // The words it would strike went with ids.a: what is left of it is its proposal.
    expect(suggestionsInDocument(pmDocOf(doc)).map(({ id, inserted, deleted }) => ({ id, inserted, deleted }))).toEqual([
      { id: ids.b, inserted: "state", deleted: "" },
    ]);
  });

  it("answers outdated when the suggestion's words are gone", () => {
    const doc = newDoc();
    suggest(doc, { find: " to grow", replaceWith: "" });
    editLikeEditor(doc, (tr) => {
      const { from, to } = findText(doc, " to grow");
      tr.delete(from, to);
    });
    expect(prepareSuggestionResolution(doc, planSchema(), { ids: [ids.a] }, "accept")).toEqual({ ok: false, reason: "outdated" });
  });

  it("resolves every suggestion in a section, or from one author, in one update", () => {
    const doc = newDoc();
    suggest(doc, { find: "patient", replaceWith: "" });
    suggest(doc, { find: "Banks lend", replaceWith: "Banks seldom lend", authorId: 8, suggestionId: ids.b });
    suggest(doc, { sectionId: "s-two", find: "a share", replaceWith: "a fair share", suggestionId: ids.c });
    const bySection = prepareSuggestionResolution(doc, planSchema(), { sectionId: "s-one" }, "accept");
    expect(bySection.ok && bySection.resolved.map((entry) => entry.id)).toEqual([ids.a, ids.b]);
    resolve(doc, { authorIds: [7] }, "reject");
    expect(suggestionsInDocument(pmDocOf(doc)).map((entry) => entry.id)).toEqual([ids.b]);
    expect(sectionText(doc, "s-two")).toBe("Markets\nPublic procurement should reserve a share.");
    expect(sectionText(doc, "s-one")).toContain("need patient capital");
  });
});
