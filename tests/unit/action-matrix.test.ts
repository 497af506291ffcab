// Action matrices as data: the schema fixes the columns, rows read out per section, CSV.
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { actionMatrixJSON, groupByInstitution, readActionRows } from "../../app/editor/action-matrix";
import { PLAN_FRAGMENT, planSchema, planUpdateFromJSON } from "../../app/editor/document.server";
import { sectionJSON } from "../../app/editor/templates";
import { toCsv } from "../../app/utils/csv";
import { demoPlanContent } from "../../db/demo-plan";

function rootOf(update: Uint8Array) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), planSchema());
}

describe("action matrices", () => {
  it("reads every row of the demo plan with its section", () => {
    const rows = readActionRows(rootOf(planUpdateFromJSON(demoPlanContent)));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      sectionId: "s-actions",
      sectionTitle: "6. Action matrix",
      cells: { programme: "SSE awareness", responsible: "Bappenas", supporting: "ILO; Bina Swadaya", timeline: "2026 Q1" },
    });
  });

  it("refuses a row that does not have exactly one cell per column", () => {
    const row = actionMatrixJSON([["only one"]]).content[0]!;
    const shortRow = { ...row, content: row.content.slice(0, 8) };
    const doc = { type: "doc", content: [sectionJSON("s-x", "X", [{ type: "actionMatrix", content: [shortRow] }])] };
    expect(() => planUpdateFromJSON(doc)).toThrow();
  });

  it("groups rows by responsible institution, unassigned ones under their own heading", () => {
    const doc = {
      type: "doc",
      content: [
        sectionJSON("s-a", "A", [
          actionMatrixJSON([
            ["P1", "A1", "", "", "", "", "", "ILO"],
            ["P2", "A2"],
            ["P3", "A3", "", "", "", "", "", "Bappenas"],
          ]),
        ]),
        sectionJSON("s-b", "B", [actionMatrixJSON([["P4", "A4", "", "", "", "", "", "ILO"]])]),
      ],
    };
    const groups = groupByInstitution(readActionRows(rootOf(planUpdateFromJSON(doc))), "(none)");
    expect(groups.map(([name, rows]) => [name, rows.map((r) => r.cells.programme)])).toEqual([
      ["(none)", ["P2"]],
      ["Bappenas", ["P3"]],
      ["ILO", ["P1", "P4"]],
    ]);
  });
});

describe("CSV", () => {
  it("quotes what needs quoting and defuses cells that would start a formula", () => {
    expect(toCsv([["plain", 'say "hi"', "a,b", "=HYPERLINK(1)", "-5", "line\nbreak"]])).toBe(
      '\uFEFFplain,"say ""hi""","a,b","\'=HYPERLINK(1)","\'-5","line\nbreak"\r\n',
    );
  });
});
