// Comment anchors: the server's mark changes nothing but the mark, and follows its text
// through concurrent typing, splits and deletion (docs/comments.md, "Anchors").
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { EditorState } from "@tiptap/pm/state";
import { commentAnchorsIn, prepareCommentMark } from "../../app/editor/comment-anchors";
import { commentAnchorGuardPlugin } from "../../app/editor/comment-mark";
import { planSchema, planUpdateFromJSON, readSections } from "../../app/editor/document.server";
import { anchorFor, editLikeEditor, findText, typeText } from "../helpers/pm-edit";
import { twoSectionPlan as content } from "../helpers/plan-content";

function newDoc(): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(content));
  return doc;
}

function sync(...docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

function markOrThrow(doc: Y.Doc, text: string, threadId: string): Uint8Array {
  const prepared = prepareCommentMark(doc, planSchema(), anchorFor(doc, text), threadId);
  if (!prepared.ok) throw new Error(prepared.reason);
  return prepared.update;
}

describe("comment anchors", () => {
  it("adds exactly the mark: the text and every other mark stay as they were", () => {
    const doc = newDoc();
    const textBefore = readSections(doc);
    const prepared = prepareCommentMark(doc, planSchema(), anchorFor(doc, "patient capital"), "t-1");
    expect(prepared).toMatchObject({ ok: true, sectionId: "s-one", quote: "patient capital" });
    expect(commentAnchorsIn(doc).size).toBe(0); // preparing does not touch the live document
    Y.applyUpdate(doc, (prepared as { update: Uint8Array }).update);
    expect(readSections(doc)).toEqual(textBefore);
    expect(commentAnchorsIn(doc).get("t-1")).toEqual({ sectionId: "s-one", text: "patient capital" });
  });

  it("makes no change at all where the binding would rewrite more than the mark", () => {
    const doc = newDoc();
    // An attribute outside the schema (a hostile editor's): marking text there would drop it.
    (doc.getXmlFragment("default").get(0) as Y.XmlElement).setAttribute("foo", "bar");
    expect(prepareCommentMark(doc, planSchema(), anchorFor(doc, "patient capital"), "t-1")).toEqual({ ok: false, reason: "unresolvable" });
    // Elsewhere the same request goes through.
    expect(prepareCommentMark(doc, planSchema(), anchorFor(doc, "Public procurement"), "t-2")).toMatchObject({
      ok: true,
      sectionId: "s-two",
    });
  });

  it("refuses a quote that is not the text between the positions, and positions from elsewhere", () => {
    const doc = newDoc();
    const anchor = anchorFor(doc, "patient capital");
    expect(prepareCommentMark(doc, planSchema(), { ...anchor, quote: "impatient capital" }, "t")).toEqual({
      ok: false,
      reason: "quoteMismatch",
    });
    const other = new Y.Doc();
    Y.applyUpdate(other, planUpdateFromJSON(content)); // same text, other items
    expect(prepareCommentMark(doc, planSchema(), anchorFor(other, "patient capital"), "t")).toEqual({ ok: false, reason: "unresolvable" });
    expect(prepareCommentMark(doc, planSchema(), { from: "!!", to: "??", quote: "x" }, "t")).toMatchObject({ ok: false });
    const acrossSections = { from: anchorFor(doc, "grow").from, to: anchorFor(doc, "Public").to, quote: "x" };
    expect(prepareCommentMark(doc, planSchema(), acrossSections, "t")).toEqual({ ok: false, reason: "crossesSections" });
  });

  it("follows its words through typing before, inside and after, a split and a join", () => {
    const server = newDoc();
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    sync(server, alice, bob);
    Y.applyUpdate(server, markOrThrow(server, "patient capital from public banks", "t-1"));
    sync(server, alice, bob);

    // Concurrently: Alice types before and inside the passage, Bob after it.
    editLikeEditor(alice, (tr) => typeText(tr, findText(alice, "capital").from, "long-term "));
    editLikeEditor(alice, (tr) => typeText(tr, findText(alice, "patient").from, "very "));
    editLikeEditor(bob, (tr) => typeText(tr, findText(bob, "grow").to, " quickly"));
    sync(server, alice, bob);
    // Then Bob splits the paragraph inside the passage while Alice types inside it again.
    editLikeEditor(bob, (tr) => tr.split(findText(bob, "from public").from + 5));
    editLikeEditor(alice, (tr) => typeText(tr, findText(alice, "capital").to, " and grants"));
    sync(server, alice, bob);

    for (const doc of [server, alice, bob]) {
      expect(commentAnchorsIn(doc).get("t-1")).toEqual({
        sectionId: "s-one",
        text: "patient long-term capital and grants from public banks",
      });
      expect(readSections(doc)[0]!.text).toBe(
        "Financing\nCooperatives need very patient long-term capital and grants from \npublic banks to grow quickly.",
      );
    }

    // Joining the paragraphs again (backspace at the start of the second) keeps it whole.
    editLikeEditor(bob, (tr) => tr.join(findText(bob, "public banks").from - 1));
    sync(server, alice, bob);
    for (const doc of [server, alice, bob]) {
      expect(commentAnchorsIn(doc).get("t-1")?.text).toBe("patient long-term capital and grants from public banks");
      expect(readSections(doc)[0]!.text).toBe(
        "Financing\nCooperatives need very patient long-term capital and grants from public banks to grow quickly.",
      );
    }
  });

  it("lets threads overlap, and loses the anchor (not the thread) when its text is deleted", () => {
    const doc = newDoc();
    Y.applyUpdate(doc, markOrThrow(doc, "patient capital", "t-a"));
    Y.applyUpdate(doc, markOrThrow(doc, "capital from public", "t-b"));
    expect(commentAnchorsIn(doc).get("t-a")?.text).toBe("patient capital");
    expect(commentAnchorsIn(doc).get("t-b")?.text).toBe("capital from public");

    editLikeEditor(doc, (tr) => {
      const { from, to } = findText(doc, "patient capital");
      tr.delete(from, to);
    });
    expect(commentAnchorsIn(doc).has("t-a")).toBe(false);
    expect(commentAnchorsIn(doc).get("t-b")?.text).toBe(" from public");
  });
});

describe("comment anchors and undo", () => {
  it("come back with their text when a deletion is undone, and go again on redo", () => {
    const doc = newDoc();
    Y.applyUpdate(doc, markOrThrow(doc, "patient capital", "t-1"));
    // The editor's undo (Yjs's UndoManager) tracks this person's own changes only.
    const undo = new Y.UndoManager(doc.getXmlFragment("default"), { captureTimeout: 0 });
    editLikeEditor(doc, (tr) => {
      const { from } = findText(doc, "need patient");
      tr.delete(from, findText(doc, "from public").to);
    });
    expect(commentAnchorsIn(doc).has("t-1")).toBe(false);
    undo.undo();
    expect(commentAnchorsIn(doc).get("t-1")).toEqual({ sectionId: "s-one", text: "patient capital" });
    undo.redo();
    expect(commentAnchorsIn(doc).has("t-1")).toBe(false);
    undo.undo();
    expect(commentAnchorsIn(doc).get("t-1")?.text).toBe("patient capital");
  });
});

describe("the editor's comment guard", () => {
  const schema = planSchema();
  const comment = (threadId: string) => schema.marks.comment!.create({ threadId });
  function stateWith(text: string, marked: { from: number; to: number; threadId: string }[]) {
    const paragraph = schema.nodes.paragraph!.create(null, schema.text(text));
    const doc = schema.nodes.doc!.create(null, [
      schema.nodes.section!.create({ id: "s-a" }, [schema.nodes.heading!.create({ level: 2 }, schema.text("A")), paragraph]),
    ]);
    let state = EditorState.create({ doc, plugins: [commentAnchorGuardPlugin()] });
    const start = 5; // section, heading "A", paragraph: its text starts at 5
    for (const m of marked) state = state.apply(state.tr.addMark(start + m.from, start + m.to, comment(m.threadId)));
    return { state, start };
  }
  const threadsOn = (state: EditorState, text: string) => {
    let ids: string[] = [];
    state.doc.descendants((node) => {
      if (node.isText && node.text === text)
        ids = node.marks.filter((m) => m.type.name === "comment").map((m) => m.attrs.threadId as string);
    });
    return ids;
  };

  it("gives comment marks back after clearing formatting", () => {
    const { state, start } = stateWith("one two three", [{ from: 4, to: 7, threadId: "t-1" }]);
    const result = state.applyTransaction(state.tr.removeMark(start, start + 13)).state;
    expect(threadsOn(result, "two")).toEqual(["t-1"]);
  });

  it("strips comment marks from pasted content", () => {
    const { state, start } = stateWith("one two three", [{ from: 4, to: 7, threadId: "t-1" }]);
    const copied = state.doc.slice(start + 4, start + 7);
    const plugin = state.plugins[0]!;
    const pasted = plugin.props.transformPasted!.call(plugin, copied, undefined as never, false);
    let marks = 0;
    pasted.content.descendants((node) => void (marks += node.marks.filter((m) => m.type.name === "comment").length));
    expect(pasted.content.textBetween(0, pasted.content.size)).toBe("two");
    expect(marks).toBe(0);
  });

  it("puts the comment on text typed or pasted over a commented passage", () => {
    const { state, start } = stateWith("one two three", [{ from: 4, to: 7, threadId: "t-1" }]);
    const result = state.applyTransaction(state.tr.replaceWith(start + 4, start + 7, schema.text("2"))).state;
    expect(threadsOn(result, "2")).toEqual(["t-1"]);
    // Replacing more than the passage (part of it uncommented) does not spread the comment.
    const wider = state.applyTransaction(state.tr.replaceWith(start + 2, start + 7, schema.text("X"))).state;
    expect(threadsOn(wider, "X")).toEqual([]);
  });
});
