// The Word export of a 100-page plan (issue 13: under one second): reading the stored Yjs state
// into the editor's schema, then writing the .docx with app/export/docx.server.ts.
// `npm run bench -- --only=docx-export`, or on its own `npx tsx bench/docx-export.ts [--quick]`.
import { pathToFileURL } from "node:url";
import type { JSONContent } from "@tiptap/core";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import i18next from "i18next";
import * as Y from "yjs";
import { actionMatrixJSON } from "../app/editor/action-matrix";
import { planSchema, planUpdateFromJSON, PLAN_FRAGMENT } from "../app/editor/document.server";
import { planDocx } from "../app/export/docx.server";
import type { PlanSource } from "../app/export/plan-source.server";
import { i18nOptions } from "../app/i18n/config";
import { planContent } from "./fixtures";
import type { Row } from "./scenarios";
import { percentile } from "./stats";

const SECTIONS = 40;
const PARAGRAPHS = 60;
/** Two action matrices of this many rows each, in sections 10 and 30. */
const MATRIX_ROWS = 25;

function benchPlan(): JSONContent {
  const content = planContent(SECTIONS, PARAGRAPHS);
  const rows = Array.from({ length: MATRIX_ROWS }, (_, i) => [
    `Programme ${i + 1}`,
    `Training for cooperative managers in district ${i + 1}`,
    "Managers trained",
    "Number of managers trained",
    "0",
    `${(i + 1) * 10} managers`,
    `2026 Q${(i % 4) + 1}`,
    "Ministry of Cooperatives and SMEs",
    "ILO; Bina Swadaya",
  ]);
  for (const index of [10, 30]) content.content![index]!.content!.push(actionMatrixJSON(rows));
  return content;
}

const round = (value: number) => Number(value.toFixed(1));

function countWords(source: PlanSource): number {
  let words = 0;
  source.doc.descendants((node) => {
    if (!node.isTextblock) return true;
    words += (node.textContent.match(/\S+/g) ?? []).length;
    return false;
  });
  return words;
}

export async function docxExportBench(options: { quick: boolean }): Promise<Row> {
  const runs = options.quick ? 5 : 10;
  const i18n = i18next.createInstance();
  await i18n.init({ ...i18nOptions, lng: "en" });
  const language = { t: i18n.getFixedT("en"), locale: "en" };

  const state = planUpdateFromJSON(benchPlan());
  const read = (): PlanSource => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const root = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), planSchema());
    doc.destroy();
    const details = Array.from({ length: SECTIONS }, (_, s) => ({
      id: `s-bench-${s}`,
      title: "",
      status: "draft" as const,
      lead: "Bappenas",
      assignee: null,
      dueDate: null,
    }));
    return {
      planId: "bench",
      title: "A 100-page plan",
      isVersion: false,
      versionName: null,
      date: Date.now(),
      doc: root,
      docWithSuggestions: root,
      details,
    };
  };
  const exportOnce = async () => {
    const start = performance.now();
    const source = read();
    const readMs = performance.now() - start;
    const file = await planDocx(source, { ...language, versionLabel: "Current text" });
    return { readMs, totalMs: performance.now() - start, bytes: file.byteLength, source };
  };

  // The first export in a fresh process, before the JIT has warmed up: a server's first.
  const first = await exportOnce();
  for (let i = 0; i < 3; i++) await exportOnce();
  const readTimes: number[] = [];
  const totalTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { readMs, totalMs } = await exportOnce();
    readTimes.push(readMs);
    totalTimes.push(totalMs);
  }
  readTimes.sort((a, b) => a - b);
  totalTimes.sort((a, b) => a - b);
  return {
    server: "gotong",
    sections: SECTIONS,
    paragraphs: SECTIONS * PARAGRAPHS,
    matrixRows: 2 * MATRIX_ROWS,
    words: countWords(first.source),
    stateKb: Math.round(state.byteLength / 1024),
    docxKb: Math.round(first.bytes / 1024),
    firstExportMs: round(first.totalMs),
    readP50Ms: round(percentile(readTimes, 50)),
    exportP50Ms: round(percentile(totalTimes, 50)),
    exportP95Ms: round(percentile(totalTimes, 95)),
    runs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await docxExportBench({ quick: process.argv.includes("--quick") })));
}
