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
        // (someone else's change, a paste, formatting) reads them from the document again.
        if (!change && value.pending.size === 0 && isPlainTyping(tr))
          return { ...next, decorations: value.decorations.map(tr.mapping, tr.doc) };
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
  const decorations: Decoration[] = [];
  if (state.openIds.size > 0) {
    doc.descendants((node, pos) => {
      if (!node.isText) return true;
      for (const mark of node.marks) {
        const threadId = mark.attrs.threadId as string | null;
        if (mark.type.name !== COMMENT_MARK || !threadId || !state.openIds.has(threadId)) continue;
        // One span per thread (nodeName), so overlapping threads nest and look darker.
        decorations.push(
          Decoration.inline(pos, pos + node.nodeSize, {
            nodeName: "span",
            class: threadId === state.activeId ? "comment-highlight is-active" : "comment-highlight",
            "data-thread-id": threadId,
          }),
        );
      }
      return false;
    });
  }
  for (const range of state.pending.values()) {
    decorations.push(Decoration.inline(range.from, range.to, { nodeName: "span", class: "comment-highlight is-pending" }));
  }
  return DecorationSet.create(doc, decorations);
}
