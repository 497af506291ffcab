// The compare engine's heuristics above characters: which sections moved, which blocks pair
// by text where ids do not relate, and the matrix rows, splits and joins that are no change.
import type { BlockParts } from "./block-diff.server";
import { equalParts, pushPart } from "./parts.server";
import type { Block, SectionRead } from "./plan-reading.server";
import { MAX_TEXT_EDITS, myersMatches } from "./text-diff.server";
import type { Part } from "./types";

/** Common sections whose relative order changed: all but a heaviest increasing subsequence,
 * where a section whose element survived weighs most (Yjs never moves an element, so the
 * editor's move recreates the section: that one is the moved one). */
export function movedSections(fromSections: SectionRead[], toSections: SectionRead[]): Set<string> {
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

/**
 * Pairs the blocks between two anchors by text: blocks with the same text are unchanged; in
 * what is left, a deleted block and an inserted one of the same slot are paired in order.
 */
export function pairByText(fromBlocks: Block[], toBlocks: Block[]): { from?: Block; to?: Block }[] {
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
 * Both sides without the matrix rows whose cells read the same on both (shown as nothing).
 * Moving a row can rewrite rows in place, each element taking its neighbour's text, so rows
 * are first matched by text, and only what is left by identity.
 */
export function withoutUnchangedRows(fromBlocks: Block[], toBlocks: Block[]): [Block[], Block[]] {
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
export function keepMovedRows(blocks: BlockParts[]): void {
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
export function keepSplitsAndJoins(blocks: BlockParts[]): void {
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
    while (joined.length < tail.length && blocks[next]?.whole === follower && blocks[next]!.block.kind === "text")
      joined += blocks[next++]!.block.text;
    if (next === i + 1 || joined !== tail) continue;
    const tailParts = parts.splice(cut);
    if (last.type === "insert")
      for (const part of tailParts) pushPart(parts, { type: "equal", text: part.text, author: null, marks: part.marks });
    for (let k = i + 1; k < next; k++) blocks[k]!.parts = last.type === "delete" ? equalParts(blocks[k]!.block) : [];
    i = next - 1;
  }
}

/** Whether a text diff kept at least half a paragraph: else it was replaced, and is shown
 * as one deleted and another inserted rather than as a patchwork. (A cell is always one.) */
export function isMostlyKept(parts: Part[], from: Block, to: Block): boolean {
  let kept = 0;
  for (const part of parts) if (part.type === "equal") kept += part.text.length;
  return kept * 2 >= Math.max(from.text.length, to.text.length);
}
