// Suggesting mode (docs/suggestions.md): this person's own edits become suggestions instead of
// changes to the accepted text. Each local transaction is rewritten before it is applied
// (Tiptap's dispatchTransaction hook): deleted accepted text stays, marked suggestionDelete;
// typed text is marked suggestionInsert; one's own suggested text is really deleted. Structural
// changes (splitting or joining blocks, tables, lists, line breaks, formatting, attributes) are
// refused, because the server lets a suggester send only text and suggestion marks of their own.
// Changes from Yjs (others' edits, and the undo manager's, which undoes through Yjs) pass as they are.
import { Extension } from "@tiptap/core";
import { Fragment, Slice, type Mark as PMMark, type Node as PMNode, type Schema } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { ReplaceStep } from "@tiptap/pm/transform";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { isSuggestionMark, newSuggestionId, SUGGESTION_DELETE, SUGGESTION_INSERT, type SuggestionAttrs } from "./suggestion-marks";

export const EDIT_MODES = ["editing", "suggesting", "viewing"] as const;
export type EditMode = (typeof EDIT_MODES)[number];

export interface SuggestingState {
  mode: EditMode;
  /** The account whose suggestions this editor writes; null until known (then nothing is written). */
  authorId: number | null;
}

export const suggestingKey = new PluginKey<SuggestingState>("suggesting");

/** Set on a transaction the suggesting rewrite made (or one that must pass as it is). */
export const SUGGESTION_META = "suggestion";

/** Why a change was not made in suggesting mode: the page may show a hint. */
export type RefusedReason = "structure" | "noAuthor";

export function suggestingState(state: EditorState): SuggestingState {
  return suggestingKey.getState(state) ?? { mode: "editing", authorId: null };
}

export function suggestingPlugin(initial: SuggestingState): Plugin<SuggestingState> {
  return new Plugin<SuggestingState>({
    key: suggestingKey,
    state: {
      init: () => initial,
      apply: (tr, value) => {
        const change = tr.getMeta(suggestingKey) as Partial<SuggestingState> | undefined;
        return change ? { ...value, ...change } : value;
      },
    },
    // A safety net under the rewrite: in suggesting and viewing mode no local change reaches the
    // document unless the rewrite made it (other plugins' appended fixes included: an autolink, a
    // section id), so a suggester's socket never sends what the server would refuse.
    filterTransaction: (tr, state) => {
      const { mode } = suggestingState(state);
      if (mode === "editing" || !tr.docChanged || tr.getMeta(ySyncPluginKey)) return true;
      return mode === "suggesting" && tr.getMeta(SUGGESTION_META) === true;
    },
    props: {
      transformPasted: (slice, view) =>
        suggestingState(view.state).mode === "suggesting" ? pastedAsText(slice, view.state) : withoutSuggestionMarks(slice),
      // Typing skips input rules ("1. " making a list, "**bold**"): they would change structure or
      // formatting, which a suggestion cannot; the typed characters go in as a suggestion.
      handleTextInput: (view, from, to, text) => {
        if (suggestingState(view.state).mode !== "suggesting") return false;
        view.dispatch(view.state.tr.insertText(text, from, to));
        return true;
      },
    },
  });
}

/** Pasted content as one run of text (paragraph breaks become spaces), taking the marks of the
 * place it lands in, like typed text: a suggestion proposes words, not formatting. */
function pastedAsText(slice: Slice, state: EditorState): Slice {
  const text = textOfFragment(slice.content).replace(/\s+/g, " ");
  if (!text) return Slice.empty;
  const marks = state.selection.$from.marks().filter((mark) => !isSuggestionMark(mark));
  return new Slice(Fragment.from(state.schema.text(text, marks)), 0, 0);
}

function textOfFragment(fragment: Fragment): string {
  const parts: string[] = [];
  fragment.forEach((node) => {
    if (node.isText) parts.push(node.text ?? "");
    else if (node.isInline) parts.push(node.isLeaf ? " " : textOfFragment(node.content));
    else parts.push(` ${textOfFragment(node.content)} `);
  });
  return parts.join("").replace(/^\s+|\s+$/g, "");
}

/** Pasted content brings no suggestion marks: someone else's suggestion is not one's own text. */
function withoutSuggestionMarks(slice: Slice): Slice {
  const strip = (fragment: Fragment): Fragment => {
    const children: PMNode[] = [];
    fragment.forEach((node) => {
      if (node.isText) children.push(node.mark(node.marks.filter((mark) => !isSuggestionMark(mark))));
      else children.push(node.copy(strip(node.content)));
    });
    return Fragment.fromArray(children);
  };
  return new Slice(strip(slice.content), slice.openStart, slice.openEnd);
}

/**
 * The suggestion a local transaction becomes, applied to the same state: a new transaction, or
 * null when the change cannot be a suggestion (it is then not made). Transactions that change
 * no text, and those that came through Yjs, are returned as they are.
 */
export function suggestTransaction(state: EditorState, tr: Transaction): Transaction | null {
  const { mode, authorId } = suggestingState(state);
  if (mode !== "suggesting" || !tr.docChanged || tr.getMeta(ySyncPluginKey) || tr.getMeta(SUGGESTION_META)) return tr;
  if (authorId === null) return null;
  if (!tr.steps.every((step) => step instanceof ReplaceStep)) return null;
  const rewrite = new Rewrite(state, authorId);
  for (let index = 0; index < tr.steps.length; index++) {
    const step = tr.steps[index] as ReplaceStep;
    // The step's positions, back in the original document, then through what we wrote so far.
    const from = rewrite.out.mapping.map(mapBack(tr, index, step.from, 1), 1);
    const to = Math.max(from, rewrite.out.mapping.map(mapBack(tr, index, step.to, -1), -1));
    if (!rewrite.replace(from, to, step.slice)) return null;
  }
  const out = rewrite.out;
  if (!out.docChanged && rewrite.caret === null) return null;
  if (rewrite.caret !== null) {
    const caret = mapFrom(out, rewrite.caretMappedFrom, rewrite.caret, 1);
    out.setSelection(TextSelection.create(out.doc, caret));
  }
  if (tr.scrolledIntoView) out.scrollIntoView();
  for (const key of ["uiEvent", "paste", "addToHistory"]) if (tr.getMeta(key) !== undefined) out.setMeta(key, tr.getMeta(key));
  return out.setMeta(SUGGESTION_META, true);
}

/** A position in the document before step `index` of `tr`, back in the document before `tr`.
 * (Mapping.slice(0, 0) is the whole mapping, not an empty one: hence the loop.) */
function mapBack(tr: Transaction, index: number, pos: number, assoc: 1 | -1): number {
  for (let step = index - 1; step >= 0; step--) pos = tr.mapping.maps[step]!.invert().map(pos, assoc);
  return pos;
}

/** A position after step `index` of `tr`, mapped through the steps from there to its end. */
function mapFrom(tr: Transaction, index: number, pos: number, assoc: 1 | -1): number {
  for (let step = index; step < tr.steps.length; step++) pos = tr.mapping.maps[step]!.map(pos, assoc);
  return pos;
}

/** The rewrite of one transaction, step by step, into `out` (on the state before it). */
class Rewrite {
  readonly out: Transaction;
  /** Where the caret goes, in `out`'s document as of step `caretMappedFrom`. */
  caret: number | null = null;
  caretMappedFrom = 0;
  /** One id for everything one transaction suggests (a replacement's two halves). */
  private id: string | null = null;
  private readonly schema: Schema;
  private readonly oldSelection: { from: number; to: number; empty: boolean };

  constructor(
    state: EditorState,
    private readonly authorId: number,
  ) {
    this.out = state.tr;
    this.schema = state.schema;
    const { from, to, empty } = state.selection;
    this.oldSelection = { from, to, empty };
  }

  /** Suggests replacing [from, to) with the slice's text; false when it cannot be a suggestion. */
  replace(from: number, to: number, slice: Slice): boolean {
    const inserted = inlineTextOf(slice);
    if (inserted === null) return false;
    const deletesText = this.out.doc.textBetween(from, to, "", "") !== "";
    if (!deletesText && inserted.length === 0) return false;
    const isKeyDelete =
      this.oldSelection.empty && inserted.length === 0 && to - from <= 2 && this.out.doc.resolve(from).sameParent(this.out.doc.resolve(to));
    if (isKeyDelete && this.isAllDeleted(from, to)) {
      // Backspace or Delete over text already proposed for deletion: step over it.
      const backwards = this.oldSelection.from >= to;
      this.setCaret(backwards ? this.deletedRunEdge(from, -1) : this.deletedRunEdge(to, 1));
      return true;
    }
    let insertAt = from;
    if (deletesText) {
      insertAt = this.markDeleted(from, to);
    }
    if (inserted.length > 0) {
      const $at = this.out.doc.resolve(insertAt);
      if (!$at.parent.isTextblock || $at.parent.type.spec.code) return false;
      const id = this.id ?? this.neighbourId(insertAt, insertAt) ?? newSuggestionId();
      this.id = id;
      const mark = this.schema.marks[SUGGESTION_INSERT]!.create({ id, authorId: this.authorId } satisfies SuggestionAttrs);
      const nodes = inserted.map((node) => node.mark(mark.addToSet(node.marks.filter((m) => !isSuggestionMark(m)))));
      this.out.insert(insertAt, Fragment.fromArray(nodes));
      this.setCaret(insertAt + nodes.reduce((size, node) => size + node.nodeSize, 0));
    } else if (deletesText) {
      // Backspace leaves the caret before what it struck through; Delete and a selection, after.
      const isBackspace = this.oldSelection.empty && this.oldSelection.from >= to;
      this.setCaret(isBackspace ? mapFrom(this.out, this.stepsBeforeDelete, from, -1) : insertAt);
    }
    return true;
  }

  /** How many steps `out` had before the last real deletion of one's own suggested text. */
  private stepsBeforeDelete = 0;

  private setCaret(pos: number): void {
    this.caret = pos;
    this.caretMappedFrom = this.out.steps.length;
  }

  /** Marks the text of [from, to) deleted (one's own suggested text really goes); where the
   * range's end is now. Block structure in between is left as it is: paragraphs are not joined. */
  private markDeleted(from: number, to: number): number {
    const doc = this.out.doc;
    const ownInserted: [number, number][] = [];
    const toMark: [number, number][] = [];
    doc.nodesBetween(from, to, (node, pos) => {
      if (!node.isText) return true;
      const start = Math.max(from, pos);
      const end = Math.min(to, pos + node.nodeSize);
      if (start >= end) return false;
      if (this.isOwn(node, SUGGESTION_INSERT)) ownInserted.push([start, end]);
      else if (!this.isOwn(node, SUGGESTION_DELETE)) toMark.push([start, end]);
      return false;
    });
    if (toMark.length > 0) {
      const id = this.id ?? this.neighbourId(from, to) ?? newSuggestionId();
      this.id = id;
      const mark = this.schema.marks[SUGGESTION_DELETE]!.create({ id, authorId: this.authorId } satisfies SuggestionAttrs);
      for (const [start, end] of toMark) this.out.addMark(start, end, mark);
    }
    this.stepsBeforeDelete = this.out.steps.length;
    for (const [start, end] of ownInserted.reverse()) this.out.delete(start, end);
    return mapFrom(this.out, this.stepsBeforeDelete, to, -1);
  }

  private isOwn(node: PMNode, type: string): boolean {
    return node.marks.some((mark) => mark.type.name === type && (mark.attrs as SuggestionAttrs).authorId === this.authorId);
  }

  /** Whether every character of [from, to) is already proposed for deletion (by anyone). */
  private isAllDeleted(from: number, to: number): boolean {
    let all = true;
    this.out.doc.nodesBetween(from, to, (node) => {
      if (node.isText && !node.marks.some((mark) => mark.type.name === SUGGESTION_DELETE)) all = false;
      return all;
    });
    return all;
  }

  /** The far edge of the run of deleted-marked characters next to `pos`, in one text block. */
  private deletedRunEdge(pos: number, direction: -1 | 1): number {
    const doc = this.out.doc;
    const $pos = doc.resolve(pos);
    const start = $pos.start();
    const end = $pos.end();
    let at = pos;
    for (;;) {
      const next = direction < 0 ? at - 1 : at + 1;
      if (next < start || next > end) return at;
      const character = doc.resolve(Math.min(at, next)).nodeAfter;
      if (!character?.isText || !character.marks.some((mark) => mark.type.name === SUGGESTION_DELETE)) return at;
      at = next;
    }
  }

  /** The id of one's own suggestion right before `from` or right after `to` (same text block):
   * typing or deleting next to it continues it. Insertions come first: typing goes on with one's
   * own open insertion. */
  private neighbourId(from: number, to: number): string | null {
    const doc = this.out.doc;
    const $from = doc.resolve(from);
    const $to = doc.resolve(to);
    const before = $from.parent.isTextblock ? $from.nodeBefore : null;
    const after = $to.parent.isTextblock ? $to.nodeAfter : null;
    const ownMarks = (node: PMNode | null | undefined): PMMark[] =>
      node?.isText ? node.marks.filter((mark) => isSuggestionMark(mark) && (mark.attrs as SuggestionAttrs).authorId === this.authorId) : [];
    const candidates = [...ownMarks(before), ...ownMarks(after)];
    const preferred = candidates.find((mark) => mark.type.name === SUGGESTION_INSERT) ?? candidates[0];
    return preferred ? (preferred.attrs as SuggestionAttrs).id : null;
  }
}

/** The inline content a step inserts, as text nodes (blocks' texts joined by a space); null for
 * content that is not only text (a line break, an image: structure, not words). */
function inlineTextOf(slice: Slice): PMNode[] | null {
  const nodes: PMNode[] = [];
  let isText = true;
  let needsSpace = false;
  const walk = (fragment: Fragment) => {
    fragment.forEach((node) => {
      if (!isText) return;
      if (node.isText) {
        if (needsSpace && nodes.length > 0) nodes.push(node.type.schema.text(" ", node.marks));
        needsSpace = false;
        nodes.push(node);
      } else if (node.isInline) {
        isText = false;
      } else {
        needsSpace = true;
        walk(node.content);
        needsSpace = true;
      }
    });
  };
  walk(slice.content);
  return isText ? nodes : null;
}

export interface SuggestingOptions {
  mode: EditMode;
  authorId: number | null;
  /** Called when a change was not made because it cannot be a suggestion. */
  onRefused: ((reason: RefusedReason) => void) | null;
}

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    suggesting: {
      /** Editing, suggesting or viewing (viewing: the text cannot be changed here). */
      setEditMode: (mode: EditMode) => ReturnType;
      /** Whose suggestions this editor writes. */
      setSuggestionAuthor: (authorId: number | null) => ReturnType;
    };
  }
}

export const Suggesting = Extension.create<SuggestingOptions>({
  name: "suggesting",
  addOptions() {
    return { mode: "editing", authorId: null, onRefused: null };
  },
  addCommands() {
    return {
      setEditMode:
        (mode) =>
        ({ tr, dispatch }) => {
          if (dispatch) tr.setMeta(suggestingKey, { mode });
          return true;
        },
      setSuggestionAuthor:
        (authorId) =>
        ({ tr, dispatch }) => {
          if (dispatch) tr.setMeta(suggestingKey, { authorId });
          return true;
        },
    };
  },
  addProseMirrorPlugins() {
    return [suggestingPlugin({ mode: this.options.mode, authorId: this.options.authorId })];
  },
  dispatchTransaction({ transaction, next }) {
    const rewritten = suggestTransaction(this.editor.state, transaction);
    if (rewritten) {
      next(rewritten);
      return;
    }
    const { authorId } = suggestingState(this.editor.state);
    this.options.onRefused?.(authorId === null ? "noAuthor" : "structure");
  },
});
