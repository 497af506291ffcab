// A real editing trace replayed into a plan's Yjs document: Martin Kleppmann's automerge-paper
// trace (bench/traces/README.md), one keystroke per patch, as the editor lays out text: each
// line of the paper is a paragraph of one section, so typing a newline splits a paragraph and
// deleting one joins two (as ProseMirror does), and the moved words are the typist's new text.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import * as Y from "yjs";
import { PLAN_FRAGMENT } from "../app/editor/plan-fragment";

/** [position, characters deleted, text inserted], in the order they were typed. */
export type Patch = [number, number, string];

export interface Trace {
  patches: Patch[];
  endContent: string;
}

export function loadTrace(name = "automerge-paper"): Trace {
  const file = path.resolve("bench/traces", `${name}.json.gz`);
  const { endContent, txns } = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8")) as {
    endContent: string;
    txns: { patches: Patch[] }[];
  };
  return { patches: txns.flatMap((txn) => txn.patches), endContent };
}

/** The plan a trace is replayed into: one section, its heading, one empty paragraph. */
export const TRACE_PLAN_CONTENT = {
  type: "doc",
  content: [
    {
      type: "section",
      attrs: { id: "s-trace" },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "A conflict-free replicated JSON datatype" }] },
        { type: "paragraph" },
      ],
    },
  ],
};

/**
 * Applies patches to the first section of a plan document, its paragraphs (after the heading)
 * standing for the lines of the text. Keeps the lines as strings beside the document, so a
 * position is found without reading Yjs.
 */
export class TraceTyping {
  private readonly section: Y.XmlElement;
  private readonly lines: string[];

  constructor(doc: Y.Doc) {
    this.section = doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement;
    this.lines = traceLines(doc).split("\n");
  }

  apply([position, deleted, inserted]: Patch): void {
    for (let i = 0; i < deleted; i++) this.deleteAt(position);
    let at = position;
    for (const [i, part] of inserted.split("\n").entries()) {
      if (i > 0) this.splitAt(at++);
      if (part) this.insertAt(at, part);
      at += part.length;
    }
  }

  /** Line index and offset of a position in the text (lines joined by newlines). */
  private locate(position: number): [number, number] {
    let line = 0;
    while (position > this.lines[line]!.length) position -= this.lines[line++]!.length + 1;
    return [line, position];
  }

  private text(line: number): Y.XmlText {
    const paragraph = this.section.get(line + 1) as Y.XmlElement;
    let text = paragraph.get(0);
    if (!(text instanceof Y.XmlText)) paragraph.insert(0, [(text = new Y.XmlText())]);
    return text as Y.XmlText;
  }

  private insertAt(position: number, part: string): void {
    const [line, offset] = this.locate(position);
    this.text(line).insert(offset, part);
    this.lines[line] = this.lines[line]!.slice(0, offset) + part + this.lines[line]!.slice(offset);
  }

  /** A newline typed: the rest of the line moves to a new paragraph after it. */
  private splitAt(position: number): void {
    const [line, offset] = this.locate(position);
    const rest = this.lines[line]!.slice(offset);
    if (rest) this.text(line).delete(offset, rest.length);
    const paragraph = new Y.XmlElement("paragraph");
    this.section.insert(line + 2, [paragraph]);
    if (rest) this.text(line + 1).insert(0, rest);
    this.lines.splice(line, 1, this.lines[line]!.slice(0, offset), rest);
  }

  private deleteAt(position: number): void {
    const [line, offset] = this.locate(position);
    if (offset < this.lines[line]!.length) {
      this.text(line).delete(offset, 1);
      this.lines[line] = this.lines[line]!.slice(0, offset) + this.lines[line]!.slice(offset + 1);
      return;
    }
    // The newline at the end of a line: the next paragraph joins this one.
    const next = this.lines[line + 1]!;
    if (next) this.text(line).insert(offset, next);
    this.section.delete(line + 2, 1);
    this.lines.splice(line, 2, this.lines[line]! + next);
  }
}

/** The text of the trace's section: its paragraphs' text joined by newlines. */
export function traceLines(doc: Y.Doc): string {
  const section = doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement;
  return section
    .toArray()
    .slice(1)
    .map((paragraph) => {
      const text = (paragraph as Y.XmlElement).get(0);
      return text instanceof Y.XmlText ? text.toString() : "";
    })
    .join("\n");
}

/** Who typed: `authors` people taking turns, each for a run of 100 to 500 keystrokes. */
export function authorRuns(keystrokes: number, authors: number, seed = 7): { start: number; end: number; author: number }[] {
  const runs: { start: number; end: number; author: number }[] = [];
  let author = 0;
  for (let start = 0; start < keystrokes;) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const end = Math.min(keystrokes, start + 100 + (seed % 401));
    runs.push({ start, end, author });
    author = (author + 1 + (seed % (authors - 1))) % authors;
    start = end;
  }
  return runs;
}
