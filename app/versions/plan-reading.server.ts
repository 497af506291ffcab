// Reading a plan for the compare engine: per section, its blocks with the Yjs id of every
// character, the deleted text still in them, their formatting and how each block reads. Like
// every reader, it reads the accepted text: open suggested insertions are left out.
import * as Y from "yjs";
import { ACTION_COLUMNS } from "../editor/action-matrix";
import { planSchema, PLAN_FRAGMENT } from "../editor/document.server";
import { safeLinkHref } from "../editor/extensions";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "../editor/suggestion-marks";
import type { BlockStyle, ComparedBlock, PartMarks } from "./types";

export interface Block {
  /** The Yjs id of the block's element: the same block on both sides has the same key. */
  key: string;
  kind: "text" | "matrixCell";
  /** Blocks are paired by text only within a slot: "text", or a matrix column. */
  slot: string;
  cell: ComparedBlock["cell"];
  /** A matrix cell's row: the Yjs id of the row element. */
  row: string | null;
  style?: BlockStyle;
  text: string;
  /** The characters' ids as maximal runs: client, first clock, length, client, … */
  runs: number[];
  /** Deleted text still in the block, by the offset in `text` where it sat: the id of its
   * first character [client, clock]. */
  deletedAt: Map<number, [number, number]>;
  /** The formatted stretches of `text`, in order; plain text has none. */
  marks: MarkRun[];
}

/** `text.slice(start, end)` carries `marks`. */
export interface MarkRun {
  start: number;
  end: number;
  marks: PartMarks;
}

export interface SectionRead {
  /** The section id, made unique if a document holds it twice. */
  key: string;
  id: string;
  /** The Yjs id of the section element: kept unless the section was recreated (moved). */
  elementKey: string;
  title: string;
  /** The heading's text with its characters' ids; null for a section without one. */
  titleBlock: Block | null;
  blocks: Block[];
}

/**
 * The characters of the open suggestions a reading met, by Yjs id: what lets compare credit an
 * accepted suggestion to its suggester (docs/suggestions.md). An open insertion's characters are
 * not in the text read; an open deletion's are.
 */
export class OpenSuggestions {
  private chars = new Map<string, { kind: "insert" | "delete"; id: string; authorId: number }>();

  add(kind: "insert" | "delete", client: number, clock: number, length: number, attrs: unknown): void {
    const { id, authorId } = (attrs ?? {}) as { id?: unknown; authorId?: unknown };
    if (typeof id !== "string" || typeof authorId !== "number") return;
    for (let k = 0; k < length; k++) this.chars.set(`${client}:${clock + k}`, { kind, id, authorId });
  }

  /** The open suggestion of this kind the character was in, if any. */
  at(kind: "insert" | "delete", client: number, clock: number): { id: string; authorId: number } | undefined {
    const found = this.chars.get(`${client}:${clock}`);
    return found?.kind === kind ? found : undefined;
  }
}

class TextCollector {
  constructor(readonly suggestions: OpenSuggestions | null) {}

  private pieces: string[] = [];
  private runs: number[] = [];
  private length = 0;
  private deletedAt = new Map<number, [number, number]>();
  private marks: MarkRun[] = [];

  /** Deleted text at the current end (the first deletion there is kept). */
  addDeleted(client: number, clock: number): void {
    if (!this.deletedAt.has(this.length)) this.deletedAt.set(this.length, [client, clock]);
  }

  add(text: string, client: number, clock: number, marks: PartMarks | null = null): void {
    if (marks) {
      const last = this.marks[this.marks.length - 1];
      if (last && last.end === this.length && last.marks === marks) last.end += text.length;
      else this.marks.push({ start: this.length, end: this.length + text.length, marks });
    }
    this.pieces.push(text);
    this.length += text.length;
    const runs = this.runs;
    const last = runs.length - 3;
    if (last >= 0 && runs[last] === client && runs[last + 1]! + runs[last + 2]! === clock) runs[last + 2]! += text.length;
    else runs.push(client, clock, text.length);
  }

  block(key: string, kind: Block["kind"], slot: string, cell: Block["cell"] = null, row: string | null = null): Block {
    return { key, kind, slot, cell, row, text: this.pieces.join(""), runs: this.runs, deletedAt: this.deletedAt, marks: this.marks };
  }
}

let textblockNames: Set<string> | undefined;
function isTextblock(nodeName: string): boolean {
  textblockNames ??= new Set(
    Object.values(planSchema().nodes)
      .filter((type) => type.isTextblock)
      .map((type) => type.name),
  );
  return textblockNames.has(nodeName);
}

type YType = Y.ContentType["type"];

function liveChildren(type: { _start: Y.Item | null }): { type: YType; item: Y.Item }[] {
  const children: { type: YType; item: Y.Item }[] = [];
  for (let item = type._start; item; item = item.right) {
    if (!item.deleted && item.content instanceof Y.ContentType) children.push({ type: item.content.type, item });
  }
  return children;
}

const idKey = (item: Y.Item) => `${item.id.client}:${item.id.clock}`;

/** What a reading carries down the tree: the count of action matrices met in the section, and
 * where to note open suggestions (null: not needed). */
interface Reading {
  matrices: number;
  suggestions: OpenSuggestions | null;
}

export function readPlan(doc: Y.Doc, suggestions: OpenSuggestions | null = null): SectionRead[] {
  const sections: SectionRead[] = [];
  const seen = new Map<string, number>();
  for (const { type, item } of liveChildren(doc.getXmlFragment(PLAN_FRAGMENT))) {
    if (!(type instanceof Y.XmlElement) || type.nodeName !== "section") continue;
    const id = type.getAttribute("id");
    if (typeof id !== "string") continue;
    const occurrence = seen.get(id) ?? 0;
    seen.set(id, occurrence + 1);
    const [heading, ...body] = liveChildren(type);
    let titleBlock: Block | null = null;
    if (heading?.type instanceof Y.XmlElement) {
      const collector = new TextCollector(suggestions);
      collectInline(heading.type, collector);
      titleBlock = collector.block(idKey(heading.item), "text", "title");
    }
    const blocks: Block[] = [];
    const reading: Reading = { matrices: 0, suggestions };
    for (const child of body) collectBlocks(child.type, child.item, blocks, reading);
    // Cells name their table only where the section has more than one.
    if (reading.matrices < 2) for (const block of blocks) if (block.cell) block.cell.table = null;
    sections.push({
      key: occurrence === 0 ? id : `${id}\u0000${occurrence}`,
      id,
      elementKey: idKey(item),
      title: titleBlock?.text ?? "",
      titleBlock,
      blocks,
    });
  }
  return sections;
}

/** Where a text block sits in a list: the list's kind, and the number the next item's first
 * paragraph takes (ordered lists only; taken once, so the item's other paragraphs have none). */
interface ListPlace {
  kind: "bulletList" | "orderedList";
  item: { number: number | null };
}

function collectBlocks(type: YType, item: Y.Item, blocks: Block[], reading: Reading, list: ListPlace | null = null): void {
  if (!(type instanceof Y.XmlElement)) return;
  if (type.nodeName === "actionMatrix") {
    const table = (reading.matrices += 1);
    liveChildren(type).forEach((row, rowIndex) => {
      liveChildren(row.type).forEach((cell, columnIndex) => {
        const column = ACTION_COLUMNS[columnIndex];
        if (!column) return;
        const collector = new TextCollector(reading.suggestions);
        liveChildren(cell.type).forEach((paragraph, index) => {
          if (index > 0) collector.add("\n", paragraph.item.id.client, paragraph.item.id.clock);
          if (paragraph.type instanceof Y.XmlElement) collectInline(paragraph.type, collector);
        });
        blocks.push(collector.block(idKey(cell.item), "matrixCell", column, { table, row: rowIndex + 1, column }, idKey(row.item)));
      });
    });
    return;
  }
  if (isTextblock(type.nodeName)) {
    const collector = new TextCollector(reading.suggestions);
    collectInline(type, collector);
    const block = collector.block(idKey(item), "text", "text");
    if (type.nodeName === "heading") block.style = { kind: "heading", level: Number(type.getAttribute("level")) || 2 };
    else if (list?.kind === "orderedList" && list.item.number !== null) {
      block.style = { kind: "listItem", ordered: true, number: list.item.number };
      list.item.number = null;
    } else if (list) block.style = { kind: "listItem", ordered: list.kind === "orderedList" };
    blocks.push(block);
    return;
  }
  if (type.nodeName === "bulletList" || type.nodeName === "orderedList") {
    const kind = type.nodeName;
    const start = kind === "orderedList" ? listStart(type.getAttribute("start")) : 0;
    liveChildren(type).forEach((child, index) => {
      const place: ListPlace = { kind, item: { number: kind === "orderedList" ? start + index : null } };
      collectBlocks(child.type, child.item, blocks, reading, place);
    });
    return;
  }
  for (const child of liveChildren(type)) collectBlocks(child.type, child.item, blocks, reading, list);
}

/** An ordered list's first number: its `start` if that is a sensible whole number, else 1. */
function listStart(value: unknown): number {
  const start = Number(value ?? 1);
  return Number.isSafeInteger(start) && start >= 0 && start < 1e9 ? start : 1;
}

/** A text block's characters with their formatting; a hard break reads as a newline. */
function collectInline(element: Y.XmlElement, collector: TextCollector): void {
  for (const { type, item } of liveChildren(element)) {
    if (type instanceof Y.XmlText) {
      // Yjs keeps formatting as markers in the text: each sets (or, with null, ends) one
      // attribute for the characters after it.
      const attributes = new Map<string, unknown>();
      let marks: PartMarks | null = null;
      for (let text = type._start; text; text = text.right) {
        if (!text.deleted && text.content instanceof Y.ContentFormat) {
          if (text.content.value === null) attributes.delete(text.content.key);
          else attributes.set(text.content.key, text.content.value);
          marks = partMarks(attributes);
        } else if (!text.deleted && text.content instanceof Y.ContentString) {
          // An open suggested insertion is not part of the accepted text compare reads
          // (docs/suggestions.md); accepted, it appears as its suggester's insertion.
          const { client, clock } = text.id;
          const insertion = openSuggestion(attributes, SUGGESTION_INSERT);
          if (insertion) collector.suggestions?.add("insert", client, clock, text.length, insertion);
          else {
            const deletion = openSuggestion(attributes, SUGGESTION_DELETE);
            if (deletion) collector.suggestions?.add("delete", client, clock, text.length, deletion);
            collector.add(text.content.str, client, clock, marks);
          }
        } else if (text.deleted && (text.content instanceof Y.ContentString || text.content instanceof Y.ContentDeleted))
          collector.addDeleted(text.id.client, text.id.clock);
      }
    } else if (type instanceof Y.XmlElement && type.nodeName === "hardBreak") {
      collector.add("\n", item.id.client, item.id.clock);
    }
  }
}

/** The attributes (id, author) of a suggestion mark of this kind on the text, if any (the first,
 * where several people suggest the same: y-tiptap keeps each as `name--hash`). */
function openSuggestion(attributes: ReadonlyMap<string, unknown>, name: string): unknown {
  for (const [key, value] of attributes) if (key === name || key.startsWith(`${name}--`)) return value;
  return undefined;
}

/** The marks kept (see PartMarks), in one order, from the text's attributes: ProseMirror's
 * marks by name (a mark that may overlap itself as name--hash); anything else is dropped. */
function partMarks(attributes: ReadonlyMap<string, unknown>): PartMarks | null {
  const names = new Map<string, unknown>();
  for (const [key, value] of attributes) names.set(key.replace(/--.*$/s, ""), value);
  const marks: PartMarks = {};
  const href = names.has("link") ? safeLinkHref((names.get("link") as { href?: unknown } | null)?.href) : null;
  if (href) marks.link = href;
  for (const name of ["bold", "italic", "underline", "strike", "code"] as const) if (names.has(name)) marks[name] = true;
  return Object.keys(marks).length > 0 ? marks : null;
}
