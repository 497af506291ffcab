// Restoring a version (or one section of it) as a forward change: the difference between the
// live document and the version's, written with y-prosemirror's own diff so that unchanged text
// keeps its Yjs items, and with them carets and comment anchors (docs/versions.md).
import { Fragment, type Mark, type Node as PMNode, type Schema } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";
import { initProseMirrorDoc, updateYFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { COMMENT_MARK } from "./comment-mark";
import { PLAN_FRAGMENT } from "./plan-fragment";

export type PreparedRestore = { ok: true; update: Uint8Array } | { ok: false; reason: "noSuchSection" | "unchanged" };

/**
 * The Yjs update that turns `live` into the version's document, or only the section
 * `sectionId` into the version's section, computed on a copy under a fresh client id.
 */
export function prepareRestore(live: Y.Doc, schema: Schema, version: Y.Doc, sectionId?: string): PreparedRestore {
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live));
  const fragment = scratch.getXmlFragment(PLAN_FRAGMENT);
  const { doc: current, meta } = initProseMirrorDoc(fragment, schema);
  const old = yXmlFragmentToProseMirrorRootNode(version.getXmlFragment(PLAN_FRAGMENT), schema);

  let target: PMNode;
  if (sectionId === undefined) {
    target = old;
  } else {
    const oldSection = findSection(old, sectionId);
    if (!oldSection) return { ok: false, reason: "noSuchSection" };
    target = withSection(current, oldSection.node, old);
  }
  target = keepCommentsOnUnchangedBlocks(target, current);
  if (target.eq(current)) return { ok: false, reason: "unchanged" };

  const updates: Uint8Array[] = [];
  scratch.on("update", (update: Uint8Array) => updates.push(update));
  scratch.transact(() => updateYFragment(scratch, fragment, target, meta));
  scratch.destroy();
  return { ok: true, update: Y.mergeUpdates(updates) };
}

function findSection(doc: PMNode, sectionId: string): { node: PMNode; index: number } | undefined {
  let found: { node: PMNode; index: number } | undefined;
  doc.forEach((node, _offset, index) => {
    if (!found && node.attrs.id === sectionId) found = { node, index };
  });
  return found;
}

/** `current` with one section replaced by its old self; a section since removed comes back
 * after the section that preceded it in the version (or first). */
function withSection(current: PMNode, oldSection: PMNode, old: PMNode): PMNode {
  const sectionId = oldSection.attrs.id as string;
  const children: PMNode[] = [];
  current.forEach((node) => children.push(node));
  const at = children.findIndex((node) => node.attrs.id === sectionId);
  if (at >= 0) {
    children[at] = oldSection;
  } else {
    const oldIndex = findSection(old, sectionId)!.index;
    const before = oldIndex > 0 ? (old.child(oldIndex - 1).attrs.id as string) : null;
    const beforeAt = before === null ? -1 : children.findIndex((node) => node.attrs.id === before);
    children.splice(beforeAt + 1, 0, oldSection);
  }
  return current.copy(Fragment.fromArray(children));
}

function stripMarks(node: PMNode, markName: string): PMNode {
  if (node.isText) return node.mark(node.marks.filter((mark) => mark.type.name !== markName));
  const children: PMNode[] = [];
  node.forEach((child) => children.push(stripMarks(child, markName)));
  return node.copy(Fragment.fromArray(children));
}

/**
 * A version knows nothing of comments made after it. Where a block is unchanged except for
 * comment marks, the live block (with its comments) is kept; where a text block changed, the
 * comment marks of the text it starts and ends with (what the binding's diff keeps as it is)
 * are carried over, so a comment on words the restore does not touch stays anchored.
 */
function keepCommentsOnUnchangedBlocks(target: PMNode, current: PMNode): PMNode {
  const liveSections = new Map<string, { node: PMNode; pos: number }>();
  current.forEach((section, offset) => liveSections.set(section.attrs.id as string, { node: section, pos: offset }));
  const tr = new Transform(target);
  target.forEach((section, offset) => {
    const live = liveSections.get(section.attrs.id as string);
    if (live) carryComments(tr, section, offset, live.node, live.pos);
  });
  return tr.doc;
}

/** Adds to `tr` (over the target document) the comment marks of `live` where `old` matches it. */
function carryComments(tr: Transform, old: PMNode, oldPos: number, live: PMNode, livePos: number): void {
  if (old.type !== live.type) return;
  if (old.isTextblock) {
    const liveText = live.textContent;
    const oldText = old.textContent;
    if (old.childCount !== countInline(old) || live.childCount !== countInline(live)) return; // inline nodes: leave as is
    let prefix = 0;
    while (prefix < liveText.length && prefix < oldText.length && liveText[prefix] === oldText[prefix]) prefix++;
    let suffix = 0;
    while (
      suffix < liveText.length - prefix &&
      suffix < oldText.length - prefix &&
      liveText[liveText.length - 1 - suffix] === oldText[oldText.length - 1 - suffix]
    )
      suffix++;
    const copy = (liveFrom: number, oldFrom: number, length: number) => {
      for (let i = 0; i < length; i++) {
        const marks = commentMarksAt(live, liveFrom + i);
        for (const mark of marks) tr.addMark(oldPos + 1 + oldFrom + i, oldPos + 2 + oldFrom + i, mark);
      }
    };
    copy(0, 0, prefix);
    copy(liveText.length - suffix, oldText.length - suffix, suffix);
    return;
  }
  const pairs = Math.min(old.childCount, live.childCount);
  let oldChildPos = oldPos + 1;
  let liveChildPos = livePos + 1;
  for (let i = 0; i < pairs; i++) {
    carryComments(tr, old.child(i), oldChildPos, live.child(i), liveChildPos);
    oldChildPos += old.child(i).nodeSize;
    liveChildPos += live.child(i).nodeSize;
  }
}

function countInline(block: PMNode): number {
  let count = 0;
  block.forEach((child) => void (child.isText ? (count += 1) : undefined));
  return count;
}

function commentMarksAt(block: PMNode, index: number): readonly Mark[] {
  let seen = 0;
  let marks: readonly Mark[] = [];
  block.forEach((child) => {
    if (!child.isText || seen > index) return;
    const length = child.text!.length;
    if (index < seen + length) marks = child.marks.filter((mark) => mark.type.name === COMMENT_MARK);
    seen += length;
  });
  return marks;
}
