// Edits a Y.Doc the way an editor's binding does: a ProseMirror change written back with
// y-prosemirror's updateYFragment, so Node tests make the same Yjs changes a browser makes.
import { Transform } from "@tiptap/pm/transform";
import { absolutePositionToRelativePosition, initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import { toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import type { AnchorRequest } from "../../app/editor/comment-anchors";
import { planSchema, PLAN_FRAGMENT } from "../../app/editor/document.server";

export function editLikeEditor(doc: Y.Doc, edit: (tr: Transform) => void): void {
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  const { doc: before, meta } = initProseMirrorDoc(fragment, planSchema());
  const tr = new Transform(before);
  edit(tr);
  doc.transact(() => updateYFragment(doc, fragment, tr.doc, meta));
}

/** Types text at `pos` as the editor does: it takes the marks there (a comment's, inside one). */
export function typeText(tr: Transform, pos: number, text: string): void {
  tr.insert(pos, planSchema().text(text, tr.doc.resolve(pos).marks()));
}

export function pmDocOf(doc: Y.Doc) {
  return initProseMirrorDoc(doc.getXmlFragment(PLAN_FRAGMENT), planSchema()).doc;
}

/** Where `text` first occurs in the document: ProseMirror positions of its first and last+1 character. */
export function findText(doc: Y.Doc, text: string): { from: number; to: number } {
  let found: { from: number; to: number } | undefined;
  pmDocOf(doc).descendants((node, pos) => {
    if (found || !node.isTextblock) return !found;
    const index = node.textContent.indexOf(text);
    if (index >= 0) found = { from: pos + 1 + index, to: pos + 1 + index + text.length };
    return false;
  });
  if (!found) throw new Error(`text not found: ${text}`);
  return found;
}

/** An anchor request for a passage, made the way the page makes it. */
export function anchorFor(doc: Y.Doc, text: string): AnchorRequest {
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  const { mapping } = initProseMirrorDoc(fragment, planSchema());
  const { from, to } = findText(doc, text);
  const encode = (pos: number) => toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, fragment, mapping as never)));
  return { from: encode(from), to: encode(to), quote: text };
}
