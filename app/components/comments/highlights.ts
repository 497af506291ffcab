// Highlights for open comment threads: a decoration on every range carrying a `comment` mark
// whose thread is open (the mark itself stays plain, so resolved threads show nothing), a
// stronger one for the active thread, and one for each passage a new comment is being written on.
import type { Node as PMNode, Slice } from "@tiptap/pm/model";
import { Plugin, PluginKey, type EditorState, type Transaction } from "@tiptap/pm/state";
import { ReplaceStep } from "@tiptap/pm/transform";
import { Decoration, DecorationSet, type EditorView } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { COMMENT_MARK } from "../../editor/comment-mark";
import { threadIdsAt } from "../../editor/comment-anchors";

export interface PassageRange {
  from: number;
  to: number;
}

interface HighlightState {
  openIds: ReadonlySet<string>;
  activeId: string | null;
  /** The passages of the comments being written, by draft, kept in place through edits. */
  pending: ReadonlyMap<string, PassageRange>;
  decorations: DecorationSet;
}

export type HighlightChange = Partial<Pick<HighlightState, "openIds" | "activeId">> & {
  /** One draft's passage set, or dropped with `range: null`. */
  pending?: { draftKey: string; range: PassageRange | null };
};

export const commentHighlightsKey = new PluginKey<HighlightState>("commentHighlights");

export function commentHighlights(options: { onClickThread: (threadId: string | null) => void }): Plugin<HighlightState> {
  return new Plugin<HighlightState>({
    key: commentHighlightsKey,
    state: {
      init: (_config, state) => {
        const initial = { openIds: new Set<string>(), activeId: null, pending: new Map<string, PassageRange>() };
        return { ...initial, decorations: buildDecorations(state.doc, initial) };
      },
      apply: (tr, value) => {
        const change = tr.getMeta(commentHighlightsKey) as HighlightChange | undefined;
        if (!change && !tr.docChanged) return value;
        let pending = value.pending;
        if (pending.size > 0 && tr.docChanged) {
          const mapped = new Map<string, PassageRange>();
          for (const [draftKey, range] of pending) {
            const from = tr.mapping.map(range.from, 1);
            const to = tr.mapping.map(range.to, -1);
            if (from < to) mapped.set(draftKey, { from, to });
          }
          pending = mapped;
        }
        if (change?.pending) {
          const changed = new Map(pending);
          if (change.pending.range) changed.set(change.pending.draftKey, change.pending.range);
          else changed.delete(change.pending.draftKey);
          pending = changed;
        }
        const next = {
          openIds: change?.openIds ?? value.openIds,
          activeId: change && "activeId" in change ? (change.activeId ?? null) : value.activeId,
          pending,
        };
        // Typing moves the highlights along; anything that may add or remove a comment mark
        // (someone else's change, a paste, formatting) reads them again from the sections it
        // touched (from the whole document when the threads or a pending passage change).
        if (!change && value.pending.size === 0) {
          const decorations = value.decorations.map(tr.mapping, tr.doc);
          return { ...next, decorations: isPlainTyping(tr) ? decorations : rereadSections(decorations, tr, next) };
        }
        return { ...next, decorations: buildDecorations(tr.doc, next) };
      },
    },
    props: {
      decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
      // A click (not a drag) in the text: the innermost open thread under it, or none.
      handleClick: (view, pos, event) => {
        const highlight = event.target instanceof Element ? event.target.closest(".comment-highlight[data-thread-id]") : null;
        options.onClickThread(highlight?.getAttribute("data-thread-id") ?? openThreadAt(view.state, pos));
        return false;
      },
    },
  });
}

/** Tells the plugin which threads are open, which is active, or which passage is pending. */
export function updateCommentHighlights(view: EditorView, change: HighlightChange): void {
  if (view.isDestroyed || !commentHighlightsKey.getState(view.state)) return;
  view.dispatch(view.state.tr.setMeta(commentHighlightsKey, change));
}

export function pendingPassage(state: EditorState, draftKey: string): PassageRange | null {
  return commentHighlightsKey.getState(state)?.pending.get(draftKey) ?? null;
}

function isPlainTyping(tr: Transaction): boolean {
  if (tr.getMeta(ySyncPluginKey)) return false;
  return tr.steps.every((step) => step instanceof ReplaceStep && !sliceHasComment(step.slice));
}

function sliceHasComment(slice: Slice): boolean {
  let found = false;
  slice.content.descendants((node) => {
    found ||= node.marks.some((mark) => mark.type.name === COMMENT_MARK);
    return !found;
  });
  return found;
}

function openThreadAt(state: EditorState, pos: number): string | null {
  const openIds = commentHighlightsKey.getState(state)?.openIds;
  return threadIdsAt(state.doc, pos).find((id) => openIds?.has(id)) ?? null;
}

function buildDecorations(doc: PMNode, state: Omit<HighlightState, "decorations">): DecorationSet {
  const decorations = threadDecorations(doc, 0, doc.content.size, state.openIds, state.activeId);
  for (const range of state.pending.values()) {
    decorations.push(Decoration.inline(range.from, range.to, { nodeName: "span", class: "comment-highlight is-pending" }));
  }
  return DecorationSet.create(doc, decorations);
}

/**
 * `decorations` (already mapped through `tr`) with the sections `tr` changed read again: on
 * the 100-page plan, reading the whole document at each of others' keystrokes was a walk of
 * every paragraph, and a new set the view compared section by section. The changed sections
 * are those between the first and the last top-level node that is not the same object as
 * before (ProseMirror shares unchanged nodes, and the binding replaces only changed sections);
 * marks added or removed count too, which positions alone would not show.
 */
function rereadSections(decorations: DecorationSet, tr: Transaction, state: Omit<HighlightState, "decorations">): DecorationSet {
  if (state.openIds.size === 0) return decorations;
  const before = tr.before.content;
  const after = tr.doc.content;
  let first = 0;
  let from = 0;
  while (first < before.childCount && first < after.childCount && before.child(first) === after.child(first)) {
    from += after.child(first).nodeSize;
    first++;
  }
  let beforeEnd = before.childCount;
  let afterEnd = after.childCount;
  let to = after.size;
  while (beforeEnd > first && afterEnd > first && before.child(beforeEnd - 1) === after.child(afterEnd - 1)) {
    beforeEnd--;
    afterEnd--;
    to -= after.child(afterEnd).nodeSize;
  }
  if (from >= to) return decorations;
  return decorations.remove(decorations.find(from, to)).add(tr.doc, threadDecorations(tr.doc, from, to, state.openIds, state.activeId));
}

/** A highlight on each text between `from` and `to` that carries an open thread's mark. */
function threadDecorations(doc: PMNode, from: number, to: number, openIds: ReadonlySet<string>, activeId: string | null): Decoration[] {
  const decorations: Decoration[] = [];
  if (openIds.size > 0) {
    doc.nodesBetween(from, to, (node, pos) => {
      if (!node.isText) return true;
      for (const mark of node.marks) {
        const threadId = mark.attrs.threadId as string | null;
        if (mark.type.name !== COMMENT_MARK || !threadId || !openIds.has(threadId)) continue;
        // One span per thread (nodeName), so overlapping threads nest and look darker.
        decorations.push(
          Decoration.inline(pos, pos + node.nodeSize, {
            nodeName: "span",
            class: threadId === activeId ? "comment-highlight is-active" : "comment-highlight",
            "data-thread-id": threadId,
          }),
        );
      }
      return false;
    });
  }
  return decorations;
}
