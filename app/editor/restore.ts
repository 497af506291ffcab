// Restoring a version (or one section of it) as a forward change: the difference between the
// live document and the version's, written with y-prosemirror's own diff so that unchanged text
// keeps its Yjs items, and with them carets and comment anchors (docs/versions.md).
import { Fragment, type Mark, type Node as PMNode, type Schema } from "@tiptap/pm/model";
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

/**
 * A version knows nothing of comments made after it. Within each section, a block equal to a
 * live block but for comment marks (wherever either now stands) is the live block, comments
 * and all; the remaining blocks are paired in order, and a changed text block takes the
 * comment marks of the text it starts and ends with (what the binding's diff keeps as it is),
 * so a comment on words the restore does not touch stays anchored.
 */
function keepCommentsOnUnchangedBlocks(target: PMNode, current: PMNode): PMNode {
  const liveSections = new Map<string, PMNode>();
  current.forEach((section) => liveSections.set(section.attrs.id as string, section));
  const sections: PMNode[] = [];
  target.forEach((section) => {
    const live = liveSections.get(section.attrs.id as string);
    sections.push(live ? withLiveComments(section, live) : section);
  });
  return target.copy(Fragment.fromArray(sections));
}

function withLiveComments(old: PMNode, live: PMNode): PMNode {
  if (old.type !== live.type || old.isLeaf) return old;
  if (old.isTextblock) return carryCommentMarks(old, live);
  const liveChildren: PMNode[] = [];
  live.forEach((child) => liveChildren.push(child));
  const plainLive = liveChildren.map((child) => stripComments(child));
  const used = new Set<number>();
  const oldChildren: PMNode[] = [];
  old.forEach((child) => oldChildren.push(child));
  // Unchanged blocks first, wherever they are.
  const matched = oldChildren.map((child) => {
    const plain = stripComments(child);
    const at = plainLive.findIndex((candidate, index) => !used.has(index) && candidate.eq(plain));
    if (at < 0) return null;
    used.add(at);
    return liveChildren[at]!;
  });
  // Then each changed one with the live block left over that shares most of its text.
  const leftovers = liveChildren.filter((_child, index) => !used.has(index));
  const children = oldChildren.map((child, index) => {
    if (matched[index]) return matched[index]!;
    let best: PMNode | undefined;
    let bestShared = 0;
    for (const candidate of leftovers) {
      const shared = candidate.type === child.type ? sharedEnds(child.textContent, candidate.textContent) : 0;
      if (shared > bestShared) [best, bestShared] = [candidate, shared];
    }
    if (!best) return child;
    leftovers.splice(leftovers.indexOf(best), 1);
    return withLiveComments(child, best);
  });
  return old.copy(Fragment.fromArray(children));
}

/** How many characters two texts share at their start and end. */
function sharedEnds(a: string, b: string): number {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return prefix + suffix;
}

function stripComments(node: PMNode): PMNode {
  if (node.isText) return node.mark(node.marks.filter((mark) => mark.type.name !== COMMENT_MARK));
  const children: PMNode[] = [];
  node.forEach((child) => children.push(stripComments(child)));
  return node.copy(Fragment.fromArray(children));
}

/** `old` with the comment marks of `live` on its common start and end (by text offset). */
function carryCommentMarks(old: PMNode, live: PMNode): PMNode {
  if (countInline(old) !== old.childCount || countInline(live) !== live.childCount) return old; // inline nodes: as is
  const liveText = live.textContent;
  const oldText = old.textContent;
  let prefix = 0;
  while (prefix < liveText.length && prefix < oldText.length && liveText[prefix] === oldText[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < liveText.length - prefix &&
    suffix < oldText.length - prefix &&
    liveText[liveText.length - 1 - suffix] === oldText[oldText.length - 1 - suffix]
  )
    suffix++;
  // Rebuild the block's text nodes character run by character run, adding live comment marks.
  const runs: PMNode[] = [];
  let offset = 0;
  old.forEach((child) => {
    const text = child.text!;
    for (let i = 0; i < text.length;) {
      const at = offset + i;
      const liveAt = at < prefix ? at : at >= oldText.length - suffix ? liveText.length - (oldText.length - at) : -1;
      const comments = liveAt >= 0 ? commentMarksAt(live, liveAt) : [];
      let j = i + 1;
      while (j < text.length) {
        const next = offset + j;
        const nextLive = next < prefix ? next : next >= oldText.length - suffix ? liveText.length - (oldText.length - next) : -1;
        const nextComments = nextLive >= 0 ? commentMarksAt(live, nextLive) : [];
        if (!sameMarks(comments, nextComments)) break;
        j++;
      }
      let marks = child.marks;
      for (const mark of comments) marks = mark.addToSet(marks);
      runs.push(old.type.schema.text(text.slice(i, j), marks));
      i = j;
    }
    offset += text.length;
  });
  return old.copy(Fragment.fromArray(runs));
}

function sameMarks(a: readonly Mark[], b: readonly Mark[]): boolean {
  return a.length === b.length && a.every((mark) => b.some((other) => other.eq(mark)));
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
