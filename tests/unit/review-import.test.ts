// Reading a reviewed Word file (tracked changes, comments, section bookmarks) and placing what
// it holds in a plan: files built here the way Word writes them, and one from our own export.
import type { JSONContent } from "@tiptap/core";
import { createInstance } from "i18next";
import JSZip from "jszip";
import * as Y from "yjs";
import { beforeAll, describe, expect, it } from "vitest";
import { planSchema, planUpdateFromJSON } from "../../app/editor/document.server";
import { sectionJSON } from "../../app/editor/templates";
import { planDocx } from "../../app/export/docx.server";
import { i18nOptions } from "../../app/i18n/config";
import { readPlanText } from "../../app/import/review-import.server";
import { readReviewDocx, type ReviewDocument } from "../../app/import/review-docx.server";
import { attribute, placeReview, uniqueContext, type PlanMemberRef, type PlanSectionText } from "../../app/import/review-placement.server";
import { DocxImportError } from "../../app/import/upload.server";
import {
  commentEnd,
  commentStart,
  del,
  documentXml,
  editDocumentXml,
  heading,
  ins,
  paragraph,
  run,
  wordFile,
} from "../helpers/word-review";

const SITI = "Siti Rahma";

async function refusal(bytes: Buffer): Promise<string> {
  try {
    await readReviewDocx(bytes);
  } catch (error) {
    if (error instanceof DocxImportError) return error.reason;
    throw error;
  }
  return "accepted";
}

describe("reading a reviewed Word file", () => {
  it("gives each paragraph its text before the review and the tracked changes in it, with author, date and place", async () => {
    const review = await readReviewDocx(
      await wordFile(
        paragraph(
          run("The plan supports "),
          del(SITI, "cooperatives"),
          ins(SITI, "social enterprises"),
          run(" in every "),
          ins("Budi", "rural "),
          run("province."),
        ),
      ),
    );
    const [first] = review.paragraphs;
    expect(first!.text).toBe("The plan supports cooperatives in every province.");
    expect(first!.changes.map(({ kind, author, offset, text, date }) => ({ kind, author, offset, text, date }))).toEqual([
      { kind: "delete", author: SITI, offset: 18, text: "cooperatives", date: "2026-12-01T09:30:00Z" },
      { kind: "insert", author: SITI, offset: 30, text: "social enterprises", date: "2026-12-01T09:30:00Z" },
      { kind: "insert", author: "Budi", offset: 40, text: "rural ", date: "2026-12-01T09:30:00Z" },
    ]);
    expect(first!.changes.every((change) => /^\d+$/.test(change.wordId))).toBe(true);
  });

  it("leaves out text inserted and then deleted in the same review, and reads tabs, breaks and hyperlinks", async () => {
    const review = await readReviewDocx(
      await wordFile(
        paragraph(
          run("A"),
          `<w:ins w:id="1" w:author="X" w:date="2026-12-01T00:00:00Z"><w:del w:id="2" w:author="Y"><w:r><w:delText>gone</w:delText></w:r></w:del></w:ins>`,
          "<w:r><w:tab/><w:t>B</w:t><w:br/></w:r>",
          `<w:hyperlink r:id="rId5" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${run("link")}</w:hyperlink>`,
        ),
      ),
    );
    expect(review.paragraphs[0]!.text).toBe("A\tB\nlink");
    expect(review.paragraphs[0]!.changes.map((change) => change.text)).toEqual([""]);
  });

  it("reads comments with their range, text and replies (commentsExtended), in accepted-text offsets", async () => {
    const review = await readReviewDocx(
      await wordFile(paragraph(run("Cooperatives "), commentStart(0), del(SITI, "old "), run("finance"), commentEnd(0), run(" matters.")), [
        { id: 0, author: SITI, text: "Is this right?\nSecond line." },
        { id: 1, author: "Budi", text: "Yes.", replyTo: 0 },
      ]),
    );
    expect(review.comments).toEqual([
      {
        wordId: "0",
        author: SITI,
        date: "2026-12-01T09:30:00Z",
        text: "Is this right?\nSecond line.",
        start: { paragraph: 0, offset: 13 },
        end: { paragraph: 0, offset: 24 },
        replies: [{ wordId: "1", author: "Budi", date: "2026-12-01T09:30:00Z", text: "Yes." }],
      },
    ]);
  });

  it("notes the section bookmark each paragraph is under, headings, split paragraphs and formatting changes", async () => {
    const review = await readReviewDocx(
      await wordFile(
        heading("Finance", "gotong_s_finance") +
          paragraph(run("Body")) +
          `<w:p><w:pPr><w:rPr><w:ins w:id="9" w:author="X" w:date="2026-12-01T00:00:00Z"/></w:rPr></w:pPr>${ins("X", "New paragraph")}</w:p>` +
          `<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="8" w:author="Budi" w:date="2026-12-01T00:00:00Z"><w:rPr/></w:rPrChange></w:rPr><w:t>Bold now</w:t></w:r></w:p>`,
      ),
    );
    expect(review.paragraphs.map(({ bookmarks, headingLevel, isMarkChanged }) => ({ bookmarks, headingLevel, isMarkChanged }))).toEqual([
      { bookmarks: ["gotong_s_finance"], headingLevel: 1, isMarkChanged: false },
      { bookmarks: [], headingLevel: null, isMarkChanged: false },
      { bookmarks: [], headingLevel: null, isMarkChanged: true },
      { bookmarks: [], headingLevel: null, isMarkChanged: false },
    ]);
    expect(review.paragraphs[3]!.formattingChanges).toEqual([{ author: "Budi", date: "2026-12-01T00:00:00Z" }]);
  });

  it("knows headings by a localised style id through styles.xml", async () => {
    const styles = `<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style></w:styles>`;
    const review = await readReviewDocx(
      await wordFile(`<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr>${run("Titel")}</w:p>`, [], { "word/styles.xml": styles }),
    );
    expect(review.paragraphs[0]!.headingLevel).toBe(1);
  });
});

describe("a hostile reviewed file is refused as the new-plan import refuses it", () => {
  it("refuses a DOCTYPE with entities (billion laughs, external entities) without expanding anything", async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c SYSTEM "file:///etc/passwd">]>' +
      documentXml(paragraph(run("&b;&c;"))).replace(/^<\?xml[^>]*\?>/, "");
    const zip = new JSZip();
    zip.file("[Content_Types].xml", "<Types/>");
    zip.file("word/document.xml", laughs);
    expect(await refusal(await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }))).toBe("damaged");
  });

  it("refuses XML that is not well formed", async () => {
    const zip = new JSZip();
    zip.file("[Content_Types].xml", "<Types/>");
    zip.file("word/document.xml", "<w:document><w:body><w:p></w:body>");
    expect(await refusal(await zip.generateAsync({ type: "nodebuffer" }))).toBe("damaged");
  });

  it("refuses a zip bomb before inflating it, and a file that is no zip", async () => {
    const zip = new JSZip();
    zip.file("[Content_Types].xml", "<Types/>");
    zip.file("word/document.xml", Buffer.alloc(8 * 1024 * 1024, 0x20));
    const bomb = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await refusal(bomb)).toBe("unpacksTooLarge");
    expect(await refusal(Buffer.from("%PDF-1.7 not a zip at all"))).toBe("notDocx");
  });

  it("refuses more text than one plan takes", async () => {
    // Incompressible enough to pass the ratio check: random letters.
    const letters = Array.from({ length: 1_100_000 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
    expect(await refusal(await wordFile(paragraph(run(letters))))).toBe("tooMuchText");
  });
});

const members: PlanMemberRef[] = [
  { id: 1, name: "Siti Rahma", organisation: "ILO", mayBeCredited: true },
  { id: 2, name: "Budi Santoso", organisation: "Bappenas", mayBeCredited: true },
  { id: 3, name: "Rina Viewer", organisation: "ILO", mayBeCredited: false },
];

const sections: PlanSectionText[] = [
  {
    id: "s-one",
    title: "One",
    paragraphs: ["One", "Cooperatives grow. Cooperatives grow in every province.", "Finance for cooperatives."],
  },
  { id: "s-two", title: "Two", paragraphs: ["Two", "Cooperatives grow."] },
];

function review(paragraphs: Partial<ReviewDocument["paragraphs"][number]>[], comments: ReviewDocument["comments"] = []): ReviewDocument {
  return {
    paragraphs: paragraphs.map((paragraph) => ({
      text: "",
      headingLevel: null,
      bookmarks: [],
      changes: [],
      isMarkChanged: false,
      formattingChanges: [],
      ...paragraph,
    })),
    comments,
  };
}

const change = (kind: "insert" | "delete", offset: number, text: string, author = SITI) => ({
  kind,
  offset,
  text,
  author,
  wordId: "1",
  date: "2026-12-01T09:30:00Z",
});

describe("placing a review in the plan", () => {
  it("grows the context a word at a time until it occurs once in the section", () => {
    const text = "Cooperatives grow. Cooperatives grow in every province.";
    expect(uniqueContext(text, 19, 31, sections[0]!.paragraphs)).toEqual({ left: 13, right: 36 });
    expect(uniqueContext("Finance for cooperatives.", 12, 12, sections[0]!.paragraphs)).toEqual({ left: 8, right: 25 });
    expect(uniqueContext("Cooperatives grow.", 0, 12, sections[1]!.paragraphs)).toEqual({ left: 0, right: 12 });
    expect(uniqueContext("Nothing like it", 0, 7, sections[0]!.paragraphs)).toBe("notFound");
    expect(uniqueContext("grow grow", 0, 4, ["grow grow", "grow grow"])).toBe("ambiguous");
  });

  it("makes a deletion and the insertion after it one replacement, an insertion a find with its context, per section by bookmark or title", () => {
    const placed = placeReview({
      planId: "p1",
      members,
      sections,
      review: review([
        // Word's own bookmarks (_GoBack, where the reviewer last typed) name no section.
        { text: "One", headingLevel: 1, bookmarks: ["_GoBack", "gotong_s_one"] },
        {
          text: "Cooperatives grow. Cooperatives grow in every province.",
          changes: [change("delete", 40, "every"), change("insert", 45, "each")],
        },
        { text: "Two", headingLevel: 1 },
        { text: "Cooperatives grow.", changes: [change("insert", 12, " steadily", "BUDI SANTOSO (Bappenas)")] },
      ]),
    });
    expect(placed.unplaced).toEqual([]);
    expect(
      placed.suggestions.map(({ sectionId, find, replaceWith, authorId, wordAuthor }) => ({
        sectionId,
        find,
        replaceWith,
        authorId,
        wordAuthor,
      })),
    ).toEqual([
      { sectionId: "s-one", find: "every", replaceWith: "each", authorId: 1, wordAuthor: SITI },
      // A heading with a section's title and no bookmark: that section (a file exported before the bookmarks).
      {
        sectionId: "s-two",
        find: "Cooperatives grow.",
        replaceWith: "Cooperatives steadily grow.",
        authorId: 2,
        wordAuthor: "BUDI SANTOSO (Bappenas)",
      },
    ]);
    expect(new Set(placed.suggestions.map((suggestion) => suggestion.importKey)).size).toBe(2);
  });

  it("lists what it cannot place with a reason, never drops it", () => {
    const placed = placeReview({
      planId: "p1",
      members,
      sections,
      review: review([
        { text: "Title page", changes: [change("insert", 5, "x")] },
        { text: "One", headingLevel: 1 },
        { text: "Text that is not in the plan", changes: [change("delete", 0, "Text")] },
        { text: "grow", changes: [change("insert", 4, "s")] },
        { text: "Finance for cooperatives.", isMarkChanged: true, changes: [change("insert", 0, "More. ")] },
        { text: "Finance for cooperatives.", formattingChanges: [{ author: "Budi", date: null }] },
      ]),
    });
    expect(placed.suggestions).toEqual([]);
    expect(placed.unplaced.map(({ reason, text }) => ({ reason, text }))).toEqual([
      { reason: "sectionUnknown", text: "+ x" },
      { reason: "notFound", text: "− Text" },
      { reason: "ambiguous", text: "+ s" },
      { reason: "spansParagraphs", text: "+ More. " },
      { reason: "formattingOnly", text: "Finance for cooperatives." },
    ]);
  });

  it("puts a comment on its passage, moved past repeated text by its context; a point comment on the section", () => {
    const placed = placeReview({
      planId: "p1",
      members,
      sections,
      review: review(
        [{ text: "One", headingLevel: 1 }, { text: "Cooperatives grow. Cooperatives grow in every province." }],
        [
          {
            wordId: "0",
            author: "Someone Else",
            date: null,
            text: "Which ones?",
            start: { paragraph: 1, offset: 19 },
            end: { paragraph: 1, offset: 31 },
            replies: [{ wordId: "1", author: "siti rahma", date: null, text: "All." }],
          },
          {
            wordId: "2",
            author: SITI,
            date: null,
            text: "General point",
            start: { paragraph: 1, offset: 5 },
            end: { paragraph: 1, offset: 5 },
            replies: [],
          },
          { wordId: "3", author: SITI, date: null, text: "Lost", start: null, end: null, replies: [] },
        ],
      ),
    });
    expect(placed.threads.map(({ sectionId, passage, quote, comments }) => ({ sectionId, passage, quote, comments }))).toEqual([
      {
        sectionId: "s-one",
        passage: { paragraph: 1, from: 19, to: 31 },
        quote: "Cooperatives",
        comments: [
          { authorId: null, wordAuthor: "Someone Else", date: null, text: "Which ones?" },
          { authorId: 1, wordAuthor: "siti rahma", date: null, text: "All." },
        ],
      },
      { sectionId: "s-one", passage: null, quote: "", comments: [{ authorId: 1, wordAuthor: SITI, date: null, text: "General point" }] },
    ]);
    expect(placed.threads[0]!.threadId).toMatch(/^t-w[0-9a-f]{40}$/);
    expect(placed.unplaced).toEqual([{ kind: "comment", text: "Lost", reason: "noPassage", author: SITI }]);
  });

  it("credits a Word author only to a member the importer may credit, of that name alone", () => {
    expect(attribute("  siti   RAHMA ", members)).toBe(1);
    expect(attribute("Siti Rahma (ILO)", members)).toBe(1);
    expect(attribute("Rina Viewer", members)).toBeNull();
    expect(attribute("Author", members)).toBeNull();
    expect(
      attribute("Twin", [
        ...members,
        { id: 8, name: "Twin", organisation: "A", mayBeCredited: true },
        { id: 9, name: "Twin", organisation: "B", mayBeCredited: true },
      ]),
    ).toBeNull();
  });
});

describe("the plan's side", () => {
  it("reads each textblock's accepted text (open suggested insertions out, suggested deletions in), the open suggestions, and anchors a passage after them", () => {
    const suggestion = (type: string) => ({ type, attrs: { id: "g-abcdefabcdef", authorId: 2 } });
    const ydoc = new Y.Doc();
    Y.applyUpdate(
      ydoc,
      planUpdateFromJSON({
        type: "doc",
        content: [
          sectionJSON("s-one", "One", [
            {
              type: "paragraph",
              content: [
                { type: "text", text: "Keep " },
                { type: "text", text: "new ", marks: [suggestion("suggestionInsert")] },
                { type: "text", text: "old ", marks: [suggestion("suggestionDelete")] },
                { type: "text", text: "words" },
              ],
            },
          ]),
        ],
      }),
    );
    const plan = readPlanText(ydoc);
    expect(plan.sections).toEqual([{ id: "s-one", title: "One", paragraphs: ["One", "Keep old words"] }]);
    // A reviewed copy of an export that carried this suggestion as tracked changes brings it back: not a new one.
    expect(plan.openSuggestions.get("s-one")).toEqual([{ inserted: "new ", deleted: "old " }]);
    expect(plan.anchor("s-one", { paragraph: 1, from: 9, to: 14 })).toMatchObject({ quote: "words" });
    expect(plan.anchor("s-one", { paragraph: 1, from: 9, to: 99 })).toBeNull();
  });
});

describe("a reviewed copy of our own export", () => {
  const i18n = createInstance();
  beforeAll(async () => {
    await i18n.init({ ...i18nOptions, lng: "en" });
  });

  const text = (value: string): JSONContent => ({ type: "text", text: value });
  const content: JSONContent = {
    type: "doc",
    content: [
      sectionJSON("s-aaaa1111", "Vision", [{ type: "paragraph", content: [text("Cooperatives lead a fair economy.")] }]),
      sectionJSON("s-bbbb2222", "Finance", [{ type: "paragraph", content: [text("Banks lend to cooperatives at fair rates.")] }]),
    ],
  };

  it("finds the sections by their titles and places a replacement and a comment made in Word", async () => {
    const doc = planSchema().nodeFromJSON(content);
    const exported = await planDocx(
      {
        planId: "p",
        title: "Plan",
        isVersion: false,
        versionName: null,
        date: Date.UTC(2026, 11, 1),
        doc,
        docWithSuggestions: doc,
        details: [],
      },
      { t: i18n.t, locale: "en", versionLabel: "Current text" },
    );
    const reviewed = await editDocumentXml(
      new Uint8Array(exported),
      (xml) => {
        const target = /<w:r>(?:(?!<w:r>).)*?Banks lend to cooperatives at fair rates\.<\/w:t><\/w:r>/s;
        expect(xml).toMatch(target);
        return xml.replace(
          target,
          run("Banks lend to cooperatives at ") + del(SITI, "fair") + ins(SITI, "low") + commentStart(7) + run(" rates.") + commentEnd(7),
        );
      },
      {
        "word/comments.xml": `<?xml version="1.0"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="7" w:author="Budi Santoso" w:date="2026-12-02T10:00:00Z"><w:p><w:r><w:t>Which rates?</w:t></w:r></w:p></w:comment></w:comments>`,
      },
    );
    const parsed = await readReviewDocx(reviewed);
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, planUpdateFromJSON(content));
    const plan = readPlanText(ydoc);
    const placed = placeReview({ planId: "p", review: parsed, sections: plan.sections, members });
    expect(placed.unplaced).toEqual([]);
    expect(placed.suggestions.map(({ sectionId, find, replaceWith, authorId }) => ({ sectionId, find, replaceWith, authorId }))).toEqual([
      // "fair" is in both sections but once in this one.
      { sectionId: "s-bbbb2222", find: "fair", replaceWith: "low", authorId: 1 },
    ]);
    expect(placed.threads).toHaveLength(1);
    const thread = placed.threads[0]!;
    expect(thread).toMatchObject({ sectionId: "s-bbbb2222", quote: " rates.", comments: [{ authorId: 2, text: "Which rates?" }] });
    expect(plan.anchor(thread.sectionId, thread.passage!)).toMatchObject({ quote: " rates." });
  });
});
