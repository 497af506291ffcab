// The compare engine: the redline between two states of a plan (docs/versions.md). The two
// states share their Yjs history, so text is compared by Yjs item ids: a character with the
// same id on both sides is unchanged, one only in the newer state was inserted, one only in
// the older was deleted. That is exact and costs nothing where nothing changed. A text diff
// (Myers) is used only where ids cannot relate: blocks the editor recreated (a moved section
// or row) are paired with the old ones by their text.
import * as Y from "yjs";
import { ACTION_COLUMNS } from "./action-matrix";
import type { BlockStyle, ComparedBlock, ComparedSection, Comparison, Part, PartMarks, Person, SectionDetail } from "./compare-types";
import { planSchema, PLAN_FRAGMENT } from "./document.server";
import { safeLinkHref } from "./extensions";

export type * from "./compare-types";

export interface PlanSide {
  doc: Y.Doc;
  details: SectionDetail[];
}

export interface Attribution {
  /** Who inserted structs under this Yjs client id (null: unknown, or the server). */
  authorOfClient(clientId: number): Person | null;
  /** Who deleted the item with this id. */
  deleterOf(clientId: number, clock: number): Person | null;
}

export interface DeletionRecord {
  client: number;
  clock: number;
  len: number;
  person: Person | null;
}

/**
 * An Attribution from the server's records: which account each client id belongs to, and
 * the deleted id ranges with who deleted them, oldest first (an id deleted twice, by two
 * people at once, keeps its first deleter).
 */
export function createAttribution(input: { clients: ReadonlyMap<number, Person | null>; deletions: Iterable<DeletionRecord> }): Attribution {
  interface Range {
    start: number;
    end: number;
    order: number;
    person: Person | null;
  }
  const byClient = new Map<number, { ranges: Range[]; maxEnds: number[] }>();
  let order = 0;
  for (const { client, clock, len, person } of input.deletions) {
    let entry = byClient.get(client);
    if (!entry) byClient.set(client, (entry = { ranges: [], maxEnds: [] }));
    entry.ranges.push({ start: clock, end: clock + len, order: order++, person });
  }
  for (const entry of byClient.values()) {
    entry.ranges.sort((a, b) => a.start - b.start || a.order - b.order);
    let maxEnd = -1;
    entry.maxEnds = entry.ranges.map((range) => (maxEnd = Math.max(maxEnd, range.end)));
  }
  return {
    authorOfClient: (clientId) => input.clients.get(clientId) ?? null,
    deleterOf(clientId, clock) {
      const entry = byClient.get(clientId);
      if (!entry) return null;
      const { ranges, maxEnds } = entry;
      let low = 0;
      let high = ranges.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (ranges[middle]!.start <= clock) low = middle + 1;
        else high = middle;
      }
      let found: Range | null = null;
      for (let k = low - 1; k >= 0 && maxEnds[k]! > clock; k--) {
        const range = ranges[k]!;
        if (range.end > clock && (!found || range.order < found.order)) found = range;
      }
      return found?.person ?? null;
    },
  };
}

export function comparePlans(from: PlanSide, to: PlanSide, attribution: Attribution): Omit<Comparison, "from" | "to"> {
  const context = new CompareContext(attribution);
  const fromSections = readPlan(from.doc);
  const toSections = readPlan(to.doc);
  const fromByKey = new Map(fromSections.map((section) => [section.key, section]));
  const toKeys = new Set(toSections.map((section) => section.key));
  const moved = movedSections(fromSections, toSections);

  // Removed sections go after the section that preceded them in the older state.
  const removedAfter = new Map<string | null, SectionRead[]>();
  let previousKept: string | null = null;
  for (const section of fromSections) {
    if (toKeys.has(section.key)) {
      previousKept = section.key;
      continue;
    }
    removedAfter.set(previousKept, [...(removedAfter.get(previousKept) ?? []), section]);
  }

  const compared: ComparedSection[] = [];
  const emitRemoved = (after: string | null) => {
    for (const section of removedAfter.get(after) ?? []) {
      const blocks = toComparedBlocks(section.blocks.map((block) => ({ block, parts: context.wholeBlock(block, "delete") })));
      const titleParts = section.titleBlock ? context.wholeBlock(section.titleBlock, "delete") : [];
      compared.push({ id: section.id, state: "removed", moved: false, titleFrom: section.title, titleTo: null, titleParts, blocks });
    }
  };

  emitRemoved(null);
  for (const section of toSections) {
    const old = fromByKey.get(section.key);
    if (!old) {
      const blocks = toComparedBlocks(section.blocks.map((block) => ({ block, parts: context.wholeBlock(block, "insert") })));
      const titleParts = section.titleBlock ? context.wholeBlock(section.titleBlock, "insert") : [];
      compared.push({ id: section.id, state: "added", moved: false, titleFrom: null, titleTo: section.title, titleParts, blocks });
    } else {
      const blocks = toComparedBlocks(context.compareBlocks(old.blocks, section.blocks));
      const isChanged = old.title !== section.title || blocks.some((block) => block.parts.some((part) => part.type !== "equal"));
      compared.push({
        id: section.id,
        state: isChanged ? "changed" : "unchanged",
        moved: moved.has(section.key),
        titleFrom: old.title,
        titleTo: section.title,
        // The same title is no change, even if its characters are new (a section moved away
        // and back keeps its heading element but not its text's ids).
        titleParts:
          old.title === section.title
            ? section.title
              ? [{ type: "equal", text: section.title, author: null }]
              : []
            : context.compareBlocks(old.titleBlock ? [old.titleBlock] : [], section.titleBlock ? [section.titleBlock] : []).flatMap(({ parts }) => parts),
        blocks,
      });
    }
    emitRemoved(section.key);
  }

  return summarise(compared, from.details, to.details);
}

// ---------------------------------------------------------------------------------------------
// Reading a plan: per section, its blocks with the Yjs id of every character.

interface Block {
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
interface MarkRun {
  start: number;
  end: number;
  marks: PartMarks;
}

interface SectionRead {
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

class TextCollector {
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
  textblockNames ??= new Set(Object.values(planSchema().nodes).filter((type) => type.isTextblock).map((type) => type.name));
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

function readPlan(doc: Y.Doc): SectionRead[] {
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
      const collector = new TextCollector();
      collectInline(heading.type, collector);
      titleBlock = collector.block(idKey(heading.item), "text", "title");
    }
    const blocks: Block[] = [];
    const matrices = { count: 0 };
    for (const child of body) collectBlocks(child.type, child.item, blocks, matrices);
    // Cells name their table only where the section has more than one.
    if (matrices.count < 2) for (const block of blocks) if (block.cell) block.cell.table = null;
    sections.push({ key: occurrence === 0 ? id : `${id}\u0000${occurrence}`, id, elementKey: idKey(item), title: titleBlock?.text ?? "", titleBlock, blocks });
  }
  return sections;
}

/** Where a text block sits in a list: the list's kind, and the number the next item's first
 * paragraph takes (ordered lists only; taken once, so the item's other paragraphs have none). */
interface ListPlace {
  kind: "bulletList" | "orderedList";
  item: { number: number | null };
}

function collectBlocks(type: YType, item: Y.Item, blocks: Block[], matrices: { count: number }, list: ListPlace | null = null): void {
  if (!(type instanceof Y.XmlElement)) return;
  if (type.nodeName === "actionMatrix") {
    const table = (matrices.count += 1);
    liveChildren(type).forEach((row, rowIndex) => {
      liveChildren(row.type).forEach((cell, columnIndex) => {
        const column = ACTION_COLUMNS[columnIndex];
        if (!column) return;
        const collector = new TextCollector();
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
    const collector = new TextCollector();
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
      collectBlocks(child.type, child.item, blocks, matrices, place);
    });
    return;
  }
  for (const child of liveChildren(type)) collectBlocks(child.type, child.item, blocks, matrices, list);
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
        } else if (!text.deleted && text.content instanceof Y.ContentString) collector.add(text.content.str, text.id.client, text.id.clock, marks);
        else if (text.deleted && (text.content instanceof Y.ContentString || text.content instanceof Y.ContentDeleted)) collector.addDeleted(text.id.client, text.id.clock);
      }
    } else if (type instanceof Y.XmlElement && type.nodeName === "hardBreak") {
      collector.add("\n", item.id.client, item.id.clock);
    }
  }
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

/** Common sections whose relative order changed: all but a heaviest increasing subsequence,
 * where a section whose element survived weighs most (Yjs never moves an element, so the
 * editor's move recreates the section: that one is the moved one). */
function movedSections(fromSections: SectionRead[], toSections: SectionRead[]): Set<string> {
  const fromIndex = new Map(fromSections.map((section, index) => [section.key, index]));
  const fromElement = new Map(fromSections.map((section) => [section.key, section.elementKey]));
  const common = toSections.filter((section) => fromIndex.has(section.key));
  const weights = common.map((section) => (fromElement.get(section.key) === section.elementKey ? common.length + 1 : 1));
  const best = new Array<number>(common.length).fill(0);
  const previous = new Array<number>(common.length).fill(-1);
  let end = -1;
  for (let i = 0; i < common.length; i++) {
    const position = fromIndex.get(common[i]!.key)!;
    best[i] = weights[i]!;
    for (let j = 0; j < i; j++) {
      if (fromIndex.get(common[j]!.key)! < position && best[j]! + weights[i]! > best[i]!) {
        best[i] = best[j]! + weights[i]!;
        previous[i] = j;
      }
    }
    if (end < 0 || best[i]! > best[end]!) end = i;
  }
  const inOrder = new Set<string>();
  for (let i = end; i >= 0; i = previous[i]!) inOrder.add(common[i]!.key);
  return new Set(common.filter((section) => !inOrder.has(section.key)).map((section) => section.key));
}

// ---------------------------------------------------------------------------------------------
// Comparing blocks: character alignment by ids (or by words where ids do not relate), widened
// to words, attributed.

interface BlockParts {
  block: Block;
  parts: Part[];
  /** Set for a block found only on one side. */
  whole?: "insert" | "delete";
}

/** The most edits a text diff looks for before calling the passage replaced. */
const MAX_TEXT_EDITS = 2000;

class CompareContext {
  private authors = new Map<number, Person | null>();
  private clientIndexes = new Map<number, number>();

  constructor(private attribution: Attribution) {}

  authorOf(client: number): Person | null {
    let author = this.authors.get(client);
    if (author === undefined) {
      author = this.attribution.authorOfClient(client);
      this.authors.set(client, author);
    }
    return author;
  }

  deleterOf(client: number, clock: number): Person | null {
    return this.attribution.deleterOf(client, clock);
  }

  /** A block's characters one by one, each with its id, and the id as one number for lookups
   * (the client's index here times 2^32, plus the clock: client indexes stay small, clocks
   * below 2^32). */
  chars(block: Block): Chars {
    const length = block.text.length;
    const clients = new Float64Array(length);
    const clocks = new Float64Array(length);
    const keys = new Float64Array(length);
    let at = 0;
    for (let r = 0; r < block.runs.length; r += 3) {
      const client = block.runs[r]!;
      const clock = block.runs[r + 1]!;
      const runLength = block.runs[r + 2]!;
      let index = this.clientIndexes.get(client);
      if (index === undefined) this.clientIndexes.set(client, (index = this.clientIndexes.size));
      const base = index * 4294967296 + clock;
      for (let k = 0; k < runLength; k++, at++) {
        clients[at] = client;
        clocks[at] = clock + k;
        keys[at] = base + k;
      }
    }
    return { length, text: block.text, clients, clocks, keys, deletedAt: block.deletedAt, marks: block.marks };
  }

  wholeBlock(block: Block, type: "insert" | "delete"): Part[] {
    const chars = this.chars(block);
    return type === "insert"
      ? widen(this, emptyChars, chars, new Int32Array(0), new Int32Array(chars.length).fill(-1))
      : widen(this, chars, emptyChars, new Int32Array(chars.length).fill(-1), new Int32Array(0));
  }

  /** A section's body: blocks paired by their element ids; in between, the rest by text. */
  compareBlocks(fromSection: Block[], toSection: Block[]): BlockParts[] {
    const [fromBlocks, toBlocks] = withoutUnchangedRows(fromSection, toSection);
    const toIndex = new Map(toBlocks.map((block, index) => [block.key, index]));
    const anchors: [number, number][] = [];
    fromBlocks.forEach((block, fromPosition) => {
      const toPosition = toIndex.get(block.key);
      if (toPosition !== undefined && toPosition > (anchors[anchors.length - 1]?.[1] ?? -1)) anchors.push([fromPosition, toPosition]);
    });
    anchors.push([fromBlocks.length, toBlocks.length]);
    const result: BlockParts[] = [];
    const whole = (block: Block, type: "insert" | "delete") => result.push({ block, parts: this.wholeBlock(block, type), whole: type });
    let fromStart = 0;
    let toStart = 0;
    for (const [fromAnchor, toAnchor] of anchors) {
      for (const { from, to } of pairByText(fromBlocks.slice(fromStart, fromAnchor), toBlocks.slice(toStart, toAnchor))) {
        const parts = from && to ? this.compareByText(from, to) : null;
        if (parts && (to!.kind === "matrixCell" || isMostlyKept(parts, from!, to!))) {
          result.push({ block: to!, parts });
        } else {
          if (from) whole(from, "delete");
          if (to) whole(to, "insert");
        }
      }
      const fromBlock = fromBlocks[fromAnchor];
      const toBlock = toBlocks[toAnchor];
      if (fromBlock && toBlock) result.push({ block: toBlock, parts: this.compareByIds(fromBlock, toBlock) });
      fromStart = fromAnchor + 1;
      toStart = toAnchor + 1;
    }
    keepMovedRows(result);
    keepSplitsAndJoins(result);
    return result;
  }

  compareByIds(from: Block, to: Block): Part[] {
    if (sameRuns(from.runs, to.runs)) return equalParts(to);
    const fromChars = this.chars(from);
    const toChars = this.chars(to);
    const fromToTo = new Int32Array(fromChars.length).fill(-1);
    const toToFrom = new Int32Array(toChars.length).fill(-1);
    let prefix = 0;
    while (prefix < fromChars.length && prefix < toChars.length && fromChars.keys[prefix] === toChars.keys[prefix]) {
      fromToTo[prefix] = prefix;
      toToFrom[prefix] = prefix;
      prefix++;
    }
    let suffix = 0;
    while (
      suffix < fromChars.length - prefix &&
      suffix < toChars.length - prefix &&
      fromChars.keys[fromChars.length - 1 - suffix] === toChars.keys[toChars.length - 1 - suffix]
    ) {
      fromToTo[fromChars.length - 1 - suffix] = toChars.length - 1 - suffix;
      toToFrom[toChars.length - 1 - suffix] = fromChars.length - 1 - suffix;
      suffix++;
    }
    const toMiddle = new Map<number, number>();
    for (let j = prefix; j < toChars.length - suffix; j++) toMiddle.set(toChars.keys[j]!, j);
    // Yjs keeps the order of what both sides hold; a crossing would be a bug elsewhere, and
    // is read as a deletion and an insertion rather than trusted.
    let lastTo = prefix - 1;
    for (let i = prefix; i < fromChars.length - suffix; i++) {
      const j = toMiddle.get(fromChars.keys[i]!);
      if (j === undefined || j <= lastTo) continue;
      fromToTo[i] = j;
      toToFrom[j] = i;
      lastTo = j;
    }
    alignIdenticalGaps(fromChars, toChars, fromToTo, toToFrom);
    return widen(this, fromChars, toChars, fromToTo, toToFrom);
  }

  /** Blocks whose ids do not relate: a word diff of their text. */
  compareByText(from: Block, to: Block): Part[] {
    const fromChars = this.chars(from);
    const toChars = this.chars(to);
    const fromToTo = new Int32Array(fromChars.length).fill(-1);
    const toToFrom = new Int32Array(toChars.length).fill(-1);
    if (from.text === to.text) {
      for (let i = 0; i < fromChars.length; i++) fromToTo[i] = toToFrom[i] = i;
    } else {
      const fromTokens = tokenize(from.text);
      const toTokens = tokenize(to.text);
      const interned = new Map<string, number>();
      const ids = (text: string, tokens: Tokens) =>
        Int32Array.from({ length: tokens.count }, (_, t) => {
          const token = text.slice(tokens.starts[t], tokens.starts[t + 1]);
          let id = interned.get(token);
          if (id === undefined) interned.set(token, (id = interned.size));
          return id;
        });
      for (const [a, b] of myersMatches(ids(from.text, fromTokens), ids(to.text, toTokens), MAX_TEXT_EDITS) ?? []) {
        const fromStart = fromTokens.starts[a]!;
        const toStart = toTokens.starts[b]!;
        for (let k = 0; k < fromTokens.starts[a + 1]! - fromStart; k++) {
          fromToTo[fromStart + k] = toStart + k;
          toToFrom[toStart + k] = fromStart + k;
        }
      }
    }
    // The old characters were deleted when the block was recreated, by whoever moved it: a
    // word replaced since then is the replacer's.
    return widen(this, fromChars, toChars, fromToTo, toToFrom, true);
  }
}

/**
 * Both sides without the matrix rows whose cells read the same on both (shown as nothing).
 * Moving a row can rewrite rows in place, each element taking its neighbour's text, so rows
 * are first matched by text, and only what is left by identity.
 */
function withoutUnchangedRows(fromBlocks: Block[], toBlocks: Block[]): [Block[], Block[]] {
  const rowsOf = (blocks: Block[]) => {
    const rows = new Map<string, string[]>();
    for (const block of blocks) if (block.row !== null) rows.set(block.row, [...(rows.get(block.row) ?? []), block.text]);
    return [...rows].map(([row, texts]) => ({ row, text: texts.join("\u0001") }));
  };
  const fromRows = rowsOf(fromBlocks);
  const toRows = rowsOf(toBlocks);
  if (fromRows.length === 0 || toRows.length === 0) return [fromBlocks, toBlocks];
  const interned = new Map<string, number>();
  const signature = ({ text }: { text: string }) => {
    let id = interned.get(text);
    if (id === undefined) interned.set(text, (id = interned.size));
    return id;
  };
  const fromUnchanged = new Set<string>();
  const toUnchanged = new Set<string>();
  for (const [f, t] of myersMatches(Int32Array.from(fromRows, signature), Int32Array.from(toRows, signature), MAX_TEXT_EDITS) ?? []) {
    fromUnchanged.add(fromRows[f]!.row);
    toUnchanged.add(toRows[t]!.row);
  }
  const keep = (unchanged: Set<string>) => (block: Block) => block.row === null || !unchanged.has(block.row);
  return [fromBlocks.filter(keep(fromUnchanged)), toBlocks.filter(keep(toUnchanged))];
}

/** A moved matrix row is recreated: its cells, deleted in one place and inserted with the
 * same text in another, did not change. */
function keepMovedRows(blocks: BlockParts[]): void {
  const insertedByText = new Map<string, BlockParts[]>();
  for (const entry of blocks) {
    if (entry.whole !== "insert" || entry.block.kind !== "matrixCell") continue;
    const key = `${entry.block.slot}\u0000${entry.block.text}`;
    insertedByText.set(key, [...(insertedByText.get(key) ?? []), entry]);
  }
  for (const deleted of blocks) {
    if (deleted.whole !== "delete" || deleted.block.kind !== "matrixCell") continue;
    const inserted = insertedByText.get(`${deleted.block.slot}\u0000${deleted.block.text}`)?.shift();
    if (!inserted) continue;
    deleted.parts = [];
    inserted.parts = equalParts(inserted.block);
  }
}

/**
 * A paragraph split in two keeps its element; the second half is a new one, and its text new
 * characters. Where the text deleted at the end of a block is exactly the text of the new
 * blocks after it, nothing changed but a paragraph break; likewise a join, the other way.
 */
function keepSplitsAndJoins(blocks: BlockParts[]): void {
  for (let i = 0; i < blocks.length; i++) {
    const { parts, block, whole } = blocks[i]!;
    const last = parts[parts.length - 1];
    if (whole || block.kind !== "text" || !last || last.type === "equal") continue;
    const follower = last.type === "delete" ? "insert" : "delete";
    let cut = parts.length;
    let tail = "";
    while (cut > 0 && parts[cut - 1]!.type === last.type) tail = parts[--cut]!.text + tail;
    let next = i + 1;
    let joined = "";
    while (joined.length < tail.length && blocks[next]?.whole === follower && blocks[next]!.block.kind === "text") joined += blocks[next++]!.block.text;
    if (next === i + 1 || joined !== tail) continue;
    const tailParts = parts.splice(cut);
    if (last.type === "insert") for (const part of tailParts) pushPart(parts, { type: "equal", text: part.text, author: null, marks: part.marks });
    for (let k = i + 1; k < next; k++) blocks[k]!.parts = last.type === "delete" ? equalParts(blocks[k]!.block) : [];
    i = next - 1;
  }
}

/** A block's text as unchanged, one part per formatted stretch. */
function equalParts(block: { text: string; marks: MarkRun[] }): Part[] {
  const parts: Part[] = [];
  for (const piece of markedPieces(block.marks, 0, block.text.length)) {
    pushPart(parts, { type: "equal", text: block.text.slice(piece.start, piece.end), author: null, marks: piece.marks });
  }
  return parts;
}

/** `[start, end)` cut where its formatting changes. */
function markedPieces(runs: MarkRun[], start: number, end: number): { start: number; end: number; marks?: PartMarks }[] {
  const pieces: { start: number; end: number; marks?: PartMarks }[] = [];
  let low = 0;
  let high = runs.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (runs[middle]!.end <= start) low = middle + 1;
    else high = middle;
  }
  let at = start;
  for (let r = low; r < runs.length && runs[r]!.start < end; r++) {
    const run = runs[r]!;
    if (run.start > at) pieces.push({ start: at, end: run.start });
    const pieceEnd = Math.min(run.end, end);
    pieces.push({ start: Math.max(run.start, at), end: pieceEnd, marks: run.marks });
    at = pieceEnd;
  }
  if (at < end) pieces.push({ start: at, end });
  return pieces;
}

/** Appends a part, joined to the last one if it reads the same way (kind, author, formatting). */
function pushPart(parts: Part[], part: Part): void {
  if (!part.text) return;
  const last = parts[parts.length - 1];
  if (last && last.type === part.type && (part.type === "equal" || samePerson(last.author, part.author)) && sameMarks(last.marks, part.marks)) {
    last.text += part.text;
  } else {
    parts.push(part.marks ? { type: part.type, text: part.text, author: part.author, marks: part.marks } : { type: part.type, text: part.text, author: part.author });
  }
}

function sameMarks(a: PartMarks | undefined, b: PartMarks | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.link === b.link && a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.strike === b.strike && a.code === b.code;
}

/** Whether a text diff kept at least half a paragraph: else it was replaced, and is shown
 * as one deleted and another inserted rather than as a patchwork. (A cell is always one.) */
function isMostlyKept(parts: Part[], from: Block, to: Block): boolean {
  let kept = 0;
  for (const part of parts) if (part.type === "equal") kept += part.text.length;
  return kept * 2 >= Math.max(from.text.length, to.text.length);
}

interface Chars {
  length: number;
  text: string;
  clients: Float64Array;
  clocks: Float64Array;
  keys: Float64Array;
  deletedAt: Map<number, [number, number]>;
  marks: MarkRun[];
}

const emptyChars: Chars = {
  length: 0,
  text: "",
  clients: new Float64Array(0),
  clocks: new Float64Array(0),
  keys: new Float64Array(0),
  deletedAt: new Map(),
  marks: [],
};

/**
 * Between two characters kept by id, text deleted and written again the same (a restore
 * writes the version's words back as new characters in the same block) is no change: each
 * such gap is aligned by position when both sides read the same.
 */
function alignIdenticalGaps(from: Chars, to: Chars, fromToTo: Int32Array, toToFrom: Int32Array): void {
  let fromStart = 0;
  let toStart = 0;
  for (let i = 0; i <= from.length; i++) {
    const j = i < from.length ? fromToTo[i]! : to.length;
    if (j < 0) continue;
    const length = i - fromStart;
    if (length > 0 && length === j - toStart && from.text.slice(fromStart, i) === to.text.slice(toStart, j)) {
      for (let k = 0; k < length; k++) {
        fromToTo[fromStart + k] = toStart + k;
        toToFrom[toStart + k] = fromStart + k;
      }
    }
    fromStart = i + 1;
    toStart = j + 1;
  }
}

function sameRuns(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * From a character alignment to word-level pieces: a word (or space, or punctuation mark) is
 * unchanged only if the same characters make the same token on both sides; between two
 * unchanged tokens everything older is deleted, then everything newer inserted. A token's
 * author is whoever changed characters in it; one only carried along with a changed neighbour
 * (the rest of a word typed into) takes the author of the change next to it.
 */
function widen(context: CompareContext, from: Chars, to: Chars, fromToTo: Int32Array, toToFrom: Int32Array, isRecreated = false): Part[] {
  const fromTokens = tokenize(from.text);
  const toTokens = tokenize(to.text);
  const toTokenAt = new Int32Array(to.length + 1).fill(-1);
  for (let t = 0; t < toTokens.count; t++) toTokenAt[toTokens.starts[t]!] = t;

  // Unchanged token pairs, in order.
  const kept: [number, number][] = [];
  let lastToToken = -1;
  for (let f = 0; f < fromTokens.count; f++) {
    const start = fromTokens.starts[f]!;
    const end = fromTokens.starts[f + 1]!;
    const toStart = fromToTo[start]!;
    if (toStart < 0) continue;
    const t = toTokenAt[toStart]!;
    if (t <= lastToToken || toTokens.starts[t + 1]! - toStart !== end - start) continue;
    let isSame = true;
    for (let k = start + 1; k < end && isSame; k++) isSame = fromToTo[k] === toStart + (k - start);
    if (!isSame) continue;
    kept.push([f, t]);
    lastToToken = t;
  }
  kept.push([fromTokens.count, toTokens.count]);

  // Each token with the formatting its characters have on their side (the older for a deletion).
  const parts: Part[] = [];
  const push = (type: Part["type"], chars: Chars, tokens: Tokens, t: number, author: Person | null) => {
    for (const piece of markedPieces(chars.marks, tokens.starts[t]!, tokens.starts[t + 1]!)) {
      pushPart(parts, { type, text: chars.text.slice(piece.start, piece.end), author, marks: piece.marks });
    }
  };

  let fromToken = 0;
  let toToken = 0;
  for (const [keptFrom, keptTo] of kept) {
    if (fromToken < keptFrom || toToken < keptTo) {
      // Who actually deleted or inserted characters of each token (undefined: nobody).
      const deleters: (Person | null | undefined)[] = [];
      for (let f = fromToken; f < keptFrom; f++) {
        let person: Person | null | undefined;
        for (let k = fromTokens.starts[f]!; k < fromTokens.starts[f + 1]! && person === undefined; k++) {
          if (fromToTo[k]! < 0) person = context.deleterOf(from.clients[k]!, from.clocks[k]!);
        }
        deleters.push(person);
      }
      const inserters: (Person | null | undefined)[] = [];
      for (let t = toToken; t < keptTo; t++) {
        let person: Person | null | undefined;
        for (let k = toTokens.starts[t]!; k < toTokens.starts[t + 1]! && person === undefined; k++) {
          if (toToFrom[k]! < 0) person = context.authorOf(to.clients[k]!);
        }
        inserters.push(person);
      }
      // A recreated block (a moved section) holds its own copy of the text: words deleted since
      // were deleted in the copy, where they still sit, by whoever did it, not by the mover.
      const deleterInCopy = isRecreated && inserters.length === 0 ? deleterOfCopy(context, to, toTokens.starts[toToken]!, toTokens.starts[keptTo]!) : null;
      const changer = deleterInCopy ?? [...inserters, ...deleters].find((person) => person !== undefined) ?? null;
      const isReplaced = isRecreated && (inserters.length > 0 || deleterInCopy !== null);
      deleters.forEach((person, index) => push("delete", from, fromTokens, fromToken + index, person === undefined || isReplaced ? changer : person));
      inserters.forEach((person, index) => push("insert", to, toTokens, toToken + index, person === undefined ? changer : person));
    }
    if (keptTo < toTokens.count) push("equal", to, toTokens, keptTo, null);
    fromToken = keptFrom + 1;
    toToken = keptTo + 1;
  }
  return parts;
}

/** Who deleted text of a recreated block's copy between two offsets (one either side, as a
 * word diff may keep the space before or after the deleted word). */
function deleterOfCopy(context: CompareContext, to: Chars, start: number, end: number): Person | null {
  for (let offset = Math.max(0, start - 1); offset <= end + 1; offset++) {
    const id = to.deletedAt.get(offset);
    const person = id && context.deleterOf(id[0], id[1]);
    if (person) return person;
  }
  return null;
}

function samePerson(a: Person | null, b: Person | null): boolean {
  return (a?.id ?? null) === (b?.id ?? null);
}

interface Tokens {
  count: number;
  /** Token t is text.slice(starts[t], starts[t + 1]). */
  starts: Int32Array;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
const WORDS = /[\p{L}\p{M}\p{N}_]+/gu;
const WORD_KIND = 0;
const SPACE_KIND = 1;
const OTHER_KIND = 2;
const kindCache = new Map<number, number>();

function charKind(codePoint: number): number {
  let kind = kindCache.get(codePoint);
  if (kind === undefined) {
    const char = String.fromCodePoint(codePoint);
    kind = WORD_CHAR.test(char) ? WORD_KIND : /\s/.test(char) ? SPACE_KIND : OTHER_KIND;
    if (kindCache.size < 65536) kindCache.set(codePoint, kind);
  }
  return kind;
}

/** Words (letters, marks, digits), runs of white space, and single other characters. */
function tokenize(text: string): Tokens {
  const starts = new Int32Array(text.length + 1);
  let count = 0;
  let at = 0;
  while (at < text.length) {
    starts[count++] = at;
    const codePoint = text.codePointAt(at)!;
    const kind = charKind(codePoint);
    at += codePoint > 0xffff ? 2 : 1;
    if (kind === OTHER_KIND) continue;
    while (at < text.length) {
      const next = text.codePointAt(at)!;
      if (charKind(next) !== kind) break;
      at += next > 0xffff ? 2 : 1;
    }
  }
  starts[count] = text.length;
  return { count, starts };
}

function countWords(text: string): number {
  return text.match(WORDS)?.length ?? 0;
}

/**
 * Pairs the blocks between two anchors by text: blocks with the same text are unchanged; in
 * what is left, a deleted block and an inserted one of the same slot are paired in order.
 */
function pairByText(fromBlocks: Block[], toBlocks: Block[]): { from?: Block; to?: Block }[] {
  if (fromBlocks.length === 0) return toBlocks.map((to) => ({ to }));
  if (toBlocks.length === 0) return fromBlocks.map((from) => ({ from }));
  const interned = new Map<string, number>();
  const signature = (block: Block) => {
    const key = `${block.slot}\u0000${block.text}`;
    let id = interned.get(key);
    if (id === undefined) interned.set(key, (id = interned.size));
    return id;
  };
  const matches = myersMatches(Int32Array.from(fromBlocks, signature), Int32Array.from(toBlocks, signature), MAX_TEXT_EDITS) ?? [];
  matches.push([fromBlocks.length, toBlocks.length]);
  const pairs: { from?: Block; to?: Block }[] = [];
  let f = 0;
  let t = 0;
  for (const [matchFrom, matchTo] of matches) {
    const deleted = fromBlocks.slice(f, matchFrom);
    const inserted = toBlocks.slice(t, matchTo);
    // In order, each deleted block takes the next inserted one of its slot; the rest stand alone.
    let next = 0;
    for (const from of deleted) {
      const at = inserted.findIndex((block, index) => index >= next && block.slot === from.slot);
      if (at < 0) {
        pairs.push({ from });
        continue;
      }
      for (const to of inserted.slice(next, at)) pairs.push({ to });
      pairs.push({ from, to: inserted[at] });
      next = at + 1;
    }
    for (const to of inserted.slice(next)) pairs.push({ to });
    if (matchFrom < fromBlocks.length) pairs.push({ from: fromBlocks[matchFrom], to: toBlocks[matchTo] });
    f = matchFrom + 1;
    t = matchTo + 1;
  }
  return pairs;
}

/**
 * Index pairs of a longest common subsequence of `a` and `b` (Myers' O(ND) diff), or null
 * when they differ by more than `maxEdits` insertions and deletions.
 */
function myersMatches(a: ArrayLike<number>, b: ArrayLike<number>, maxEdits: number): [number, number][] | null {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const limit = Math.min(n + m, maxEdits);
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  let edits = -1;
  search: for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        edits = d;
        break search;
      }
    }
  }
  if (edits < 0) return null;

  const middle: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = edits; d > 0; d--) {
    const previous = trace[d]!; // v as it was after step d - 1, for k in [-d, d]
    const k = x - y;
    const fromAbove = k === -d || (k !== d && previous[k - 1 + d]! < previous[k + 1 + d]!);
    const previousK = fromAbove ? k + 1 : k - 1;
    const previousX = previous[previousK + d]!;
    const startX = fromAbove ? previousX : previousX + 1;
    const startY = startX - k;
    while (x > startX && y > startY) middle.push([start + --x, start + --y]);
    x = previousX;
    y = previousX - previousK;
  }
  while (x > 0 && y > 0) middle.push([start + --x, start + --y]);

  const matches: [number, number][] = [];
  for (let i = 0; i < start; i++) matches.push([i, i]);
  for (let i = middle.length - 1; i >= 0; i--) matches.push(middle[i]!);
  for (let i = 0; i < a.length - endA; i++) matches.push([endA + i, endB + i]);
  return matches;
}

// ---------------------------------------------------------------------------------------------
// The answer: blocks as parts, and the summary.

function toComparedBlocks(blocks: BlockParts[]): ComparedBlock[] {
  const compared: ComparedBlock[] = [];
  for (const { block, parts } of blocks) {
    if (parts.length === 0) continue;
    if (block.kind === "matrixCell" && parts.every((part) => part.type === "equal")) continue;
    compared.push(block.style ? { kind: block.kind, cell: block.cell, style: block.style, parts } : { kind: block.kind, cell: block.cell, parts });
  }
  return compared;
}

/** The inserted and deleted runs of a block, whatever their formatting: a change is one run
 * of one person's insertion (or deletion), even where a word in it is bold. */
function changedRuns(parts: Part[]): { type: "insert" | "delete"; text: string; author: Person | null }[] {
  const runs: { type: "insert" | "delete"; text: string; author: Person | null }[] = [];
  let previous: Part | undefined;
  for (const part of parts) {
    const last = runs[runs.length - 1];
    if (part.type !== "equal") {
      if (last && previous?.type === part.type && samePerson(last.author, part.author)) last.text += part.text;
      else runs.push({ type: part.type, text: part.text, author: part.author });
    }
    previous = part;
  }
  return runs;
}

function summarise(
  compared: ComparedSection[],
  fromDetails: SectionDetail[],
  toDetails: SectionDetail[],
): Omit<Comparison, "from" | "to"> {
  const summary: Comparison["summary"] = {
    sectionsAdded: [],
    sectionsRemoved: [],
    sectionsChanged: [],
    sectionsMoved: [],
    sectionsRenamed: [],
    wordsAdded: 0,
    wordsRemoved: 0,
    bySection: [],
    byPerson: [],
    statusChanges: [],
    detailChanges: [],
  };
  const changes: Comparison["changes"] = [];
  const byPerson = new Map<number | null, Comparison["summary"]["byPerson"][number]>();
  const titles = new Map<string, string>();

  for (const section of compared) {
    const title = section.titleTo ?? section.titleFrom ?? "";
    if (!titles.has(section.id)) titles.set(section.id, title);
    if (section.state === "added") summary.sectionsAdded.push(section.id);
    if (section.state === "removed") summary.sectionsRemoved.push(section.id);
    if (section.state === "changed") summary.sectionsChanged.push(section.id);
    if (section.moved) summary.sectionsMoved.push(section.id);
    if (section.titleFrom !== null && section.titleTo !== null && section.titleFrom !== section.titleTo) {
      summary.sectionsRenamed.push({ sectionId: section.id, from: section.titleFrom, to: section.titleTo });
    }
    let wordsAdded = 0;
    let wordsRemoved = 0;
    for (const parts of [section.titleParts, ...section.blocks.map((block) => block.parts)]) {
      for (const part of changedRuns(parts)) {
        changes.push({ sectionId: section.id, type: part.type, text: part.text, author: part.author });
        const key = part.author?.id ?? null;
        let entry = byPerson.get(key);
        if (!entry) byPerson.set(key, (entry = { person: part.author, wordsAdded: 0, wordsRemoved: 0 }));
        const words = countWords(part.text);
        if (part.type === "insert") {
          entry.wordsAdded += words;
          wordsAdded += words;
        } else {
          entry.wordsRemoved += words;
          wordsRemoved += words;
        }
      }
    }
    summary.wordsAdded += wordsAdded;
    summary.wordsRemoved += wordsRemoved;
    if (section.state !== "unchanged") summary.bySection.push({ sectionId: section.id, title, wordsAdded, wordsRemoved });
  }
  summary.byPerson = [...byPerson.values()]
    .filter((entry) => entry.wordsAdded + entry.wordsRemoved > 0)
    .sort((a, b) => b.wordsAdded + b.wordsRemoved - (a.wordsAdded + a.wordsRemoved) || (a.person?.name ?? "").localeCompare(b.person?.name ?? ""));

  const fromById = new Map(fromDetails.map((detail) => [detail.id, detail]));
  for (const detail of toDetails) {
    const old = fromById.get(detail.id);
    if (!old) continue;
    const title = titles.get(detail.id) ?? detail.title;
    if (old.status !== detail.status) summary.statusChanges.push({ sectionId: detail.id, title, from: old.status, to: detail.status });
    for (const field of ["lead", "assignee", "dueDate"] as const) {
      if (old[field] !== detail[field]) summary.detailChanges.push({ sectionId: detail.id, title, field, from: old[field], to: detail[field] });
    }
  }
  return { summary, changes, sections: compared };
}
