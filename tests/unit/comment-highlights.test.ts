// Comment highlights follow others' changes by reading again only the sections a change touched:
// after any sequence of remote and local edits they are exactly what reading the whole document
// gives.
import type { Node as PMNode } from "@tiptap/pm/model";
import { EditorState, type Transaction } from "@tiptap/pm/state";
import type { Decoration } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { describe, expect, it } from "vitest";
import { commentHighlights, commentHighlightsKey } from "../../app/components/comments/highlights";
import { planSchema } from "../../app/editor/document.server";
import { sectionJSON } from "../../app/editor/templates";

const schema = planSchema();
const THREADS = ["t1", "t2", "t3", "t4", "t5"];
const OPEN = new Set(["t1", "t2", "t3", "t4"]);

const commented = (text: string, threadId: string) => ({ type: "text", text, marks: [{ type: "comment", attrs: { threadId } }] });
const plain = (text: string) => ({ type: "text", text });

function sectionNode(index: number, threadId: string | null, words = "some words here"): PMNode {
  const content = threadId ? [plain("Before "), commented(words, threadId), plain(" after.")] : [plain(`Plain ${index}.`)];
  return schema.nodeFromJSON(sectionJSON(`s-${index}`, `Section ${index}`, [{ type: "paragraph", content }]));
}

function initialState(): EditorState {
  const doc = schema.node(
    "doc",
    null,
    Array.from({ length: 12 }, (_, i) => sectionNode(i, i % 3 === 0 ? null : THREADS[i % THREADS.length]!)),
  );
  const state = EditorState.create({ doc, plugins: [commentHighlights({ onClickThread: () => {} })] });
  return state.apply(state.tr.setMeta(commentHighlightsKey, { openIds: OPEN, activeId: "t2" }));
}

/** The highlights as comparable values. */
function highlights(state: EditorState): string[] {
  const set = commentHighlightsKey.getState(state)!.decorations;
  return set
    .find()
    .map((decoration: Decoration) => {
      const attrs = (decoration as unknown as { type: { attrs: Record<string, string> } }).type.attrs;
      return `${decoration.from}-${decoration.to} ${attrs.class} ${attrs["data-thread-id"] ?? ""}`;
    })
    .sort();
}

/** The highlights of the whole document read again (a change of the plugin's own state does that). */
function reread(state: EditorState): string[] {
  const { activeId } = commentHighlightsKey.getState(state)!;
  return highlights(state.apply(state.tr.setMeta(commentHighlightsKey, { activeId })));
}

function sectionStart(doc: PMNode, index: number): number {
  let pos = 0;
  for (let i = 0; i < index; i++) pos += doc.child(i).nodeSize;
  return pos;
}

const remote = (tr: Transaction) => tr.setMeta(ySyncPluginKey, { isChangeOrigin: true });

describe("comment highlights", () => {
  it("are read again in the section another person changed, and only there", () => {
    let state = initialState();
    const before = commentHighlightsKey.getState(state)!.decorations;
    // Someone adds thread t3's mark to section 3's plain text, as the binding does: one section replaced.
    const start = sectionStart(state.doc, 3);
    state = state.apply(remote(state.tr.replaceWith(start, start + state.doc.child(3).nodeSize, sectionNode(3, "t3", "marked now"))));
    expect(highlights(state).some((h) => h.endsWith(" t3") && h.startsWith(`${start + 1 + 11 + 1 + 7}-`))).toBe(true);
    expect(highlights(state)).toEqual(reread(state));
    // The other sections' highlights are the same decorations as before.
    const after = commentHighlightsKey.getState(state)!.decorations;
    const delta = state.doc.child(3).nodeSize - initialState().doc.child(3).nodeSize;
    const fromSection4 = sectionStart(state.doc, 4);
    expect(after.find(0, start).map((d) => d.from)).toEqual(before.find(0, start).map((d) => d.from));
    expect(after.find(fromSection4, state.doc.content.size).map((d) => d.from - delta)).toEqual(
      before.find(fromSection4 - delta, initialState().doc.content.size).map((d) => d.from),
    );
  });

  it("after random remote and local edits are what reading the whole document gives", () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let state = initialState();
    for (let round = 0; round < 400; round++) {
      const doc = state.doc;
      const index = Math.floor(next() * doc.childCount);
      const start = sectionStart(doc, index);
      const kind = next();
      let tr = state.tr;
      if (kind < 0.3) {
        // Someone types in a section: it is replaced with a new version.
        const threadId = next() < 0.7 ? THREADS[Math.floor(next() * THREADS.length)]! : null;
        tr = remote(tr.replaceWith(start, start + doc.child(index).nodeSize, sectionNode(index, threadId, `words ${round}`)));
      } else if (kind < 0.45) {
        tr = remote(tr.insert(start, sectionNode(100 + round, next() < 0.5 ? "t1" : null)));
      } else if (kind < 0.55) {
        if (doc.childCount < 3) continue;
        tr = remote(tr.delete(start, start + doc.child(index).nodeSize));
      } else if (kind < 0.7) {
        // Two sections changed in one remote transaction (others' changes gathered).
        const other = Math.floor(next() * doc.childCount);
        const otherStart = sectionStart(doc, other);
        tr = tr.replaceWith(otherStart, otherStart + doc.child(other).nodeSize, sectionNode(other, "t4", `more ${round}`));
        const mapped = tr.mapping.map(start);
        if (other !== index) tr = tr.replaceWith(mapped, mapped + tr.doc.child(index).nodeSize, sectionNode(index, "t2", "two"));
        tr = remote(tr);
      } else if (kind < 0.85) {
        // Local typing inside a paragraph.
        tr = tr.insertText("x", start + 1 + doc.child(index).child(0).nodeSize + 1 + Math.floor(next() * 3));
      } else if (kind < 0.95) {
        // Local formatting: a comment mark added over a few letters (as the server's mark arrives).
        const from = start + 1 + doc.child(index).child(0).nodeSize + 1;
        tr = remote(tr.addMark(from, from + 3, schema.marks.comment!.create({ threadId: "t3" })));
      } else {
        tr = tr.setMeta(commentHighlightsKey, { activeId: THREADS[Math.floor(next() * THREADS.length)] });
      }
      state = state.apply(tr);
      expect(highlights(state)).toEqual(reread(state));
    }
  });
});
