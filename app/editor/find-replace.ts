// Find and replace in the text: every match highlighted, one of them current, found anew as the
// text changes (others' edits included). Replacing is an ordinary edit of this person's, so it
// is undone with Ctrl+Z and refused by the server for those who may not edit.
import { Extension } from "@tiptap/core";
import type { Node as PMNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { Editor } from "@tiptap/core";

export interface FindMatch {
  from: number;
  to: number;
}

export interface FindState {
  query: string;
  caseSensitive: boolean;
  matches: FindMatch[];
  /** Index of the current match in `matches`, or -1 when there is none. */
  current: number;
  decorations: DecorationSet;
}

interface FindMeta {
  query?: string;
  caseSensitive?: boolean;
  current?: number;
}

export const findKey = new PluginKey<FindState>("find");

const EMPTY: FindState = { query: "", caseSensitive: false, matches: [], current: -1, decorations: DecorationSet.empty };

/** Stands for an inline node that is not text (a line break): never part of a match. */
const NOT_TEXT = "\uFFFC";

/** A character for comparing without case, one for one, so positions stay those of the text. */
function foldCase(character: string): string {
  const lower = character.toLowerCase();
  return lower.length === character.length ? lower : character;
}

/** Every occurrence of `query` in the document's text blocks (a match never spans two blocks). */
export function findMatches(doc: PMNode, query: string, caseSensitive: boolean): FindMatch[] {
  if (!query) return [];
  const needle = caseSensitive ? query : [...query].map(foldCase).join("");
  const matches: FindMatch[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    let text = "";
    const positions: number[] = [];
    node.forEach((child, offset) => {
      const start = pos + 1 + offset;
      if (child.isText && child.text) {
        for (let i = 0; i < child.text.length; i++) positions.push(start + i);
        text += child.text;
      } else {
        positions.push(start);
        text += NOT_TEXT;
      }
    });
    const haystack = caseSensitive ? text : [...text].map(foldCase).join("");
    for (let index = haystack.indexOf(needle); index !== -1; index = haystack.indexOf(needle, index + needle.length)) {
      matches.push({ from: positions[index]!, to: positions[index + needle.length - 1]! + 1 });
    }
    return false;
  });
  return matches;
}

function decorate(doc: PMNode, matches: FindMatch[], current: number): DecorationSet {
  if (matches.length === 0) return DecorationSet.empty;
  return DecorationSet.create(
    doc,
    matches.map((match, index) =>
      Decoration.inline(match.from, match.to, { class: index === current ? "find-match is-current" : "find-match" }),
    ),
  );
}

/** The first match at or after `position`, else the first. */
function matchFrom(matches: FindMatch[], position: number): number {
  if (matches.length === 0) return -1;
  const index = matches.findIndex((match) => match.from >= position);
  return index === -1 ? 0 : index;
}

function nextState(tr: Transaction, previous: FindState, newState: EditorState): FindState {
  const meta = tr.getMeta(findKey) as FindMeta | undefined;
  if (!meta && (!tr.docChanged || !previous.query)) return previous;
  const query = meta?.query ?? previous.query;
  const caseSensitive = meta?.caseSensitive ?? previous.caseSensitive;
  if (!query) return EMPTY;
  const isNewSearch = meta?.query !== undefined || meta?.caseSensitive !== undefined;
  const matches = isNewSearch || tr.docChanged ? findMatches(newState.doc, query, caseSensitive) : previous.matches;
  let current: number;
  if (meta?.current !== undefined)
    current = matches.length === 0 ? -1 : ((meta.current % matches.length) + matches.length) % matches.length;
  else if (isNewSearch) current = matchFrom(matches, newState.selection.from);
  else {
    // The text changed: stay at the match that was current, or the next one after it.
    const was = previous.matches[previous.current];
    current = was ? matchFrom(matches, tr.mapping.map(was.from)) : matchFrom(matches, newState.selection.from);
  }
  return { query, caseSensitive, matches, current, decorations: decorate(newState.doc, matches, current) };
}

export function findPlugin(): Plugin<FindState> {
  return new Plugin<FindState>({
    key: findKey,
    state: {
      init: () => EMPTY,
      apply: (tr, previous, _oldState, newState) => nextState(tr, previous, newState),
    },
    props: { decorations: (state) => findKey.getState(state)?.decorations },
  });
}

export const FindReplace = Extension.create({
  name: "findReplace",
  addProseMirrorPlugins: () => [findPlugin()],
});

export function findState(editor: Editor): FindState {
  return findKey.getState(editor.state) ?? EMPTY;
}

/** Searches anew; the current match is the first from the caret on, shown but not focused. */
export function setFindQuery(editor: Editor, query: string, caseSensitive: boolean): void {
  editor.view.dispatch(editor.state.tr.setMeta(findKey, { query, caseSensitive } satisfies FindMeta));
  revealCurrent(editor);
}

/** Moves to the next (1) or previous (-1) match, around the end. */
export function moveToMatch(editor: Editor, step: 1 | -1): void {
  const { current, matches } = findState(editor);
  if (matches.length === 0) return;
  editor.view.dispatch(editor.state.tr.setMeta(findKey, { current: current + step } satisfies FindMeta));
  revealCurrent(editor);
}

/** Selects the current match and scrolls to it. */
function revealCurrent(editor: Editor): void {
  const { current, matches } = findState(editor);
  const match = matches[current];
  if (!match) return;
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, match.from, match.to)));
  // ProseMirror scrolls to its selection only while it has focus; the find field has it.
  editor.view.dom.querySelector(".find-match.is-current")?.scrollIntoView({ block: "center" });
}

function replaceRange(tr: Transaction, match: FindMatch, replacement: string): void {
  // insertText("") would delete a wider range when the match is a whole paragraph's text.
  if (replacement) tr.insertText(replacement, match.from, match.to);
  else tr.delete(match.from, match.to);
}

/** Replaces the current match and moves on to the next; false when nothing may be replaced. */
export function replaceCurrent(editor: Editor, replacement: string): boolean {
  const { current, matches } = findState(editor);
  const match = matches[current];
  if (!match || !editor.isEditable) return false;
  const tr = editor.state.tr;
  replaceRange(tr, match, replacement);
  editor.view.dispatch(tr);
  revealCurrent(editor);
  return true;
}

/** Replaces every match in one edit (one Ctrl+Z undoes it); the number replaced. */
export function replaceAll(editor: Editor, replacement: string): number {
  const { matches } = findState(editor);
  if (matches.length === 0 || !editor.isEditable) return 0;
  const tr = editor.state.tr;
  for (const match of [...matches].reverse()) replaceRange(tr, match, replacement);
  editor.view.dispatch(tr);
  return matches.length;
}
