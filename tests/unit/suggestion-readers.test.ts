// Readers of the plan and Word out with open suggestions (docs/suggestions.md, "Readers and Word
// out"): every reader shows the accepted text; the Word file carries the suggestions as tracked
// changes under their suggester's name, and Word's "Accept all" / "Reject all" give the text
// Gotong gives; each section heading is a bookmark named from the section's id.
import type { JSONContent } from "@tiptap/core";
import type { Transform } from "@tiptap/pm/transform";
import { createInstance } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  acceptedRoot,
  planRoot,
  planSchema,
  planText,
  planUpdateFromJSON,
  readSections,
  sectionOutline,
} from "../../app/editor/document.server";
import { acceptedDocument, allAcceptedDocument } from "../../app/editor/suggestion-marks";
import { sectionJSON } from "../../app/editor/templates";
import { ACTION_COLUMN_LABELS_EN, actionMatrixJSON, readActionRows } from "../../app/editor/action-matrix";
import { planDocx } from "../../app/export/docx.server";
import { planMarkdown } from "../../app/export/markdown.server";
import type { PlanSource } from "../../app/export/plan-source.server";
import { sectionBookmarkName, sectionBookmarkNames, sectionIdFromBookmark } from "../../app/export/section-bookmarks";
import { i18nOptions } from "../../app/i18n/config";
import { createAttribution, type DeletionRecord } from "../../app/versions/attribution.server";
import { compareDocx } from "../../app/versions/compare-docx.server";
import { comparePlans } from "../../app/versions/compare.server";
import { readPlan } from "../../app/versions/plan-reading.server";
import type { Person } from "../../app/versions/types";
import { blockTexts, documentXml, reviewedParagraphs } from "../helpers/docx-review";
import { editLikeEditor, findText } from "../helpers/pm-edit";

const i18n = createInstance();
beforeAll(async () => {
  await i18n.init({ ...i18nOptions, lng: "en" });
});

const INSERT = { id: "g-insertaaaaaa", authorId: 2 };
const DELETE = { id: "g-deletebbbbbb", authorId: 3 };
const REPLACE = { id: "g-replacecccc1", authorId: 2 };

const text = (value: string, marks: JSONContent["marks"] = []): JSONContent => ({ type: "text", text: value, marks });
const inserted = (value: string, attrs = INSERT, marks: JSONContent["marks"] = []) =>
  text(value, [...(marks ?? []), { type: "suggestionInsert", attrs }]);
const deleted = (value: string, attrs = DELETE, marks: JSONContent["marks"] = []) =>
  text(value, [...(marks ?? []), { type: "suggestionDelete", attrs }]);
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });

const content: JSONContent = {
  type: "doc",
  content: [
    {
      ...sectionJSON("s-intro", "Intro"),
      content: [{ type: "heading", attrs: { level: 2 }, content: [text("Intro"), inserted(" and scope")] }, paragraph(text("x"))],
    },
    sectionJSON("s-body", "Body", [
      paragraph(
        text("Cooperatives need "),
        inserted("patient ", INSERT, [{ type: "bold" }]),
        text("capital"),
        deleted(" from banks"),
        text("."),
      ),
      paragraph(
        text("See "),
        text("the guide", [{ type: "link", attrs: { href: "https://example.org/guide" } }]),
        deleted(" old", REPLACE, [{ type: "italic" }]),
        inserted(" new", REPLACE, [{ type: "italic" }]),
        text(" wording."),
      ),
      paragraph(inserted("A whole new paragraph.")),
      actionMatrixJSON([["SSE awareness", "Workshops", "", "", "", "10 districts", "2026 Q1", "Bappenas", "ILO"]]),
    ]),
  ],
};

function planDoc(json: JSONContent = content): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(json));
  return doc;
}

describe("readers show the accepted text", () => {
  it("readSections and planText leave open insertions out and keep open deletions", () => {
    const sections = readSections(planDoc());
    expect(sections.map((section) => section.title)).toEqual(["Intro", "Body"]);
    expect(sections[1]!.text.split("\n").slice(0, 4)).toEqual([
      "Body",
      "Cooperatives need capital from banks.",
      "See the guide old wording.",
      "",
    ]);
    expect(planText(planDoc())).not.toMatch(/patient|new|scope/);
  });

  it("the section outline's titles leave open insertions out", () => {
    expect(sectionOutline(planDoc())).toEqual([
      { id: "s-intro", title: "Intro" },
      { id: "s-body", title: "Body" },
    ]);
  });

  it("acceptedRoot is the stored document without open suggestions; planRoot keeps them", () => {
    const doc = planDoc();
    expect(acceptedRoot(doc).eq(acceptedDocument(planRoot(doc)))).toBe(true);
    expect(planRoot(doc).textContent).toContain("patient");
    expect(acceptedRoot(doc).textContent).not.toContain("patient");
  });

  it("the actions CSV's rows come from the accepted text", () => {
    const json = structuredClone(content);
    const matrix = json.content![1]!.content!.at(-1)!;
    const cell = matrix.content![0]!.content![5]!;
    cell.content = [paragraph(text("10 districts"), inserted(" and 5 cities"))];
    expect(readActionRows(acceptedRoot(planDoc(json)))[0]!.cells.target).toBe("10 districts");
  });

  it("the compare engine reads open insertions as not there", () => {
    const body = readPlan(planDoc()).find((section) => section.id === "s-body")!;
    expect(body.blocks.map((block) => block.text).slice(0, 3)).toEqual([
      "Cooperatives need capital from banks.",
      "See the guide old wording.",
      "",
    ]);
    expect(readPlan(planDoc())[0]!.title).toBe("Intro");
  });

  it("Markdown shows the accepted text", () => {
    const root = planRoot(planDoc());
    const markdown = planMarkdown(
      {
        planId: "p",
        title: "P",
        isVersion: false,
        versionName: null,
        date: 0,
        doc: acceptedDocument(root),
        docWithSuggestions: root,
        details: [],
      },
      { t: i18n.t, language: "en", isVersion: false },
    );
    expect(markdown).toContain("Cooperatives need capital from banks.");
    expect(markdown).not.toMatch(/patient|new wording|scope/);
  });
});

describe("Word out", () => {
  const people = new Map([
    [INSERT.id, { author: { id: 2, name: "Coop Editor", organisation: "ILO" }, createdAt: Date.UTC(2026, 0, 2, 3, 4, 5) }],
    [REPLACE.id, { author: { id: 2, name: "Coop Editor", organisation: "ILO" }, createdAt: Date.UTC(2026, 0, 3) }],
    [DELETE.id, { author: { id: 3, name: "Partner", organisation: "" }, createdAt: Date.UTC(2026, 0, 4) }],
  ]);

  async function exported(json: JSONContent = content, part?: string): Promise<string> {
    const root = planRoot(planDoc(json));
    const source: PlanSource = {
      planId: "p",
      title: "P",
      isVersion: false,
      versionName: null,
      date: Date.UTC(2026, 5, 1),
      doc: acceptedDocument(root),
      docWithSuggestions: root,
      details: [],
    };
    return documentXml(await planDocx(source, { t: i18n.t, locale: "en", versionLabel: "Current text", suggestions: people }), part);
  }

  it("open suggestions are tracked changes with the suggester's name and the suggestion's time", async () => {
    const xml = await exported();
    expect(xml).toMatch(/<w:ins w:id="\d+" w:author="Coop Editor \(ILO\)" w:date="2026-01-02T03:04:05Z">/);
    expect(xml).toMatch(
      /<w:del w:id="\d+" w:author="Partner" w:date="2026-01-04T00:00:00Z"><w:r><w:delText xml:space="preserve"> from banks<\/w:delText>/,
    );
    const ids = [...xml.matchAll(/<w:(?:ins|del) w:id="(\d+)"/g)].map(([, id]) => id);
    expect(new Set(ids).size).toBe(ids.length);
    // Formatting stays inside: bold in the insertion, italic in the replacement's both halves.
    expect(xml).toMatch(/<w:ins [^>]*><w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">patient <\/w:t>/);
    expect(xml).toMatch(/<w:del [^>]*><w:r><w:rPr><w:i\/><w:iCs\/><\/w:rPr><w:delText xml:space="preserve"> old<\/w:delText>/);
  });

  it("a reviewer's changes to the file are tracked, so they can come back as suggestions", async () => {
    expect(await exported(content, "word/settings.xml")).toContain("<w:trackRevisions/>");
  });

  it("a suggestion without a known author or time is written under 'Unknown author' at the document's date", async () => {
    const root = planRoot(planDoc());
    const source: PlanSource = {
      planId: "p",
      title: "P",
      isVersion: true,
      versionName: "v",
      date: Date.UTC(2026, 5, 1),
      doc: root,
      docWithSuggestions: root,
      details: [],
    };
    const xml = await documentXml(await planDocx(source, { t: i18n.t, locale: "en", versionLabel: "v" }));
    expect(xml).toMatch(/<w:ins w:id="\d+" w:author="Unknown author" w:date="2026-06-01T00:00:00Z">/);
  });

  it("accepting all in Word gives Gotong's text with every suggestion accepted", async () => {
    const xml = await exported();
    const expected = blockTexts(allAcceptedDocument(planRoot(planDoc())));
    expect(withoutMatrixHeader(reviewedParagraphs(xml, "accept")).filter((line) => line)).toEqual(expected.filter((line) => line));
  });

  it("rejecting all in Word gives the accepted text", async () => {
    const xml = await exported();
    const expected = blockTexts(acceptedDocument(planRoot(planDoc())));
    expect(withoutMatrixHeader(reviewedParagraphs(xml, "reject")).filter((line) => line)).toEqual(expected.filter((line) => line));
  });

  it("text one suggestion inserts and another deletes is in neither reading, and left out", async () => {
    const json = structuredClone(content);
    json.content![1]!.content![1] = paragraph(
      text("Keep "),
      text("both", [
        { type: "suggestionInsert", attrs: INSERT },
        { type: "suggestionDelete", attrs: DELETE },
      ]),
      text(" here."),
    );
    const xml = await exported(json);
    expect(reviewedParagraphs(xml, "accept")).toContain("Keep  here.");
    expect(reviewedParagraphs(xml, "reject")).toContain("Keep  here.");
    expect(blockTexts(allAcceptedDocument(planRoot(planDoc(json))))).toContain("Keep  here.");
    expect(blockTexts(acceptedDocument(planRoot(planDoc(json))))).toContain("Keep  here.");
  });

  it("each section heading is a bookmark named from the section's id", async () => {
    const xml = await exported();
    const names = [...xml.matchAll(/<w:bookmarkStart w:name="([^"]+)" w:id="\d+"\/>/g)].map(([, name]) => name);
    expect(names).toEqual(["gotong_s_intro", "gotong_s_body"]);
    expect(names.map((name) => sectionIdFromBookmark(name!))).toEqual(["s-intro", "s-body"]);
    // The bookmark holds the heading's text, the tracked insertion in it too.
    expect(xml).toMatch(
      /<w:bookmarkStart w:name="gotong_s_intro" w:id="(\d+)"\/>[^]*?Intro[^]*? and scope[^]*?<w:bookmarkEnd w:id="\1"\/>/,
    );
  });
});

describe("section bookmark names", () => {
  it("an id Gotong makes reads back from its name", () => {
    expect(sectionBookmarkName("s-1a2b3c4d")).toBe("gotong_s_1a2b3c4d");
    expect(sectionIdFromBookmark("gotong_s_1a2b3c4d")).toBe("s-1a2b3c4d");
    expect(sectionIdFromBookmark("_GoBack")).toBeNull();
    expect(sectionIdFromBookmark("gotong_")).toBeNull();
  });

  it("every name is a valid Word bookmark name, whatever the id", () => {
    for (const id of ["s-concept", "a".repeat(33), "a".repeat(34), "s_under", "s.dot", "Bagian 1", "ß-ü", ""]) {
      expect(sectionBookmarkName(id)).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,39}$/);
    }
  });

  it("an id that cannot be spelled in a name is found through the plan's ids", () => {
    const name = sectionBookmarkName("s_under");
    expect(sectionIdFromBookmark(name)).toBeNull();
    expect(sectionBookmarkNames(["s-concept", "s_under"]).get(name)).toBe("s_under");
    expect(sectionBookmarkName("s_under")).not.toBe(sectionBookmarkName("s-under"));
  });
});

/** Word's paragraphs without the action matrix's header row, which the document does not hold. */
function withoutMatrixHeader(lines: string[]): string[] {
  const labels = new Set<string>(Object.values(ACTION_COLUMN_LABELS_EN));
  return lines.filter((line) => !labels.has(line));
}

describe("compare credits an accepted suggestion to its suggester", () => {
  const alice: Person = { id: 1, name: "Alice", organisation: "Bappenas" };
  const bob: Person = { id: 2, name: "Bob", organisation: "ILO" };

  /** Bob suggests in his browser, Alice accepts in hers; the server's records as compare reads them. */
  function team() {
    const created = planUpdateFromJSON({
      type: "doc",
      content: [sectionJSON("s-body", "Body", [paragraph(text("Cooperatives need capital from banks."))])],
    });
    const clients = new Map<number, Person>();
    const deletions: DeletionRecord[] = [];
    const desk = (person: Person, clientId: number) => {
      const doc = new Y.Doc();
      doc.clientID = clientId;
      Y.applyUpdate(doc, created, "remote");
      clients.set(clientId, person);
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
    const open = (state: Uint8Array) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      return doc;
    };
    const compare = (from: Uint8Array, to: Uint8Array) =>
      comparePlans(
        { doc: open(from), details: [] },
        { doc: open(to), details: [] },
        createAttribution({ clients, deletions, people: new Map([alice, bob].map((person) => [person.id, person])) }),
      );
    return { docs, edit, version: () => Y.encodeStateAsUpdate(docs.alice), compare };
  }

  const changedParts = (comparison: ReturnType<ReturnType<typeof team>["compare"]>) =>
    comparison.sections.flatMap((section) => section.blocks.flatMap((block) => block.parts.filter((part) => part.type !== "equal")));

  it("an open suggestion is no change; accepted, it is the suggester's, accepted by whoever deleted the words", () => {
    const { docs, edit, version, compare } = team();
    const before = version();
    const schema = planSchema();
    edit("bob", (tr) => {
      const capital = findText(docs.bob, "capital");
      tr.insert(capital.from, schema.text("patient ", [schema.marks.suggestionInsert!.create({ id: "g-bobinsert01", authorId: bob.id })]));
    });
    edit("bob", (tr) => {
      const banks = findText(docs.bob, " from banks");
      tr.addMark(banks.from, banks.to, schema.marks.suggestionDelete!.create({ id: "g-bobdelete01", authorId: bob.id }));
    });
    const suggested = version();
    expect(changedParts(compare(before, suggested))).toEqual([]);

    // Alice accepts both: the insertion loses its mark, the deletion's words go.
    edit("alice", (tr) => {
      const patient = findText(docs.alice, "patient ");
      tr.removeMark(patient.from, patient.to, schema.marks.suggestionInsert!);
      const banks = findText(docs.alice, " from banks");
      tr.delete(banks.from, banks.to);
    });
    const accepted = compare(suggested, version());
    expect(changedParts(accepted)).toEqual([
      { type: "insert", text: "patient ", author: bob, acceptedBy: null },
      { type: "delete", text: " from banks", author: bob, acceptedBy: alice },
    ]);
  });

  it("a change that was no suggestion has no acceptance", () => {
    const { docs, edit, version, compare } = team();
    const before = version();
    edit("alice", (tr) => {
      const banks = findText(docs.alice, " from banks");
      tr.delete(banks.from, banks.to);
    });
    expect(changedParts(compare(before, version()))).toEqual([{ type: "delete", text: " from banks", author: alice }]);
  });

  it("the Word redline names the suggester and who accepted", async () => {
    const { docs, edit, version, compare } = team();
    const schema = planSchema();
    edit("bob", (tr) => {
      const banks = findText(docs.bob, " from banks");
      tr.addMark(banks.from, banks.to, schema.marks.suggestionDelete!.create({ id: "g-bobdelete02", authorId: bob.id }));
    });
    const suggested = version();
    edit("alice", (tr) => {
      const banks = findText(docs.alice, " from banks");
      tr.delete(banks.from, banks.to);
    });
    const comparison = {
      ...compare(suggested, version()),
      from: { id: 1, name: "a", createdAt: 0 },
      to: { id: 2, name: "b", createdAt: 0 },
    };
    const xml = await documentXml(await compareDocx(comparison, { t: i18n.t, locale: "en", planTitle: "P" }));
    expect(xml).toMatch(
      /<w:del w:id="\d+" w:author="Bob \(ILO\), accepted by Alice" [^>]*><w:r><w:delText xml:space="preserve"> from banks</,
    );
  });
});
