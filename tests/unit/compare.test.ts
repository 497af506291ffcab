// The compare engine: two accounts edit a plan the way their editors do, and the comparison of
// the version before with the text after finds exactly their changes, word by word, each
// with its author (docs/versions.md).
import { describe, expect, it } from "vitest";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";
import type { Transform } from "@tiptap/pm/transform";
import * as Y from "yjs";
import { actionMatrixJSON } from "../../app/editor/action-matrix";
import { createAttribution, type DeletionRecord } from "../../app/versions/attribution.server";
import { comparePlans } from "../../app/versions/compare.server";
import type { Person, SectionDetail } from "../../app/versions/types";
import { planSchema, planUpdateFromJSON, readSections } from "../../app/editor/document.server";
import { prepareRestore } from "../../app/editor/restore";
import { sectionJSON } from "../../app/editor/templates";
import { editLikeEditor, findText, typeText } from "../helpers/pm-edit";

const alice: Person = { id: 1, name: "Alice", organisation: "Bappenas" };
const bob: Person = { id: 2, name: "Bob", organisation: "ILO" };

const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

const content = {
  type: "doc",
  content: [
    sectionJSON("s-intro", "Introduction", [
      paragraph("Cooperatives need patient capital from public banks to grow."),
      paragraph("Village funds suport local enterprises."),
    ]),
    sectionJSON("s-actions", "Actions", [
      paragraph("Agreed actions."),
      actionMatrixJSON([["SSE awareness", "Workshops", "", "", "", "10 districts", "2026 Q1", "Bappenas", "ILO"]]),
    ]),
    sectionJSON("s-markets", "Markets", [paragraph("Public procurement should reserve a share.")]),
    sectionJSON("s-finance", "Finance", [paragraph("Banks lend to cooperatives.")]),
    sectionJSON("s-annex", "Annex", [paragraph("To be removed.")]),
  ],
};

/** A plan the server created, open in Alice's and Bob's browsers (one Yjs client each). */
function team() {
  const created = planUpdateFromJSON(content);
  const clients = new Map<number, Person>();
  const deletions: DeletionRecord[] = [];
  const desk = (person: Person, clientId: number) => {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    Y.applyUpdate(doc, created, "remote");
    clients.set(clientId, person);
    // What the server records: who sent each update that deletes something.
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "remote") return;
      for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) {
        for (const { clock, len } of ranges) deletions.push({ client, clock, len, person });
      }
    });
    return doc;
  };
  const docs = { alice: desk(alice, 101), bob: desk(bob, 202) };
  const edit = (who: "alice" | "bob", change: (tr: Transform) => void) => {
    editLikeEditor(docs[who], change);
    const other = who === "alice" ? docs.bob : docs.alice;
    Y.applyUpdate(other, Y.encodeStateAsUpdate(docs[who], Y.encodeStateVector(other)), "remote");
  };
  const version = () => Y.encodeStateAsUpdate(docs.alice);
  const compare = (from: Uint8Array, to: Uint8Array, details: { from?: SectionDetail[]; to?: SectionDetail[] } = {}) =>
    comparePlans(
      { doc: open(from), details: details.from ?? [] },
      { doc: open(to), details: details.to ?? [] },
      createAttribution({ clients, deletions }),
    );
  return { docs, edit, version, compare };
}

function open(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

function replaceText(tr: Transform, doc: Y.Doc, text: string, by: string): void {
  const { from, to } = findText(doc, text);
  tr.delete(from, to);
  if (by) typeText(tr, from, by);
}

function sectionRange(tr: Transform, id: string): { from: number; to: number } {
  let range: { from: number; to: number } | undefined;
  tr.doc.forEach((node, offset) => {
    if (node.attrs.id === id) range = { from: offset, to: offset + node.nodeSize };
  });
  if (!range) throw new Error(`no section ${id}`);
  return range;
}

function firstRow(tr: Transform) {
  let row: { pos: number; node: ProseMirrorNode } | undefined;
  tr.doc.descendants((node, pos) => {
    if (!row && node.type.name === "actionRow") row = { pos, node };
    return !row;
  });
  return row!;
}

/** A second row in the actions matrix, after the first. */
function addSecondRow(tr: Transform): void {
  const row = firstRow(tr);
  tr.insert(row.pos + row.node.nodeSize, planSchema().nodeFromJSON(actionMatrixJSON([["Second", "row"]]).content[0]!));
}

/** The editor's "move row down": the first row taken out and put back after its neighbour. */
function moveFirstRowDown(tr: Transform): void {
  const row = firstRow(tr);
  const neighbour = tr.doc.nodeAt(row.pos + row.node.nodeSize)!;
  tr.delete(row.pos, row.pos + row.node.nodeSize);
  tr.insert(row.pos + neighbour.nodeSize, row.node);
}

/** The editor's section move: Markets taken out and put back at the top (a new element). */
function moveMarketsToTop(tr: Transform): void {
  const markets = sectionRange(tr, "s-markets");
  const node = tr.doc.slice(markets.from, markets.to).content;
  tr.delete(markets.from, markets.to);
  tr.insert(0, node);
}

/** The day's work: every kind of change, by two people. */
function editedPlan() {
  const plan = team();
  const before = plan.version();
  const { docs, edit } = plan;
  edit("alice", (tr) => typeText(tr, findText(docs.alice, "patient").from, "very "));
  edit("bob", (tr) => replaceText(tr, docs.bob, "from public banks ", ""));
  edit("bob", (tr) => typeText(tr, findText(docs.bob, "suport").from + 3, "p"));
  edit("alice", (tr) => replaceText(tr, docs.alice, "10", "25"));
  edit("bob", (tr) => {
    // The editor's "move down": the section is taken out and put back after its neighbour.
    const markets = sectionRange(tr, "s-markets");
    const node = tr.doc.slice(markets.from, markets.to).content;
    tr.delete(markets.from, markets.to);
    tr.insert(sectionRange(tr, "s-finance").to, node);
  });
  edit("alice", (tr) => typeText(tr, findText(docs.alice, "Finance").to, " and credit"));
  edit("bob", (tr) => {
    const annex = sectionRange(tr, "s-annex");
    tr.delete(annex.from, annex.to);
  });
  edit("alice", (tr) =>
    tr.insert(
      tr.doc.content.size,
      planSchema().nodeFromJSON(sectionJSON("s-monitoring", "Monitoring", [paragraph("Progress is reviewed yearly.")])),
    ),
  );
  return { ...plan, before, after: plan.version() };
}

describe("comparing two versions", () => {
  it("finds every change, word by word, each with its author, in document order", () => {
    const { compare, before, after } = editedPlan();
    expect(compare(before, after).changes).toEqual([
      { sectionId: "s-intro", type: "insert", text: "very ", author: alice },
      { sectionId: "s-intro", type: "delete", text: "from public banks ", author: bob },
      { sectionId: "s-intro", type: "delete", text: "suport", author: bob },
      { sectionId: "s-intro", type: "insert", text: "support", author: bob },
      { sectionId: "s-actions", type: "delete", text: "10", author: alice },
      { sectionId: "s-actions", type: "insert", text: "25", author: alice },
      // Titles are text too: who renamed, who added or removed the section.
      { sectionId: "s-finance", type: "insert", text: " and credit", author: alice },
      { sectionId: "s-annex", type: "delete", text: "Annex", author: bob },
      { sectionId: "s-annex", type: "delete", text: "To be removed.", author: bob },
      { sectionId: "s-monitoring", type: "insert", text: "Monitoring", author: alice },
      { sectionId: "s-monitoring", type: "insert", text: "Progress is reviewed yearly.", author: alice },
    ]);
  });

  it("summarises sections added, removed, changed, moved and renamed, and words by section and person", () => {
    const { compare, before, after } = editedPlan();
    const { summary } = compare(before, after);
    expect(summary).toMatchObject({
      sectionsAdded: ["s-monitoring"],
      sectionsRemoved: ["s-annex"],
      sectionsChanged: ["s-intro", "s-actions", "s-finance"],
      sectionsMoved: ["s-markets"],
      sectionsRenamed: [{ sectionId: "s-finance", from: "Finance", to: "Finance and credit" }],
      wordsAdded: 10,
      wordsRemoved: 9,
      bySection: [
        { sectionId: "s-intro", title: "Introduction", wordsAdded: 2, wordsRemoved: 4 },
        { sectionId: "s-actions", title: "Actions", wordsAdded: 1, wordsRemoved: 1 },
        { sectionId: "s-finance", title: "Finance and credit", wordsAdded: 2, wordsRemoved: 0 },
        { sectionId: "s-annex", title: "Annex", wordsAdded: 0, wordsRemoved: 4 },
        { sectionId: "s-monitoring", title: "Monitoring", wordsAdded: 5, wordsRemoved: 0 },
      ],
      byPerson: [
        { person: alice, wordsAdded: 9, wordsRemoved: 1 },
        { person: bob, wordsAdded: 1, wordsRemoved: 8 },
      ],
    });
  });

  it("shows the redline in the newer order, with a removed section where it was and a moved one unchanged", () => {
    const { compare, before, after } = editedPlan();
    const sections = compare(before, after).sections;
    expect(sections.map(({ id, state, moved }) => [id, state, moved])).toEqual([
      ["s-intro", "changed", false],
      ["s-actions", "changed", false],
      ["s-finance", "changed", false],
      ["s-annex", "removed", false],
      ["s-markets", "unchanged", true],
      ["s-monitoring", "added", false],
    ]);
    expect(sections[0]!.blocks).toEqual([
      {
        kind: "text",
        cell: null,
        parts: [
          { type: "equal", text: "Cooperatives need ", author: null },
          { type: "insert", text: "very ", author: alice },
          { type: "equal", text: "patient capital ", author: null },
          { type: "delete", text: "from public banks ", author: bob },
          { type: "equal", text: "to grow.", author: null },
        ],
      },
      {
        kind: "text",
        cell: null,
        parts: [
          { type: "equal", text: "Village funds ", author: null },
          { type: "delete", text: "suport", author: bob },
          { type: "insert", text: "support", author: bob },
          { type: "equal", text: " local enterprises.", author: null },
        ],
      },
    ]);
    expect(sections[4]!.blocks).toEqual([
      { kind: "text", cell: null, parts: [{ type: "equal", text: "Public procurement should reserve a share.", author: null }] },
    ]);
  });

  it("shows an action matrix cell by cell: only the changed cell, labelled with its row and column", () => {
    const { compare, before, after } = editedPlan();
    const actions = compare(before, after).sections.find((section) => section.id === "s-actions")!;
    expect(actions.blocks).toEqual([
      { kind: "text", cell: null, parts: [{ type: "equal", text: "Agreed actions.", author: null }] },
      {
        kind: "matrixCell",
        cell: { table: null, row: 1, column: "target" },
        parts: [
          { type: "delete", text: "10", author: alice },
          { type: "insert", text: "25", author: alice },
          { type: "equal", text: " districts", author: null },
        ],
      },
    ]);
  });

  it("names the table of a changed cell where a section has more than one matrix", () => {
    const { compare, version, edit, docs } = team();
    edit("alice", (tr) =>
      tr.insert(
        sectionRange(tr, "s-actions").to - 1,
        planSchema().nodeFromJSON(actionMatrixJSON([["Finance access", "Clinics", "", "", "", "5 provinces", "2026 Q3", "OJK", "ILO"]])),
      ),
    );
    const before = version();
    edit("bob", (tr) => replaceText(tr, docs.bob, "5 provinces", "8 provinces"));
    const actions = compare(before, version()).sections.find((section) => section.id === "s-actions")!;
    expect(actions.blocks.filter((block) => block.kind === "matrixCell").map((block) => block.cell)).toEqual([
      { table: 2, row: 1, column: "target" },
    ]);
  });

  it("gives a renamed section both titles, and who changed which words of it", () => {
    const { compare, before, after } = editedPlan();
    expect(compare(before, after).sections.find((section) => section.id === "s-finance")).toMatchObject({
      state: "changed",
      titleFrom: "Finance",
      titleTo: "Finance and credit",
      titleParts: [
        { type: "equal", text: "Finance", author: null },
        { type: "insert", text: " and credit", author: alice },
      ],
      blocks: [{ parts: [{ type: "equal", text: "Banks lend to cooperatives." }] }],
    });
  });

  it("splits a run where the author changes", () => {
    const { compare, version, edit, docs } = team();
    const before = version();
    edit("alice", (tr) => typeText(tr, findText(docs.alice, "capital").from, "solidarity "));
    edit("bob", (tr) => typeText(tr, findText(docs.bob, "capital").from, "economy "));
    expect(compare(before, version()).changes).toEqual([
      { sectionId: "s-intro", type: "insert", text: "solidarity ", author: alice },
      { sectionId: "s-intro", type: "insert", text: "economy ", author: bob },
    ]);
  });

  it("reads a paragraph split in two, and two joined, as no change to the words", () => {
    const { compare, version, edit, docs } = team();
    const before = version();
    edit("alice", (tr) => tr.split(findText(docs.alice, "from public banks").from));
    const split = version();
    expect(compare(before, split).changes).toEqual([]);
    expect(compare(before, split).sections[0]!.blocks.map((block) => block.parts)).toEqual([
      [{ type: "equal", text: "Cooperatives need patient capital ", author: null }],
      [{ type: "equal", text: "from public banks to grow.", author: null }],
      [{ type: "equal", text: "Village funds suport local enterprises.", author: null }],
    ]);
    edit("bob", (tr) => tr.join(findText(docs.bob, "from public banks").from - 1));
    expect(compare(split, version()).changes).toEqual([]);
  });

  it("does not show a matrix row that was only moved", () => {
    const { compare, version, edit } = team();
    edit("alice", addSecondRow);
    const before = version();
    edit("bob", moveFirstRowDown);
    expect(compare(before, version()).changes).toEqual([]);
  });

  it("finds an edit in a matrix row moved since, by its author", () => {
    const { compare, version, edit, docs } = team();
    edit("alice", addSecondRow);
    const before = version();
    edit("bob", moveFirstRowDown);
    edit("alice", (tr) => replaceText(tr, docs.alice, "Second", "Third"));
    const actions = compare(before, version()).sections.find((section) => section.id === "s-actions")!;
    expect(actions.blocks.filter((block) => block.kind === "matrixCell")).toEqual([
      {
        kind: "matrixCell",
        cell: { table: null, row: 1, column: "programme" },
        parts: [
          { type: "delete", text: "Second", author: alice },
          { type: "insert", text: "Third", author: alice },
        ],
      },
    ]);
  });

  it("finds an edit in a section moved since, by its author", () => {
    const { compare, version, edit, docs } = team();
    const before = version();
    edit("bob", moveMarketsToTop);
    edit("alice", (tr) => replaceText(tr, docs.alice, "share", "quota"));
    const comparison = compare(before, version());
    expect(comparison.summary.sectionsMoved).toEqual(["s-markets"]);
    expect(comparison.changes).toEqual([
      { sectionId: "s-markets", type: "delete", text: "share", author: alice },
      { sectionId: "s-markets", type: "insert", text: "quota", author: alice },
    ]);
  });

  it("credits a word deleted in a section moved since to whoever deleted it, not to the mover", () => {
    const { compare, version, edit, docs } = team();
    const before = version();
    edit("bob", moveMarketsToTop);
    edit("alice", (tr) => replaceText(tr, docs.alice, "should ", ""));
    expect(compare(before, version()).changes).toEqual([{ sectionId: "s-markets", type: "delete", text: "should ", author: alice }]);
  });

  it("reads as the older text without its insertions and as the newer without its deletions, after many edits", () => {
    const { compare, version, edit } = team();
    const before = version();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 16807) % 2147483647;
      return seed % n;
    };
    for (let step = 0; step < 300; step++) {
      const who = random(2) === 0 ? "alice" : "bob";
      edit(who, (tr) => {
        const blocks: { from: number; to: number }[] = [];
        tr.doc.descendants((node, pos) => {
          if (node.type.name === "paragraph") blocks.push({ from: pos + 1, to: pos + 1 + node.content.size });
          return !node.isTextblock;
        });
        const block = blocks[random(blocks.length)]!;
        const at = block.from + random(block.to - block.from + 1);
        const roll = random(20);
        if (roll === 0 && at > block.from && at < block.to) tr.split(at);
        else if (roll < 7 && at < block.to) tr.delete(at, Math.min(block.to, at + 1 + random(4)));
        else typeText(tr, at, ["a", "new ", "word", " ", "ok.", "Ba"][random(6)]!);
      });
    }
    const after = version();
    const comparison = compare(before, after);
    const textOf = (state: Uint8Array) =>
      readSections(open(state)).map((section) => ({ id: section.id, blocks: section.text.split("\n").slice(1).filter(Boolean) }));
    const readBack = (skip: "insert" | "delete") =>
      comparison.sections
        .filter((section) => section.state !== (skip === "insert" ? "added" : "removed"))
        .map((section) => ({
          id: section.id,
          blocks: section.blocks
            .map((block) =>
              block.parts
                .filter((part) => part.type !== skip)
                .map((part) => part.text)
                .join(""),
            )
            .filter(Boolean),
        }));
    const withoutMatrix = (sections: { id: string; blocks: string[] }[]) => sections.filter((section) => section.id !== "s-actions");
    expect(comparison.changes.length).toBeGreaterThan(50);
    expect(withoutMatrix(readBack("insert"))).toEqual(withoutMatrix(textOf(before)));
    expect(withoutMatrix(readBack("delete"))).toEqual(withoutMatrix(textOf(after)));
  });

  it("finds nothing between a version and the same text", () => {
    const { compare, version, docs } = team();
    const state = version();
    const bobsCopy = Y.encodeStateAsUpdate(docs.bob);
    const comparison = compare(state, bobsCopy);
    expect(comparison.changes).toEqual([]);
    expect(comparison.summary).toMatchObject({
      sectionsAdded: [],
      sectionsRemoved: [],
      sectionsChanged: [],
      sectionsMoved: [],
      sectionsRenamed: [],
      wordsAdded: 0,
      wordsRemoved: 0,
      bySection: [],
      byPerson: [],
    });
    expect(comparison.sections.every((section) => section.state === "unchanged" && !section.moved)).toBe(true);
  });

  it("finds nothing between a version and the text after one of its sections was restored", () => {
    const { compare, version, docs, edit } = team();
    const before = version();
    edit("alice", (tr) => replaceText(tr, docs.alice, "patient", "ZZZ"));
    edit("bob", (tr) => replaceText(tr, docs.bob, "ZZZ", "quick"));
    const versionDoc = open(before);
    const restored = prepareRestore(docs.alice, planSchema(), versionDoc, "s-intro");
    if (!restored.ok) throw new Error(restored.reason);
    // The restore writes "patient" again as new characters inside the same paragraph.
    Y.applyUpdate(docs.alice, restored.update);
    expect(readSections(docs.alice)).toEqual(readSections(versionDoc));

    const comparison = compare(before, version());
    expect(comparison.changes).toEqual([]);
    expect(comparison.summary).toMatchObject({ sectionsChanged: [], wordsAdded: 0, wordsRemoved: 0 });
    expect(comparison.sections.every((section) => section.state === "unchanged")).toBe(true);
  });

  it("tells the redline which blocks are headings and list items", () => {
    const { compare, version, edit } = team();
    const before = version();
    edit("alice", (tr) => {
      const intro = sectionRange(tr, "s-intro");
      const schema = planSchema();
      tr.insert(intro.to - 1, schema.nodeFromJSON({ type: "heading", attrs: { level: 3 }, content: [{ type: "text", text: "Finance" }] }));
      tr.insert(
        tr.mapping.map(intro.to) - 1,
        schema.nodeFromJSON({
          type: "bulletList",
          content: [{ type: "listItem", content: [paragraph("Village banks")] }],
        }),
      );
    });
    const intro = compare(before, version()).sections.find((section) => section.id === "s-intro")!;
    expect(intro.blocks.map((block) => block.style)).toEqual([
      undefined,
      undefined,
      { kind: "heading", level: 3 },
      { kind: "listItem", ordered: false },
    ]);
  });

  it("keeps the formatting of inserted, deleted and unchanged words on the parts, and counts words as before", () => {
    const { compare, version, edit, docs } = team();
    const schema = planSchema();
    const mark = (tr: Transform, text: string, name: string, attrs?: Record<string, unknown>) => {
      const { from, to } = findText(docs.alice, text);
      tr.addMark(from, to, schema.marks[name]!.create(attrs));
    };
    edit("alice", (tr) => {
      mark(tr, "public banks", "bold");
      mark(tr, "Village", "italic");
    });
    const before = version();
    edit("alice", (tr) => tr.insert(findText(docs.alice, "patient").from, schema.text("strong ", [schema.marks.bold!.create()])));
    edit("bob", (tr) => replaceText(tr, docs.bob, "public banks ", ""));
    // A change of formatting only: not a tracked change, but the newer text reads linked.
    edit("alice", (tr) => mark(tr, "grow", "link", { href: "https://example.org/grow" }));
    edit("alice", (tr) => mark(tr, "local", "link", { href: "javascript:alert(1)" }));
    const comparison = compare(before, version());
    const [capital, funds] = comparison.sections.find((section) => section.id === "s-intro")!.blocks;
    expect(capital!.parts).toEqual([
      { type: "equal", text: "Cooperatives need ", author: null },
      { type: "insert", text: "strong ", author: alice, marks: { bold: true } },
      { type: "equal", text: "patient capital from ", author: null },
      { type: "delete", text: "public banks", author: bob, marks: { bold: true } },
      { type: "delete", text: " ", author: bob },
      { type: "equal", text: "to ", author: null },
      { type: "equal", text: "grow", author: null, marks: { link: "https://example.org/grow" } },
      { type: "equal", text: ".", author: null },
    ]);
    // An unsafe link address is dropped; the text stays.
    expect(funds!.parts).toEqual([
      { type: "equal", text: "Village", author: null, marks: { italic: true } },
      { type: "equal", text: " funds suport local enterprises.", author: null },
    ]);
    // Changes and counts are per run of one person's change, whatever its formatting.
    expect(comparison.changes).toEqual([
      { sectionId: "s-intro", type: "insert", text: "strong ", author: alice },
      { sectionId: "s-intro", type: "delete", text: "public banks ", author: bob },
    ]);
    expect(comparison.summary).toMatchObject({ wordsAdded: 1, wordsRemoved: 2 });
  });

  it("numbers the items of an ordered list from its start, once per item", () => {
    const { compare, version, edit } = team();
    const before = version();
    edit("alice", (tr) => {
      const intro = sectionRange(tr, "s-intro");
      tr.insert(
        intro.to - 1,
        planSchema().nodeFromJSON({
          type: "orderedList",
          attrs: { start: 3 },
          content: [
            { type: "listItem", content: [paragraph("Map the cooperatives")] },
            { type: "listItem", content: [paragraph("Train the lenders"), paragraph("in every province")] },
          ],
        }),
      );
    });
    const intro = compare(before, version()).sections.find((section) => section.id === "s-intro")!;
    expect(intro.blocks.slice(2).map((block) => [block.style, block.parts.map((part) => part.text).join("")])).toEqual([
      [{ kind: "listItem", ordered: true, number: 3 }, "Map the cooperatives"],
      [{ kind: "listItem", ordered: true, number: 4 }, "Train the lenders"],
      [{ kind: "listItem", ordered: true }, "in every province"],
    ]);
  });

  it("reports status and detail changes from the section details", () => {
    const { compare, version } = team();
    const state = version();
    const detail: SectionDetail = {
      id: "s-intro",
      title: "Introduction",
      status: "draft",
      lead: "Bappenas",
      assignee: null,
      dueDate: null,
    };
    const comparison = compare(state, state, {
      from: [detail],
      to: [{ ...detail, status: "in_review", assignee: "Alice", dueDate: "2026-03-31" }],
    });
    expect(comparison.summary.statusChanges).toEqual([{ sectionId: "s-intro", title: "Introduction", from: "draft", to: "in_review" }]);
    expect(comparison.summary.detailChanges).toEqual([
      { sectionId: "s-intro", title: "Introduction", field: "assignee", from: null, to: "Alice" },
      { sectionId: "s-intro", title: "Introduction", field: "dueDate", from: null, to: "2026-03-31" },
    ]);
  });
});
