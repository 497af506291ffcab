// The server's schema guard must pass everything the editor makes and catch what it cannot.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { planUpdateFromJSON, PLAN_FRAGMENT } from "../../app/editor/document.server";
import { planTemplate } from "../../app/editor/templates";
import { demoPlanContent } from "../../db/demo-plan";
import { childrenOutsideSchema, documentOutsideSchema } from "../../server/collab/schema-guard";

const everyKindOfBlock = {
  type: "doc",
  content: [
    {
      type: "section",
      attrs: { id: "s-all" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "All", marks: [{ type: "bold" }] }] },
        { type: "paragraph", content: [{ type: "text", text: "a" }, { type: "hardBreak" }, { type: "text", text: "b", marks: [{ type: "link", attrs: { href: "https://x.org" } }] }] },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "i" }] }] }] },
        { type: "orderedList", content: [{ type: "listItem", content: [{ type: "paragraph" }] }] },
        { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "q" }] }] },
        { type: "horizontalRule" },
        {
          type: "table",
          content: [
            { type: "tableRow", content: [{ type: "tableHeader", content: [{ type: "paragraph" }] }] },
            { type: "tableRow", content: [{ type: "tableCell", content: [{ type: "paragraph", content: [{ type: "text", text: "c" }] }] }] },
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

describe("the schema guard", () => {
  it.each([
    ["the demo plan", demoPlanContent],
    ["the SSE template", planTemplate("sse")!.content],
    ["every kind of block", everyKindOfBlock],
  ])("passes %s", (_name, content) => {
    expect(documentOutsideSchema(docFrom(content).getXmlFragment(PLAN_FRAGMENT))).toEqual([]);
  });

  it("catches text at the top level, unknown nodes, and blocks where they cannot go, in one transaction", () => {
    const doc = docFrom(demoPlanContent);
    const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
    let caught: ReturnType<typeof childrenOutsideSchema> = [];
    doc.on("afterTransaction", (transaction: Y.Transaction) => (caught = childrenOutsideSchema(transaction)));
    doc.transact(() => {
      fragment.insert(0, [new Y.XmlText("loose text")]);
      const section = fragment.get(1) as Y.XmlElement;
      section.insert(1, [new Y.XmlElement("script")]);
      const heading = section.get(0) as Y.XmlElement;
      heading.insert(0, [new Y.XmlElement("table")]);
      // A new section whose paragraph holds a section: nested inside new structure.
      const fresh = new Y.XmlElement("section");
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlElement("section")]);
      fresh.insert(0, [new Y.XmlElement("heading"), paragraph]);
      fragment.insert(2, [fresh]);
    });
    expect(caught).toHaveLength(4);
    // Typing into a paragraph afterwards is nothing to catch.
    doc.transact(() => ((fragment.get(2) as Y.XmlElement).get(0) as Y.XmlElement).insert(0, [new Y.XmlText("ok")]));
    expect(caught).toEqual([]);
  });
});
