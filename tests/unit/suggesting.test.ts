// Suggesting mode on the plan schema: each local edit is rewritten into suggestion marks (typed
// text marked inserted, accepted text kept and marked deleted, one's own suggested text really
// removed), structure is refused, and nothing a suggester writes touches accepted text or
// anyone else's marks (what the server's gate allows).
import { splitBlock } from "@tiptap/pm/commands";
import { Slice, type Node as PMNode } from "@tiptap/pm/model";
import { EditorState, TextSelection, type Transaction } from "@tiptap/pm/state";
import { initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import type { EditorView } from "@tiptap/pm/view";
import { describe, expect, it } from "vitest";
import { actionMatrixJSON } from "../../app/editor/action-matrix";
import { PLAN_FRAGMENT, planSchema, planUpdateFromJSON } from "../../app/editor/document.server";
import { suggestingKey, suggestingPlugin, suggestTransaction, SUGGESTION_META, type SuggestingState } from "../../app/editor/suggesting";
import { SUGGESTION_DELETE, SUGGESTION_INSERT, SUGGESTION_ID_PATTERN } from "../../app/editor/suggestion-marks";
import { sectionJSON } from "../../app/editor/templates";
import { SuggestionGate } from "../../server/collab/suggestion-gate";

const ALICE = 7;
const BOB = 8;

const paragraph = (value: string) => ({ type: "paragraph", content: value ? [{ type: "text", text: value }] : [] });

function stateOf(blocks: object[], initial: SuggestingState = { mode: "suggesting", authorId: ALICE }): EditorState {
  const doc = planSchema().nodeFromJSON({ type: "doc", content: [sectionJSON("s-a", "Title", blocks)] });
  return EditorState.create({ doc, plugins: [suggestingPlugin(initial)] });
}

/** Dispatches as the editor does: through the suggesting rewrite; a refused change leaves the state. */
function dispatch(state: EditorState, tr: Transaction): EditorState {
  const rewritten = suggestTransaction(state, tr);
  return rewritten ? state.apply(rewritten) : state;
}

function asAuthor(state: EditorState, authorId: number): EditorState {
  return state.apply(state.tr.setMeta(suggestingKey, { authorId }));
}

/** Where `text` starts in the document. */
function posOf(state: EditorState, text: string, occurrence = 0): number {
  let found = -1;
  let seen = 0;
  state.doc.descendants((node, pos) => {
    if (found >= 0 || !node.isTextblock) return found < 0;
    let index = node.textContent.indexOf(text);
    while (index >= 0 && seen < occurrence) {
      seen++;
      index = node.textContent.indexOf(text, index + 1);
    }
    if (index >= 0) found = pos + 1 + index;
    return false;
  });
  if (found < 0) throw new Error(`not found: ${text}`);
  return found;
}

const at = (state: EditorState, pos: number, to = pos) => state.apply(state.tr.setSelection(TextSelection.create(state.doc, pos, to)));

/** Types as the browser does: one insertText per key at the selection. */
function type(state: EditorState, text: string): EditorState {
  for (const character of text) {
    const { from, to } = state.selection;
    state = dispatch(state, state.tr.insertText(character, from, to));
  }
  return state;
}

/** Backspace in text as the browser does it (a DOM change: delete the character before). */
function backspace(state: EditorState, times = 1): EditorState {
  for (let i = 0; i < times; i++) {
    const { from, empty } = state.selection;
    state = empty ? dispatch(state, state.tr.delete(from - 1, from)) : dispatch(state, state.tr.deleteSelection());
  }
  return state;
}

function forwardDelete(state: EditorState): EditorState {
  const { from } = state.selection;
  return dispatch(state, state.tr.delete(from, from + 1));
}

/** The text of each paragraph, with [+inserted+] and [-deleted-] spans and their authors. */
function marked(state: EditorState): string[] {
  const out: string[] = [];
  state.doc.descendants((node) => {
    if (!node.isTextblock || node.type.name === "heading") return true;
    let line = "";
    node.forEach((child) => {
      const text = child.text ?? "";
      const insert = child.marks.find((mark) => mark.type.name === SUGGESTION_INSERT);
      const deletes = child.marks.filter((mark) => mark.type.name === SUGGESTION_DELETE);
      let piece = text;
      if (insert) piece = `[+${piece}+${insert.attrs.authorId}]`;
      for (const mark of deletes) piece = `[-${piece}-${mark.attrs.authorId}]`;
      line += piece;
    });
    out.push(line);
    return false;
  });
  return out;
}

function ids(state: EditorState, type: string): string[] {
  const found = new Set<string>();
  state.doc.descendants((node: PMNode) => {
    for (const mark of node.marks) if (mark.type.name === type) found.add(mark.attrs.id as string);
  });
  return [...found];
}

const allIds = (state: EditorState) => [...new Set([...ids(state, SUGGESTION_INSERT), ...ids(state, SUGGESTION_DELETE)])];

describe("suggesting mode", () => {
  it("marks typed text as an insertion of one's own, and typing on continues it", () => {
    let state = stateOf([paragraph("The plan.")]);
    state = at(state, posOf(state, "plan"));
    state = type(state, "new ");
    state = type(state, "draft ");
    expect(marked(state)).toEqual(["The [+new draft +7]plan."]);
    expect(ids(state, SUGGESTION_INSERT)).toHaveLength(1);
    expect(ids(state, SUGGESTION_INSERT)[0]).toMatch(SUGGESTION_ID_PATTERN);
    expect(state.selection.from).toBe(posOf(state, "plan"));
  });

  it("gives typing in a new place a new suggestion", () => {
    let state = stateOf([paragraph("One two three.")]);
    state = type(at(state, posOf(state, "two")), "A ");
    state = type(at(state, posOf(state, "three")), "B ");
    expect(marked(state)).toEqual(["One [+A +7]two [+B +7]three."]);
    expect(ids(state, SUGGESTION_INSERT)).toHaveLength(2);
  });

  it("continues one's own insertion when typing inside it", () => {
    let state = stateOf([paragraph("One.")]);
    state = type(at(state, posOf(state, ".")), " two");
    state = type(at(state, posOf(state, "wo")), "x");
    expect(marked(state)).toEqual(["One[+ txwo+7]."]);
    expect(ids(state, SUGGESTION_INSERT)).toHaveLength(1);
  });

  it("really removes one's own suggested text on Backspace, then marks accepted text deleted", () => {
    let state = stateOf([paragraph("Hello")]);
    state = type(at(state, posOf(state, "Hello") + 5), "abc");
    state = backspace(state, 2);
    expect(marked(state)).toEqual(["Hello[+a+7]"]);
    state = backspace(state, 3);
    expect(marked(state)).toEqual(["Hel[-lo-7]"]);
    // The caret stays before what was struck through, and the deletion is one suggestion.
    expect(state.selection.from).toBe(posOf(state, "lo"));
    expect(ids(state, SUGGESTION_DELETE)).toHaveLength(1);
    expect(ids(state, SUGGESTION_INSERT)).toHaveLength(0);
  });

  it("keeps deleted accepted text with a delete mark, Delete and selection alike", () => {
    let state = stateOf([paragraph("one two three")]);
    state = forwardDelete(at(state, posOf(state, "two")));
    state = forwardDelete(state);
    expect(marked(state)).toEqual(["one [-tw-7]o three"]);
    expect(ids(state, SUGGESTION_DELETE)).toHaveLength(1);
    const start = posOf(state, "three");
    state = dispatch(at(state, start, start + 5), at(state, start, start + 5).tr.deleteSelection());
    expect(marked(state)).toEqual(["one [-tw-7]o [-three-7]"]);
  });

  it("steps over text already proposed for deletion on Backspace", () => {
    let state = stateOf([paragraph("abcdef")]);
    const end = posOf(state, "f") + 1;
    state = backspace(at(state, end), 2);
    expect(marked(state)).toEqual(["abcd[-ef-7]"]);
    const caret = posOf(state, "ef");
    state = backspace(at(state, end));
    // Nothing changed but the caret: it is before the struck-through run.
    expect(marked(state)).toEqual(["abcd[-ef-7]"]);
    expect(state.selection.from).toBe(caret);
  });

  it("replaces a selection: the old words deleted, the new ones inserted after them, one id", () => {
    let state = stateOf([paragraph("a quick fox")]);
    const start = posOf(state, "quick");
    state = type(at(state, start, start + 5), "slow");
    expect(marked(state)).toEqual(["a [-quick-7][+slow+7] fox"]);
    expect(allIds(state)).toHaveLength(1);
  });

  it("marks each paragraph's text deleted across paragraphs without joining them", () => {
    let state = stateOf([paragraph("first part"), paragraph("second part")]);
    const from = posOf(state, "part");
    const to = posOf(state, "second") + "second".length;
    state = at(state, from, to);
    state = dispatch(state, state.tr.deleteSelection());
    expect(marked(state)).toEqual(["first [-part-7]", "[-second-7] part"]);
    expect(allIds(state)).toHaveLength(1);
  });

  it("refuses Enter, formatting, line breaks and structure", () => {
    let state = stateOf([paragraph("one two")]);
    state = at(state, posOf(state, "two"));
    const before = state.doc;
    let split: Transaction | undefined;
    splitBlock(state, (tr) => (split = tr));
    expect(suggestTransaction(state, split!)).toBeNull();
    expect(suggestTransaction(state, state.tr.addMark(2, 8, planSchema().marks.bold!.create()))).toBeNull();
    expect(suggestTransaction(state, state.tr.replaceSelectionWith(planSchema().nodes.hardBreak!.create()))).toBeNull();
    // Backspace at a paragraph's start joins blocks: refused too.
    let two = stateOf([paragraph("one"), paragraph("two")]);
    two = at(two, posOf(two, "two"));
    const joinFrom = posOf(two, "one") + 3;
    expect(suggestTransaction(two, two.tr.delete(joinFrom, joinFrom + 2))).toBeNull();
    expect(state.doc.eq(before)).toBe(true);
  });

  it("lets through a change that carries no edit and others' changes from Yjs untouched", () => {
    const state = stateOf([paragraph("one")]);
    const selectionOnly = state.tr.setSelection(TextSelection.create(state.doc, 2));
    expect(suggestTransaction(state, selectionOnly)).toBe(selectionOnly);
    const plugin = state.plugins[0]!;
    // The filter refuses a local edit that did not pass through the rewrite.
    expect(plugin.spec.filterTransaction!(state.tr.insertText("x", 2), state)).toBe(false);
    expect(plugin.spec.filterTransaction!(state.tr.insertText("x", 2).setMeta(SUGGESTION_META, true), state)).toBe(true);
  });

  it("pastes several paragraphs as one suggested run of text", () => {
    let state = stateOf([paragraph("Start end")]);
    state = at(state, posOf(state, "end"));
    const schema = planSchema();
    const copied = new Slice(
      schema.nodes.doc!.create(null, [
        schema.nodes.paragraph!.create(null, schema.text("alpha", [schema.marks.bold!.create()])),
        schema.nodes.paragraph!.create(null, schema.text("beta ")),
      ]).content,
      0,
      0,
    );
    const plugin = state.plugins[0]!;
    const pasted = plugin.props.transformPasted!.call(plugin, copied, { state } as EditorView, false);
    state = dispatch(state, state.tr.replaceSelection(pasted));
    expect(marked(state)).toEqual(["Start [+alpha beta+7]end"]);
    // Pasted text takes the marks of where it lands, not its own formatting.
    expect(state.doc.rangeHasMark(posOf(state, "alpha"), posOf(state, "alpha") + 5, schema.marks.bold!)).toBe(false);
  });

  it("drops suggestion marks from content pasted while editing", () => {
    const state = stateOf([paragraph("x")], { mode: "editing", authorId: ALICE });
    const schema = planSchema();
    const mark = schema.marks[SUGGESTION_INSERT]!.create({ id: "g-aaaaaaaaaaaa", authorId: BOB });
    const copied = new Slice(schema.nodes.paragraph!.create(null, schema.text("theirs", [mark])).content, 0, 0);
    const plugin = state.plugins[0]!;
    const pasted = plugin.props.transformPasted!.call(plugin, copied, { state } as EditorView, false);
    expect(pasted.content.firstChild!.marks).toEqual([]);
  });

  it("suggests inside an action-matrix cell", () => {
    let state = stateOf([actionMatrixJSON([["SSE awareness", "Workshops"]])]);
    state = type(at(state, posOf(state, "Workshops") + "Workshops".length), " in provinces");
    state = backspace(at(state, posOf(state, "awareness") + "awareness".length), 3);
    expect(marked(state).slice(0, 2)).toEqual(["SSE awaren[-ess-7]", "Workshops[+ in provinces+7]"]);
  });

  it("keeps two authors' overlapping deletions, each with its own id", () => {
    let state = stateOf([paragraph("the quick brown fox")]);
    const quick = posOf(state, "quick");
    state = dispatch(at(state, quick, quick + "quick brown".length), at(state, quick, quick + "quick brown".length).tr.deleteSelection());
    state = asAuthor(state, BOB);
    const brown = posOf(state, "brown");
    state = dispatch(at(state, brown, brown + "brown fox".length), at(state, brown, brown + "brown fox".length).tr.deleteSelection());
    expect(marked(state)).toEqual(["the [-quick -7][-[-brown-7]-8][- fox-8]"]);
    expect(ids(state, SUGGESTION_DELETE)).toHaveLength(2);
  });

  it("marks someone else's suggested insertion deleted instead of removing it", () => {
    let state = stateOf([paragraph("one two")]);
    state = type(at(state, posOf(state, "two")), "new ");
    state = asAuthor(state, BOB);
    const start = posOf(state, "new");
    state = backspace(at(state, start + 3));
    expect(marked(state)).toEqual(["one [+ne+7][-[+w+7]-8][+ +7]two"]);
    // Bob's own typing inside Alice's insertion is Bob's, not Alice's.
    state = type(at(state, start + 1), "Z");
    expect(marked(state)).toEqual(["one [+n+7][+Z+8][+e+7][-[+w+7]-8][+ +7]two"]);
  });

  it("leaves accepted text and others' marks alone whatever one's edit", () => {
    let state = stateOf([paragraph("alpha beta gamma")]);
    state = type(at(state, posOf(state, "beta")), "x");
    state = asAuthor(state, BOB);
    const before = state.doc;
    const from = posOf(state, "alpha");
    state = type(at(state, from, from + "alpha xbeta".length), "B");
    // Everything that was there is still there, in order; Bob only added marks of his and text.
    const accepted = (doc: PMNode) => doc.textBetween(0, doc.content.size, "\n").replace(/B/g, "");
    expect(accepted(state.doc)).toBe(accepted(before));
    expect(marked(state)).toEqual(["[-alpha -8][-[+x+7]-8][-beta-8][+B+8] gamma"]);
  });

  it("writes nothing without an author, and nothing at all in viewing mode", () => {
    const noAuthor = stateOf([paragraph("one")], { mode: "suggesting", authorId: null });
    expect(suggestTransaction(noAuthor, noAuthor.tr.insertText("x", 2))).toBeNull();
    const viewing = stateOf([paragraph("one")], { mode: "viewing", authorId: ALICE });
    expect(viewing.plugins[0]!.spec.filterTransaction!(viewing.tr.insertText("x", 2), viewing)).toBe(false);
  });

  it("edits normally in editing mode", () => {
    let state = stateOf([paragraph("one")], { mode: "editing", authorId: ALICE });
    state = backspace(type(at(state, posOf(state, "one") + 3), "!!"));
    expect(marked(state)).toEqual(["one!"]);
  });
});

describe("what a suggester's editor sends", () => {
  /** Edits the plan as a suggester's browser does (the binding writes the result into Yjs) and
   * asks the server's gate about the update; null when it passes. */
  function gateAnswer(blocks: object[], edit: (state: EditorState) => EditorState): string | null {
    const live = new Y.Doc();
    Y.applyUpdate(live, planUpdateFromJSON({ type: "doc", content: [sectionJSON("s-a", "Title", blocks)] }));
    const gate = new SuggestionGate(() => live);
    const browserDoc = new Y.Doc();
    Y.applyUpdate(browserDoc, Y.encodeStateAsUpdate(live));
    const fragment = browserDoc.getXmlFragment(PLAN_FRAGMENT);
    const { doc, meta } = initProseMirrorDoc(fragment, planSchema());
    const state = edit(EditorState.create({ doc, plugins: [suggestingPlugin({ mode: "suggesting", authorId: ALICE })] }));
    const updates: Uint8Array[] = [];
    browserDoc.on("update", (update: Uint8Array) => updates.push(update));
    browserDoc.transact(() => updateYFragment(browserDoc, fragment, state.doc, meta));
    expect(updates).toHaveLength(1);
    return gate.refusalForSuggester(updates[0]!, ALICE);
  }

  it("typing a letter just before the same letter changes no accepted character", () => {
    // A diff of letters alone would keep the accepted "T" as the typed one (scripts/patches).
    expect(gateAnswer([paragraph("The plan")], (state) => type(at(state, posOf(state, "The")), "PART"))).toBeNull();
    expect(gateAnswer([paragraph("aaa")], (state) => type(at(state, posOf(state, "aaa") + 1), "a"))).toBeNull();
  });

  it("deleting, replacing and removing one's own words pass the gate", () => {
    expect(
      gateAnswer([paragraph("one two")], (state) => type(at(state, posOf(state, "two"), posOf(state, "two") + 3), "three")),
    ).toBeNull();
    expect(
      gateAnswer([paragraph("one two"), paragraph("three")], (state) => {
        const from = posOf(state, "two");
        return dispatch(at(state, from, posOf(state, "three") + 2), at(state, from, posOf(state, "three") + 2).tr.deleteSelection());
      }),
    ).toBeNull();
    expect(gateAnswer([paragraph("")], (state) => type(at(state, posOf(state, "Title") + 7), "first words"))).toBeNull();
  });
});
