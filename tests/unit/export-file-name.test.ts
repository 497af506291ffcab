// The names downloads are saved under: the plan's title as people wrote it, dashes included,
// without characters a file system refuses and without doubled spaces.
import { describe, expect, it } from "vitest";
import { exportFileName } from "../../app/export/plan-source.server";

describe("export file names", () => {
  it("keeps the title's dashes and collapses the spaces left where a character was dropped", () => {
    expect(exportFileName("Rencana Aksi Nasional — Ekonomi Sosial dan Solidaritas", "", "docx")).toBe(
      "Rencana Aksi Nasional — Ekonomi Sosial dan Solidaritas.docx",
    );
    expect(exportFileName("Plan: SSE / 2026  draft", "Before review", "md")).toBe("Plan SSE 2026 draft - Before review.md");
    expect(exportFileName("Plan", "Version 3 — 5 Dec", "docx")).toBe("Plan - Version 3 — 5 Dec.docx");
  });

  it("names a plan whose title has nothing usable 'plan'", () => {
    expect(exportFileName("///", "", "md")).toBe("plan.md");
  });
});
