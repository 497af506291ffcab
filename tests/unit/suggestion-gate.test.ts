// The suggestion gate's cost bound (server/collab/suggestion-gate.ts): what it lets through is
// tested through the real server in tests/integration/suggestion-gate.test.ts.
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { planUpdateFromJSON } from "../../app/editor/document.server";
import { SuggestionGate } from "../../server/collab/suggestion-gate";

function planWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(
    doc,
    planUpdateFromJSON({
      type: "doc",
      content: [
        {
          type: "section",
          attrs: { id: "s-1" },
          content: [
            { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "One" }] },
            { type: "paragraph", content: [{ type: "text", text }] },
          ],
        },
      ],
    }),
  );
  return doc;
}

/** An update deleting the first characters of the paragraph: never a suggestion. */
function deletion(doc: Y.Doc): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(copy);
  const section = copy.getXmlFragment("default").get(0) as Y.XmlElement;
  ((section.get(1) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 3);
  return Y.encodeStateAsUpdate(copy, before);
}

describe("the suggestion gate", () => {
  it("refuses a suggester's deletion of accepted text", () => {
    const doc = planWithText("accepted words");
    const gate = new SuggestionGate(() => doc);
    expect(gate.refusalForSuggester(deletion(doc), 7)).toMatch(/deletes text/);
  });

  it("copies a large plan again for one account's refused updates only so often", () => {
    const doc = planWithText("x".repeat(6_000_000));
    const gate = new SuggestionGate(() => doc);
    expect(gate.refusalForSuggester(deletion(doc), 7)).toMatch(/deletes text/);
    // The copy went with the refused update; another would cost the whole plan again at once.
    expect(gate.refusalForSuggester(deletion(doc), 7)).toBe("rateLimited");
    // Someone else's updates have their own budget.
    expect(gate.refusalForSuggester(deletion(doc), 8)).toMatch(/deletes text/);
  });
});
