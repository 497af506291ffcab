// Comment anchors: a mark on the commented text carrying its thread's id. A mark (not a Yjs
// relative position alone) because a mark travels with its characters through paragraph
// splits, joins, undo and redo (relative positions lose their place on a split:
// y-prosemirror#204, #44). The server adds it for everyone (docs/comments.md).
import { Extension, Mark, mergeAttributes } from "@tiptap/core";
import { Fragment, Slice, type Mark as PMMark, type Node as PMNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, type Transaction } from "@tiptap/pm/state";
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from "@tiptap/pm/transform";
import { ySyncPluginKey } from "@tiptap/y-tiptap";

export const COMMENT_MARK = "comment";

/** Set on a transaction that removes comment marks on purpose (none does today). */
export const REMOVE_COMMENT_META = "removeComment";

export const CommentMark = Mark.create({
  name: COMMENT_MARK,
  // Threads may overlap: the mark does not exclude itself. y-prosemirror then stores each
  // instance under its own key (comment--<hash of attrs>), so overlaps survive Yjs.
  excludes: "",
  // Typing at either edge of a commented passage does not extend the comment.
  inclusive: false,
  // Splitting a commented paragraph keeps the comment on both halves.
  keepOnSplit: true,
  spanning: true,

  addAttributes() {
    return {
      threadId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-thread-id"),
        renderHTML: (attributes) => ({ "data-thread-id": attributes.threadId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "span[data-thread-id]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["span", mergeAttributes(HTMLAttributes, { class: "comment-anchor" }), 0];
  },
});

/**
 * Keeps comment anchors through this person's own formatting and replacing: "clear
 * formatting" gives back the comment marks it removed, and text typed or pasted over a
 * passage that was wholly inside a comment takes that comment on. Pasted text brings no
 * comment marks of its own. Changes that arrive
 * through Yjs are someone else's and are left as they are.
 */
export const CommentAnchorGuard = Extension.create({
  name: "commentAnchorGuard",
  addProseMirrorPlugins() {
    return [commentAnchorGuardPlugin()];
  },
});

export function commentAnchorGuardPlugin(): Plugin {
  return new Plugin({
    key: new PluginKey("commentAnchorGuard"),
    props: {
      // A copied passage does not take its comments along: a thread has one passage.
      transformPasted: (slice) => new Slice(withoutCommentMarks(slice.content), slice.openStart, slice.openEnd),
    },
    appendTransaction: (transactions, _oldState, newState) => {
      const mended = newState.tr;
      for (const tr of transactions) {
        if (!tr.docChanged || tr.getMeta(ySyncPluginKey) || tr.getMeta(REMOVE_COMMENT_META)) continue;
        keepCommentMarks(tr, mended);
      }
      return mended.docChanged ? mended : null;
    },
  });
}

function keepCommentMarks(tr: Transaction, mended: Transaction): void {
  tr.steps.forEach((step, index) => {
    const docBefore = tr.docs[index]!;
    // Positions as of the step's own document, mapped to the end of the transaction.
    const toEnd = tr.mapping.slice(index + 1);
    if (step instanceof RemoveMarkStep && step.mark.type.name === COMMENT_MARK) {
      const from = toEnd.map(step.from, 1);
      const to = toEnd.map(step.to, -1);
      if (from < to) mended.addMark(from, to, step.mark);
      return;
    }
    if (step instanceof AddMarkStep || !(step instanceof ReplaceStep)) return;
    if (step.from === step.to || step.slice.size === 0) return;
    const covering = commentMarksCovering(docBefore, step.from, step.to);
    if (covering.length === 0) return;
    const stepEnd = step.getMap().map(step.to, 1);
    const from = toEnd.map(step.from, 1);
    const to = toEnd.map(stepEnd, -1);
    if (from >= to) return;
    for (const mark of covering) mended.addMark(from, to, mark);
  });
}

function withoutCommentMarks(fragment: Fragment): Fragment {
  const children: PMNode[] = [];
  fragment.forEach((node) => {
    if (node.isText) children.push(node.mark(node.marks.filter((mark) => mark.type.name !== COMMENT_MARK)));
    else children.push(node.copy(withoutCommentMarks(node.content)));
  });
  return Fragment.fromArray(children);
}

/** The comment marks on every character of [from, to) (a replaced passage). */
function commentMarksCovering(doc: PMNode, from: number, to: number): PMMark[] {
  let common: PMMark[] | undefined;
  doc.nodesBetween(from, to, (node) => {
    if (!node.isText) return true;
    const marks = node.marks.filter((mark) => mark.type.name === COMMENT_MARK);
    common = common === undefined ? marks : common.filter((mark) => marks.some((m) => m.eq(mark)));
    return false;
  });
  return common ?? [];
}
