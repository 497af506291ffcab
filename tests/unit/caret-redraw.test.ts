// The editor's carets of others (y-tiptap's cursor plugin, as patched in scripts/patches) are
// drawn again when someone else's presence changes (in the next task: y-tiptap batches a burst),
// and not for this page's own caret.
import { EditorState } from "@tiptap/pm/state";
import { ySyncPlugin, yCursorPlugin, yCursorPluginKey } from "@tiptap/y-tiptap";
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { expect, it } from "vitest";
import { PLAN_FRAGMENT, planSchema, planUpdateFromJSON } from "../../app/editor/document.server";
import { HeadlessView } from "../helpers/headless-view";
import { twoSectionPlan } from "../helpers/plan-content";

it("draws others' carets again when their presence changes, never for this page's own", async () => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(twoSectionPlan));
  const awareness = new Awareness(doc);
  const state = EditorState.create({
    schema: planSchema(),
    plugins: [ySyncPlugin(doc.getXmlFragment(PLAN_FRAGMENT)), yCursorPlugin(awareness)],
  });
  const view = new HeadlessView(state);
  const redraws: unknown[] = [];
  const dispatch = view.dispatch.bind(view);
  view.dispatch = (tr) => {
    if (tr.getMeta(yCursorPluginKey)?.awarenessUpdated) redraws.push(tr);
    dispatch(tr);
  };
  try {
    // This page's caret moving (each keystroke moves it): nothing to draw.
    // (No position: the plugin reads one as a Yjs relative position when it next tells its own.)
    awareness.setLocalStateField("cursor", null);
    awareness.setLocalStateField("user", { name: "Me" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(redraws).toHaveLength(0);

    const other = new Awareness(new Y.Doc());
    other.setLocalState({ user: { name: "Ratna", color: "#123456" }, cursor: null });
    applyAwarenessUpdate(awareness, encodeAwarenessUpdate(other, [other.clientID]), "server");
    await expect.poll(() => redraws.length).toBe(1);
    other.setLocalState(null);
    applyAwarenessUpdate(awareness, encodeAwarenessUpdate(other, [other.clientID]), "server");
    await expect.poll(() => redraws.length).toBe(2);
  } finally {
    view.destroy();
  }
});
