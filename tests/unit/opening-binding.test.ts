// A page opened from its plan's opening (app/collab/opening.ts, app/editor/opening-binding.ts):
// the editor shows the opening's document and takes typing before the plan's Yjs state is
// applied; nothing is written to Yjs until then; once bound, what was typed reaches Yjs as this
// person's edit, on top of the state and beside what others did meanwhile.
import { inflateRawSync } from "node:zlib";
import type { Node as PMNode } from "@tiptap/pm/model";
import { EditorState } from "@tiptap/pm/state";
import { ySyncPlugin, yUndoPlugin, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { decodeOpening, encodeOpening } from "../../app/collab/opening";
import { PLAN_FRAGMENT, planSchema, planText, planUpdateFromJSON } from "../../app/editor/document.server";
import { bindOpenedEditor, awaitingSyncOptions } from "../../app/editor/opening-binding";
import { openingColumns } from "../../app/models/plan-opening.server";
import { HeadlessView } from "../helpers/headless-view";
import { twoSectionPlan } from "../helpers/plan-content";

const REMOTE = "remote";

/** The server's side: the plan's document and the opening it serves for it. */
async function servedPlan() {
  const server = new Y.Doc();
  Y.applyUpdate(server, planUpdateFromJSON(twoSectionPlan));
  const content = inflateRawSync((await openingColumns(server)).content);
  return { server, opening: decodeOpening(encodeOpening(content, Y.encodeStateAsUpdate(server))) };
}

/** A page's editor made from the opening's document, its binding waiting for the state. */
function openPage(content: object) {
  const doc = new Y.Doc();
  const schema = planSchema();
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  const state = EditorState.create({
    schema,
    doc: schema.nodeFromJSON(content),
    plugins: [ySyncPlugin(fragment, awaitingSyncOptions(true)), yUndoPlugin()],
  });
  const sent: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) sent.push(update);
  });
  return { doc, fragment, view: new HeadlessView(state), sent };
}

/** Where the first paragraph's text ends. */
function endOfFirstParagraph(doc: PMNode): number {
  let at = -1;
  doc.descendants((node, pos) => {
    if (at < 0 && node.type.name === "paragraph") at = pos + node.nodeSize - 1;
    return at < 0;
  });
  return at;
}

const rebuilt = (doc: Y.Doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), planSchema());

describe("a page opened from its plan's opening", () => {
  it("serves the document the state holds, as the binding builds it", async () => {
    const { server, opening } = await servedPlan();
    expect(planSchema().nodeFromJSON(opening.content).eq(rebuilt(server))).toBe(true);
    const page = openPage(opening.content);
    Y.applyUpdate(page.doc, opening.state, REMOTE);
    expect(bindOpenedEditor(page.view)).toEqual({ steps: 0, failed: 0, matches: true });
    expect(page.view.state.doc.eq(rebuilt(server))).toBe(true);
    expect(page.sent).toEqual([]);
  });

  it("writes nothing to Yjs before it is bound, and what was typed meanwhile afterwards", async () => {
    const { server, opening } = await servedPlan();
    const page = openPage(opening.content);
    page.view.dispatch(page.view.state.tr.insertText(" Soon.", endOfFirstParagraph(page.view.state.doc)));
    page.view.dispatch(page.view.state.tr.delete(3, 6));
    const typed = page.view.state.doc;
    expect(page.fragment.length).toBe(0);
    expect(page.sent).toEqual([]);
    // Another person's edit reaches the server meanwhile (the page's socket brings it later).
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
    other.getXmlFragment(PLAN_FRAGMENT).insert(0, [new Y.XmlElement("section")]);
    const othersEdit = Y.encodeStateAsUpdate(other, Y.encodeStateVector(server));
    Y.applyUpdate(server, othersEdit);

    Y.applyUpdate(page.doc, opening.state, REMOTE);
    expect(bindOpenedEditor(page.view)).toEqual({ steps: 2, failed: 0, matches: true });
    expect(page.view.state.doc.eq(typed)).toBe(true);
    expect(rebuilt(page.doc).eq(typed)).toBe(true);
    expect(planText(page.doc)).toContain("grow. Soon.");
    // Both ways, as the socket's sync does: the server has the typing, the page the other edit.
    for (const update of page.sent) Y.applyUpdate(server, update);
    Y.applyUpdate(page.doc, othersEdit, REMOTE);
    expect(Y.encodeStateVector(page.doc)).toEqual(Y.encodeStateVector(server));
    expect(rebuilt(page.doc).eq(rebuilt(server))).toBe(true);
    expect(planText(server)).toContain("grow. Soon.");
    expect(page.view.state.doc.eq(rebuilt(server))).toBe(true);
  });

  it("keeps what was typed when the editor's plugins are set up again before it is bound", async () => {
    const { opening } = await servedPlan();
    const page = openPage(opening.content);
    page.view.dispatch(page.view.state.tr.insertText(" Soon.", endOfFirstParagraph(page.view.state.doc)));
    // A reconfigured editor makes its plugins' views again, on the document as typed.
    const again = new HeadlessView(page.view.state);
    again.dispatch(again.state.tr.insertText(" Now.", endOfFirstParagraph(again.state.doc)));
    Y.applyUpdate(page.doc, opening.state, REMOTE);
    expect(bindOpenedEditor(again)).toEqual({ steps: 2, failed: 0, matches: true });
    expect(planText(page.doc)).toContain("grow. Soon. Now.");
  });

  it("has none for a state whose document the binding cannot read", async () => {
    const forged = new Y.Doc();
    forged.getXmlFragment(PLAN_FRAGMENT).insert(0, [new Y.XmlText("not in any section")]);
    expect(await openingColumns(forged)).toEqual({ content: new Uint8Array(0), suggestions: null });
  });

  it("says so when the state does not hold the opening's document", async () => {
    const { opening } = await servedPlan();
    const page = openPage({ ...twoSectionPlan, content: twoSectionPlan.content.slice(1) });
    Y.applyUpdate(page.doc, opening.state, REMOTE);
    expect(bindOpenedEditor(page.view)?.matches).toBe(false);
    // The binding shows the state, as it always has.
    expect(page.view.state.doc.eq(rebuilt(page.doc))).toBe(true);
  });
});
