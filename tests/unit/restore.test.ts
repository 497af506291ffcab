// Restore writes the difference to an old version and keeps comments on text it leaves alone.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { commentAnchorsIn, prepareCommentMark } from "../../app/editor/comment-anchors";
import { planSchema, planUpdateFromJSON, readSections } from "../../app/editor/document.server";
import { prepareRestore } from "../../app/editor/restore";
import { anchorFor, editLikeEditor, findText, typeText } from "../helpers/pm-edit";

const p = (...content: object[]) => ({ type: "paragraph", content });
const t = (text: string) => ({ type: "text", text });
const content = {
  type: "doc",
  content: [
    {
      type: "section",
      attrs: { id: "s-one" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [t("One")] },
        p(t("First paragraph stays.")),
        p(t("Line one"), { type: "hardBreak" }, t("line two with a comment.")),
        p(t("Changed later: the start is kept, the end changes.")),
      ],
    },
    {
      type: "section",
      attrs: { id: "s-two" },
      content: [{ type: "heading", attrs: { level: 2 }, content: [t("Two")] }, p(t("Second section."))],
    },
  ],
};

function mark(doc: Y.Doc, text: string, threadId: string) {
  const prepared = prepareCommentMark(doc, planSchema(), anchorFor(doc, text), threadId);
  if (!prepared.ok) throw new Error(prepared.reason);
  Y.applyUpdate(doc, prepared.update);
}

function restore(doc: Y.Doc, version: Y.Doc, sectionId?: string) {
  const prepared = prepareRestore(doc, planSchema(), version, sectionId);
  if (!prepared.ok) throw new Error(prepared.reason);
  Y.applyUpdate(doc, prepared.update);
}

describe("restore", () => {
  it("gives the old text back and keeps comments on what it does not change", () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, planUpdateFromJSON(content));
    const version = new Y.Doc();
    Y.applyUpdate(version, Y.encodeStateAsUpdate(doc));

    // After the version: comments, a new paragraph above them, and changes.
    mark(doc, "stays", "t-unchanged");
    mark(doc, "Line one", "t-hardbreak"); // a paragraph with a hard break
    mark(doc, "Changed later", "t-prefix");
    editLikeEditor(doc, (tr) =>
      tr.insert(findText(doc, "First paragraph").from - 1, planSchema().nodeFromJSON(p(t("Inserted paragraph.")))),
    );
    editLikeEditor(doc, (tr) => typeText(tr, findText(doc, "the end changes").to, " A lot"));
    editLikeEditor(doc, (tr) => typeText(tr, findText(doc, "Second section").from, "Edited "));

    restore(doc, version, "s-one");
    const sections = readSections(doc);
    expect(sections[0]!.text).toBe(readSections(version)[0]!.text);
    expect(sections[1]!.text).toBe("Two\nEdited Second section."); // only s-one was restored
    const anchors = commentAnchorsIn(doc);
    expect(anchors.get("t-unchanged")?.text).toBe("stays");
    expect(anchors.get("t-hardbreak")?.text).toBe("Line one");
    expect(anchors.get("t-prefix")?.text).toBe("Changed later");

    restore(doc, version);
    expect(readSections(doc)).toEqual(readSections(version));
    expect(commentAnchorsIn(doc).get("t-unchanged")?.text).toBe("stays");
  });

  it("says so when there is nothing to restore", () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, planUpdateFromJSON(content));
    expect(prepareRestore(doc, planSchema(), doc)).toEqual({ ok: false, reason: "unchanged" });
    expect(prepareRestore(doc, planSchema(), doc, "s-gone")).toEqual({ ok: false, reason: "noSuchSection" });
  });
});
