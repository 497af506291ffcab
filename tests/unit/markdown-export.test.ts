// Markdown export of hostile and awkward text: what people typed comes out as text, never as
// Markdown of its own; cells keep to their row. (The seeded plan's whole export is compared with
// a reviewed snapshot in tests/integration/export-md.test.ts.)
import type { JSONContent } from "@tiptap/core";
import { createInstance } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { planSchema } from "../../app/editor/document.server";
import { sectionJSON } from "../../app/editor/templates";
import { planMarkdown } from "../../app/export/markdown.server";
import { i18nOptions } from "../../app/i18n/config";

const i18n = createInstance();
beforeAll(async () => {
  await i18n.init({ ...i18nOptions, lng: "en" });
});

const text = (value: string, marks: JSONContent["marks"] = []): JSONContent => ({ type: "text", text: value, marks });
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });

/** The Markdown of one section's body (after its title line). */
function body(...blocks: JSONContent[]): string {
  const doc = planSchema().nodeFromJSON({ type: "doc", content: [sectionJSON("s-a", "A", blocks)] });
  const markdown = planMarkdown(
    { planId: "p", title: "P", isVersion: false, versionName: null, date: 0, doc, docWithSuggestions: doc, details: [] },
    { t: i18n.t, language: "en", isVersion: false },
  );
  return markdown.split("\n\n").slice(3).join("\n\n").trimEnd();
}

describe("Markdown export", () => {
  it("escapes what would otherwise be emphasis, code, links, HTML or a table", () => {
    expect(body(paragraph(text("*a* _b_ `c` [d](https://e.example) <b>f</b> g|h ~~i~~ &amp; \\")))).toBe(
      "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](https://e.example) \\<b\\>f\\</b\\> g\\|h \\~\\~i\\~\\~ \\&amp; \\\\",
    );
  });

  it("escapes what would start a heading, quote, list or rule at the start of a line", () => {
    expect(
      body(paragraph(text("# no")), paragraph(text("> no")), paragraph(text("- no")), paragraph(text("1. no")), paragraph(text("2) no"))),
    ).toBe("\\# no\n\n\\> no\n\n\\- no\n\n1\\. no\n\n2\\) no");
    expect(body(paragraph(text("first"), { type: "hardBreak" }, text("---")))).toBe("first\\\n\\---");
  });

  it("writes marks and safe links, and drops a link to anything but http(s) or mailto", () => {
    const link = (href: string) => [{ type: "link", attrs: { href } }];
    expect(body(paragraph(text("bold ", [{ type: "bold" }]), text("plain "), text("site", link("https://example.org/a (b)"))))).toBe(
      "**bold** plain [site](https://example.org/a%20%28b%29)",
    );
    // The editor refuses such a link; one that got into a stored document anyway is plain text here.
    expect(body(paragraph(text("x", link("javascript:alert(1)"))))).toBe("x");
  });

  it("keeps a table cell's pipes and line breaks inside the cell", () => {
    const cell = (type: string, ...content: JSONContent[]): JSONContent => ({ type, content });
    const table: JSONContent = {
      type: "table",
      content: [
        { type: "tableRow", content: [cell("tableHeader", paragraph(text("a|b"))), cell("tableHeader", paragraph(text("c")))] },
        {
          type: "tableRow",
          content: [
            cell("tableCell", paragraph(text("one\ntwo")), paragraph(text("three"))),
            cell("tableCell", paragraph(text("x|y", [{ type: "code" }]))),
          ],
        },
      ],
    };
    expect(body(table)).toBe("| a\\|b | c |\n| --- | --- |\n| one<br>two<br>three | `x\\|y` |");
  });

  it("writes nested lists and quotes", () => {
    const item = (...content: JSONContent[]): JSONContent => ({ type: "listItem", content });
    expect(
      body(
        {
          type: "orderedList",
          attrs: { start: 3 },
          content: [item(paragraph(text("three")), { type: "bulletList", content: [item(paragraph(text("inner")))] })],
        },
        { type: "blockquote", content: [paragraph(text("said")), paragraph(text("twice"))] },
      ),
    ).toBe("3. three\n   - inner\n\n> said\n>\n> twice");
  });
});
