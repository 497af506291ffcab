// The server's schema guard must pass everything the editor makes and refuse, whole, any update
// that adds what the schema cannot hold; what is stored already is repaired (docs/security.md).
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { planUpdateFromJSON, PLAN_FRAGMENT } from "../../app/editor/document.server";
import { planTemplate } from "../../app/editor/templates";
import { demoPlanContent } from "../../db/demo-plan";
import { findSchemaViolations, repairDocument } from "../../app/editor/schema-check";
import { MAX_NESTING_DEPTH, rulesMismatch } from "../../app/editor/schema-rules";
import { planSchema, planText } from "../../app/editor/document.server";
import { schemaRefusal } from "../../server/collab/schema-guard";
import { insertNestedBlockquotes } from "../helpers/hostile-yjs";

const everyKindOfBlock = {
  type: "doc",
  content: [
    {
      type: "section",
      attrs: { id: "s-all" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "All", marks: [{ type: "bold" }] }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "a" },
            { type: "hardBreak" },
            { type: "text", text: "b", marks: [{ type: "link", attrs: { href: "https://x.org" } }] },
          ],
        },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "i" }] }] }] },
        { type: "orderedList", content: [{ type: "listItem", content: [{ type: "paragraph" }] }] },
        { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "q" }] }] },
        { type: "horizontalRule" },
        {
          type: "table",
          content: [
            { type: "tableRow", content: [{ type: "tableHeader", content: [{ type: "paragraph" }] }] },
            {
              type: "tableRow",
              content: [{ type: "tableCell", content: [{ type: "paragraph", content: [{ type: "text", text: "c" }] }] }],
            },
          ],
        },
      ],
    },
  ],
};

function docFrom(content: object): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(content));
  return doc;
}

/** What `change` adds to a copy of `doc`, as the update a client would send. */
function updateFrom(doc: Y.Doc, change: (fragment: Y.XmlFragment, copy: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(copy);
  change(copy.getXmlFragment(PLAN_FRAGMENT), copy);
  return Y.encodeStateAsUpdate(copy, before);
}

const firstParagraphText = (fragment: Y.XmlFragment) => ((fragment.get(1) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlText;

describe("the schema rules", () => {
  it("name every node, mark and attribute of the editor's schema, and nothing else", () => {
    expect(rulesMismatch(planSchema())).toEqual([]);
  });
});

describe("the update check", () => {
  it.each([
    ["the demo plan", demoPlanContent],
    ["the SSE template", planTemplate("sse")!.content],
    ["every kind of block", everyKindOfBlock],
  ])("passes %s, sent whole and in one-struct pieces", (_name, content) => {
    const update = planUpdateFromJSON(content);
    expect(schemaRefusal(new Y.Doc(), update)).toBeNull();
    const source = docFrom(content);
    expect(findSchemaViolations(source.getXmlFragment(PLAN_FRAGMENT), planSchema())).toEqual([]);
  });

  it("passes typing, formatting, links, new sections, lists, tables and deletions made the editor's way", () => {
    const doc = docFrom(demoPlanContent);
    const edits: ((fragment: Y.XmlFragment) => void)[] = [
      (fragment) => firstParagraphText(fragment).insert(3, "typed "),
      (fragment) => firstParagraphText(fragment).format(0, 4, { bold: {}, italic: {} }),
      (fragment) =>
        firstParagraphText(fragment).insert(0, "see ", {
          link: { href: "https://ilo.org", target: "_blank", rel: "noopener noreferrer nofollow", class: null, title: null },
        }),
      (fragment) =>
        firstParagraphText(fragment).format(1, 2, { "comment--AbCd12+/": { threadId: "t-0b8e3c1a-1234-4c3b-9a1e-1f2e3d4c5b6a" } }),
      (fragment) => firstParagraphText(fragment).delete(0, 5),
      (fragment) => {
        const section = new Y.XmlElement("section");
        section.setAttribute("id", "s-1a2b3c4d");
        const heading = new Y.XmlElement("heading");
        heading.setAttribute("level", 2 as never);
        heading.insert(0, [new Y.XmlText("New")]);
        const list = new Y.XmlElement("orderedList");
        list.setAttribute("start", 3 as never);
        const item = new Y.XmlElement("listItem");
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText("one")]);
        item.insert(0, [paragraph]);
        list.insert(0, [item]);
        section.insert(0, [heading, list]);
        fragment.insert(1, [section]);
      },
      (fragment) => (fragment.get(1) as Y.XmlElement).delete(1, 1),
    ];
    for (const edit of edits) {
      const update = updateFrom(doc, edit);
      expect(schemaRefusal(doc, update)).toBeNull();
      Y.applyUpdate(doc, update);
    }
  });

  it.each<[string, (fragment: Y.XmlFragment, doc: Y.Doc) => void]>([
    ["a mark the schema does not know", (fragment) => firstParagraphText(fragment).format(0, 1, { someMark: {} })],
    ["a mark written as a plain value", (fragment) => firstParagraphText(fragment).format(0, 1, { bold: true })],
    ["a javascript: link", (fragment) => firstParagraphText(fragment).format(0, 3, { link: { href: "javascript:alert(1)" } })],
    [
      "a link attribute the mark does not have",
      (fragment) => firstParagraphText(fragment).format(0, 3, { link: { href: "https://x.org", onclick: "x" } }),
    ],
    ["text inserted with an unknown mark", (fragment) => firstParagraphText(fragment).insert(0, "x", { evil: {} })],
    ["an embed in text", (fragment) => firstParagraphText(fragment).insertEmbed(0, { image: "x" })],
    ["an unknown node", (fragment) => (fragment.get(1) as Y.XmlElement).insert(1, [new Y.XmlElement("script")])],
    [
      "a block where it cannot go",
      (fragment) => ((fragment.get(1) as Y.XmlElement).get(0) as Y.XmlElement).insert(0, [new Y.XmlElement("table")]),
    ],
    ["text at the top level", (fragment) => fragment.insert(0, [new Y.XmlText("loose")])],
    [
      "a section inside a new paragraph",
      (fragment) => {
        const section = new Y.XmlElement("section");
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlElement("section")]);
        section.insert(0, [new Y.XmlElement("heading"), paragraph]);
        fragment.insert(1, [section]);
      },
    ],
    ["an attribute the node does not have", (fragment) => (fragment.get(1) as Y.XmlElement).setAttribute("onclick", "x")],
    [
      "a heading level that is not a number",
      (fragment) => ((fragment.get(1) as Y.XmlElement).get(0) as Y.XmlElement).setAttribute("level", "<script>" as never),
    ],
    [
      "a table cell a billion columns wide",
      (fragment) => {
        const cell = new Y.XmlElement("tableCell");
        cell.setAttribute("colspan", 1e9 as never);
        cell.insert(0, [new Y.XmlElement("paragraph")]);
        const row = new Y.XmlElement("tableRow");
        row.insert(0, [cell]);
        const table = new Y.XmlElement("table");
        table.insert(0, [row]);
        (fragment.get(1) as Y.XmlElement).insert(1, [table]);
      },
    ],
    ["a JSON value in the element list", (fragment) => (fragment.get(1) as Y.XmlElement).insert(1, [{ evil: 1 } as never])],
    ["another root type", (_fragment, doc) => doc.getMap("sneaky").set("a", 1)],
    [
      `blockquotes nested ${MAX_NESTING_DEPTH + 1} deep`,
      (fragment) => insertNestedBlockquotes(fragment.get(1) as Y.XmlElement, 1, MAX_NESTING_DEPTH),
    ],
    ["blockquotes nested 3,000 deep", (fragment) => insertNestedBlockquotes(fragment.get(1) as Y.XmlElement, 1, 3_000)],
  ])("refuses %s", (_name, change) => {
    const doc = docFrom(demoPlanContent);
    expect(schemaRefusal(doc, updateFrom(doc, change))).toEqual(expect.any(String));
  });

  it("allows nesting up to the limit", () => {
    const doc = docFrom(demoPlanContent);
    // Section (1) > blockquote × (limit − 2) > paragraph at the limit.
    expect(
      schemaRefusal(
        doc,
        updateFrom(doc, (fragment) => insertNestedBlockquotes(fragment.get(1) as Y.XmlElement, 1, MAX_NESTING_DEPTH - 2)),
      ),
    ).toBeNull();
  });

  it("checks a struct typed after another new struct, where it inherits its parent", () => {
    const doc = docFrom(demoPlanContent);
    // Two transactions on the copy: the second one's first struct names only its left neighbour.
    const update = updateFrom(doc, (fragment, copy) => {
      const text = firstParagraphText(fragment);
      copy.transact(() => text.insert(0, "abc"));
      copy.transact(() => text.format(1, 1, { nope: {} }));
    });
    expect(schemaRefusal(doc, update)).toMatch(/nope/);
  });

  it("checks what Yjs was holding back together with the update that lets it in", () => {
    const doc = docFrom(demoPlanContent);
    const first = updateFrom(doc, (fragment) => firstParagraphText(fragment).insert(0, "abc"));
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(copy, first);
    const second = updateFrom(copy, (fragment) => firstParagraphText(fragment).format(0, 2, { nope: {} }));
    // The second arrives first: it builds on structs the document lacks, so Yjs holds it.
    expect(schemaRefusal(doc, second)).toBeNull();
    Y.applyUpdate(doc, second);
    expect(doc.store.pendingStructs).not.toBeNull();
    expect(schemaRefusal(doc, first)).toMatch(/nope/);
  });
});

describe("the repair of a stored document", () => {
  it("takes out unknown marks but keeps their text, unknown nodes, bad attributes and nesting past the limit", () => {
    const doc = docFrom(demoPlanContent);
    const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
    const textBefore = planText(doc);
    firstParagraphText(fragment).format(0, 5, { someMark: {} });
    (fragment.get(1) as Y.XmlElement).setAttribute("onclick", "x");
    (fragment.get(2) as Y.XmlElement).insert(1, [new Y.XmlElement("script")]);
    insertNestedBlockquotes(fragment.get(2) as Y.XmlElement, 1, 3_000);
    fragment.insert(0, [new Y.XmlText("loose")]);
    const kinds = findSchemaViolations(fragment, planSchema()).map((repair) => repair.kind);
    expect(new Set(kinds)).toEqual(new Set(["removeAttribute", "removeChild", "removeFormat"]));
    expect(repairDocument(doc, fragment, planSchema())).toBe(kinds.length);
    expect(findSchemaViolations(fragment, planSchema())).toEqual([]);
    expect(planText(doc)).toBe(textBefore);
    expect(firstParagraphText(fragment).toDelta()[0].attributes).toBeUndefined();
  });

  it("takes out an element whose every child was taken out, where it must hold something", () => {
    const doc = docFrom(demoPlanContent);
    const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
    const section = fragment.get(2) as Y.XmlElement;
    const blocksBefore = section.length;
    insertNestedBlockquotes(section, 1, MAX_NESTING_DEPTH + 5);
    repairDocument(doc, fragment, planSchema());
    expect(section.length).toBe(blocksBefore);
    expect(findSchemaViolations(fragment, planSchema())).toEqual([]);
  });

  it("changes nothing in a document inside the schema", () => {
    const doc = docFrom(everyKindOfBlock);
    const before = Y.encodeStateVector(doc);
    expect(repairDocument(doc, doc.getXmlFragment(PLAN_FRAGMENT), planSchema())).toBe(0);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});
