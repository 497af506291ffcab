// Find and replace and the word count, on the plan schema: matches per text block (never across
// blocks or a line break), case folding that keeps positions, matches kept current as the text
// changes, replace-all as one edit; words by the language's word boundaries.
import { EditorState, TextSelection } from "@tiptap/pm/state";
import { describe, expect, it } from "vitest";
import { planSchema } from "../../app/editor/document.server";
import { findKey, findMatches, findPlugin, type FindState } from "../../app/editor/find-replace";
import { sectionJSON } from "../../app/editor/templates";
import { countText, planCounts } from "../../app/editor/text-stats";

const paragraph = (...content: object[]) => ({ type: "paragraph", content });
const text = (value: string, marks?: object[]) => ({ type: "text", text: value, ...(marks ? { marks } : {}) });

function planDoc() {
  return planSchema().nodeFromJSON({
    type: "doc",
    content: [
      sectionJSON("s-a", "Koperasi and SSE", [
        paragraph(text("The koperasi "), text("Koperasi", [{ type: "bold" }]), text(" law.")),
        paragraph(text("koper"), { type: "hardBreak" }, text("asi split by a line break")),
      ]),
      sectionJSON("s-b", "Second", [paragraph(text("İstanbul koperasi, again."))]),
    ],
  });
}

const textAt = (state: EditorState, match: { from: number; to: number }) => state.doc.textBetween(match.from, match.to);

describe("find", () => {
  it("finds every occurrence without case, across marks, never across a line break or a block", () => {
    const doc = planDoc();
    const matches = findMatches(doc, "koperasi", false);
    const state = EditorState.create({ doc });
    expect(matches.map((match) => textAt(state, match))).toEqual(["Koperasi", "koperasi", "Koperasi", "koperasi"]);
    expect(findMatches(doc, "Koperasi", true).map((match) => textAt(state, match))).toEqual(["Koperasi", "Koperasi"]);
    // "İ" lowercases to two characters: folding it one for one keeps later matches in place.
    expect(findMatches(doc, "again", false).map((match) => textAt(state, match))).toEqual(["again"]);
    expect(findMatches(doc, "", false)).toEqual([]);
  });

  it("keeps the current match as the text changes and replaces all in one transaction", () => {
    let state = EditorState.create({ doc: planDoc(), plugins: [findPlugin()] });
    const find = () => findKey.getState(state) as FindState;
    state = state.apply(state.tr.setMeta(findKey, { query: "koperasi" }));
    expect(find().matches).toHaveLength(4);
    state = state.apply(state.tr.setMeta(findKey, { current: 2 }));
    const current = find().matches[2]!;
    // Someone types before the current match: it moves with the text and stays current.
    state = state.apply(state.tr.insertText("New ", find().matches[0]!.from));
    expect(textAt(state, find().matches[find().current]!)).toBe("Koperasi");
    expect(find().matches[find().current]!.from).toBe(current.from + 4);
    // Typing another occurrence adds a match.
    state = state.apply(state.tr.insertText(" koperasi", state.doc.content.size - 4));
    expect(find().matches).toHaveLength(5);
    // Moving past the end goes around.
    state = state.apply(state.tr.setMeta(findKey, { current: 5 }));
    expect(find().current).toBe(0);

    let tr = state.tr;
    for (const match of [...find().matches].reverse()) tr = tr.insertText("cooperative", match.from, match.to);
    state = state.apply(tr);
    expect(find().matches).toEqual([]);
    const allText = state.doc.textBetween(0, state.doc.content.size, "\n", "\n");
    expect(allText).not.toMatch(/koperasi/i);
    expect(allText.match(/cooperative/g)).toHaveLength(5);
  });

  it("starts at the first match from the caret on", () => {
    let state = EditorState.create({ doc: planDoc(), plugins: [findPlugin()] });
    const second = findMatches(state.doc, "koperasi", false)[2]!;
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, second.from - 1)));
    state = state.apply(state.tr.setMeta(findKey, { query: "KOPERASI" }));
    expect((findKey.getState(state) as FindState).current).toBe(2);
  });
});

describe("word count", () => {
  it("counts words by word boundaries in both languages", () => {
    expect(countText("The SSE-based koperasi, in 2026: 110 member States.").words).toBe(9);
    expect(countText("Ekonomi sosial dan solidaritas (ESS) — gotong royong.", "id").words).toBe(7);
    expect(countText("  ").words).toBe(0);
    expect(countText("Café ✓").characters).toBe(6);
    expect(countText("a b\nc").charactersWithoutSpaces).toBe(3);
  });

  it("counts the plan and each section, blocks never running together", () => {
    const { plan, sections } = planCounts(planDoc());
    expect(sections.map(({ id, title, words }) => ({ id, title, words }))).toEqual([
      // Title 3 + "The koperasi Koperasi law." 4 + "koper" "asi split by a line break" 7.
      { id: "s-a", title: "Koperasi and SSE", words: 14 },
      { id: "s-b", title: "Second", words: 4 },
    ]);
    expect(plan.words).toBe(18);
  });
});
