// @vitest-environment happy-dom
// Opening a plan builds its text's DOM once. @tiptap/react's EditorContent hands the editor its
// node views again as it mounts; any node view made afresh each time (the generic table's was)
// makes ProseMirror throw away the whole document's DOM and build it again: about 145 ms of the
// 100-page plan's opening in Chromium, before anyone could type.
import { Editor } from "@tiptap/core";
import { expect, it } from "vitest";
import { planExtensions } from "../../app/editor/extensions";
import { twoSectionPlan } from "../helpers/plan-content";

it("giving the editor its node views again, as the page's mount does, keeps the text's DOM", () => {
  const element = document.createElement("div");
  document.body.append(element);
  const editor = new Editor({ element, extensions: planExtensions(), content: twoSectionPlan });
  try {
    const paragraph = editor.view.dom.querySelector("section p");
    expect(paragraph).not.toBeNull();
    editor.createNodeViews();
    expect(editor.view.dom.querySelector("section p")).toBe(paragraph);
  } finally {
    editor.destroy();
  }
});
