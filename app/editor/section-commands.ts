// Adding, moving and removing whole sections: ordinary editor transactions, so they travel
// through Yjs like typing, are undoable, and reach every open browser.
import type { Editor } from "@tiptap/core";
import { newSectionId } from "./section";

export interface OutlineEntry {
  id: string;
  title: string;
  /** Position of the section node in the editor's document. */
  pos: number;
}

export function readOutline(editor: Editor): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  editor.state.doc.forEach((node, offset) => {
    if (node.type.name === "section" && typeof node.attrs.id === "string") {
      entries.push({ id: node.attrs.id, title: node.firstChild?.textContent ?? "", pos: offset });
    }
  });
  return entries;
}

/** Inserts a new section after `afterId` (or at the end) and puts the caret in its heading. */
export function addSection(editor: Editor, afterId: string | null, title: string): string {
  const outline = readOutline(editor);
  const after = outline.find((entry) => entry.id === afterId) ?? outline[outline.length - 1];
  const insertAt = after ? after.pos + editor.state.doc.child(outline.indexOf(after)).nodeSize : editor.state.doc.content.size;
  const id = newSectionId();
  editor.view.focus();
  editor
    .chain()
    .insertContentAt(insertAt, {
      type: "section",
      attrs: { id },
      content: [{ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: title }] }, { type: "paragraph" }],
    })
    .setTextSelection(insertAt + 2 + title.length)
    .scrollIntoView()
    .run();
  return id;
}

/** Moves a section one place up (-1) or down (+1). */
export function moveSection(editor: Editor, id: string, direction: -1 | 1): boolean {
  const outline = readOutline(editor);
  const index = outline.findIndex((entry) => entry.id === id);
  const target = index + direction;
  if (index < 0 || target < 0 || target >= outline.length) return false;
  const doc = editor.state.doc;
  const node = doc.child(index);
  const from = outline[index]!.pos;
  const tr = editor.state.tr.delete(from, from + node.nodeSize);
  const neighbour = outline[target]!;
  const insertAt = direction === -1 ? neighbour.pos : tr.mapping.map(neighbour.pos + doc.child(target).nodeSize);
  tr.insert(insertAt, node);
  editor.view.dispatch(tr.scrollIntoView());
  return true;
}

/** Removes a section; the last one stays (a plan has at least one). */
export function removeSection(editor: Editor, id: string): boolean {
  const outline = readOutline(editor);
  const index = outline.findIndex((entry) => entry.id === id);
  if (index < 0 || outline.length <= 1) return false;
  const from = outline[index]!.pos;
  editor.view.dispatch(editor.state.tr.delete(from, from + editor.state.doc.child(index).nodeSize));
  return true;
}

/** Selects a section's heading text, so typing renames it. */
export function selectSectionTitle(editor: Editor, id: string): boolean {
  const entry = readOutline(editor).find((e) => e.id === id);
  if (!entry) return false;
  const heading = editor.state.doc.nodeAt(entry.pos + 1);
  if (!heading) return false;
  const start = entry.pos + 2;
  // Focus now: Tiptap's focus() waits a frame, and the first keys typed would be lost.
  editor.view.focus();
  return editor
    .chain()
    .setTextSelection({ from: start, to: start + heading.content.size })
    .scrollIntoView()
    .run();
}
