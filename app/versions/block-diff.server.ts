// Comparing two blocks: characters aligned by their Yjs ids (or, where ids do not relate, by a
// word diff of the text), widened to words, each change attributed to who made it.
import { isMostlyKept, keepMovedRows, keepSplitsAndJoins, pairByText, withoutUnchangedRows } from "./alignment.server";
import type { Attribution } from "./attribution.server";
import { equalParts, markedPieces, pushPart } from "./parts.server";
import type { Block, MarkRun, OpenSuggestions } from "./plan-reading.server";
import { MAX_TEXT_EDITS, myersMatches, tokenize, type Tokens } from "./text-diff.server";
import type { Part, Person } from "./types";

export interface BlockParts {
  block: Block;
  parts: Part[];
  /** Set for a block found only on one side. */
  whole?: "insert" | "delete";
}

/** Who made a change and, for an accepted suggestion, who accepted it (see Part). */
interface Credit {
  author: Person | null;
  acceptedBy?: Person | null;
}

export class CompareContext {
  private authors = new Map<number, Person | null>();
  private clientIndexes = new Map<number, number>();

  /** `fromSuggestions`: the open suggestions of the older side, so that one accepted since is
   * its suggester's change, accepted by whoever resolved it. */
  constructor(
    private attribution: Attribution,
    private fromSuggestions: OpenSuggestions | null = null,
  ) {}

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

  /** Who deleted an older character; for a suggested deletion since accepted, its suggester, and
   * as who accepted it the suggestion's resolver or else whoever deleted it (accepting deletes). */
  deletionCredit(client: number, clock: number): Credit {
    const deleter = this.deleterOf(client, clock);
    const suggestion = this.fromSuggestions?.at("delete", client, clock);
    if (!suggestion) return { author: deleter };
    return {
      author: this.attribution.person(suggestion.authorId) ?? deleter,
      acceptedBy: this.attribution.resolverOf(suggestion.id) ?? deleter,
    };
  }

  /** Who inserted a newer character; for a suggested insertion open on the older side and
   * accepted since, its suggester, and who accepted it if the records say. */
  insertionCredit(client: number, clock: number): Credit {
    const writer = this.authorOf(client);
    const suggestion = this.fromSuggestions?.at("insert", client, clock);
    if (!suggestion) return { author: writer };
    return { author: this.attribution.person(suggestion.authorId) ?? writer, acceptedBy: this.attribution.resolverOf(suggestion.id) };
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
  const push = (type: Part["type"], chars: Chars, tokens: Tokens, t: number, { author, acceptedBy }: Credit) => {
    for (const piece of markedPieces(chars.marks, tokens.starts[t]!, tokens.starts[t + 1]!)) {
      const text = chars.text.slice(piece.start, piece.end);
      pushPart(parts, { type, text, author, marks: piece.marks, ...(acceptedBy !== undefined ? { acceptedBy } : {}) });
    }
  };

  let fromToken = 0;
  let toToken = 0;
  for (const [keptFrom, keptTo] of kept) {
    if (fromToken < keptFrom || toToken < keptTo) {
      // Who actually deleted or inserted characters of each token (undefined: nobody).
      const deleters: (Credit | undefined)[] = [];
      for (let f = fromToken; f < keptFrom; f++) {
        let credit: Credit | undefined;
        for (let k = fromTokens.starts[f]!; k < fromTokens.starts[f + 1]! && credit === undefined; k++) {
          if (fromToTo[k]! < 0) credit = context.deletionCredit(from.clients[k]!, from.clocks[k]!);
        }
        deleters.push(credit);
      }
      const inserters: (Credit | undefined)[] = [];
      for (let t = toToken; t < keptTo; t++) {
        let credit: Credit | undefined;
        for (let k = toTokens.starts[t]!; k < toTokens.starts[t + 1]! && credit === undefined; k++) {
          if (toToFrom[k]! < 0) credit = context.insertionCredit(to.clients[k]!, to.clocks[k]!);
        }
        inserters.push(credit);
      }
      // A recreated block (a moved section) holds its own copy of the text: words deleted since
      // were deleted in the copy, where they still sit, by whoever did it, not by the mover.
      const deleterInCopy =
        isRecreated && inserters.length === 0 ? deleterOfCopy(context, to, toTokens.starts[toToken]!, toTokens.starts[keptTo]!) : null;
      const changer: Credit = deleterInCopy
        ? { author: deleterInCopy }
        : ([...inserters, ...deleters].find((credit) => credit !== undefined) ?? { author: null });
      const isReplaced = isRecreated && (inserters.length > 0 || deleterInCopy !== null);
      deleters.forEach((credit, index) =>
        push("delete", from, fromTokens, fromToken + index, credit === undefined || isReplaced ? changer : credit),
      );
      inserters.forEach((credit, index) => push("insert", to, toTokens, toToken + index, credit ?? changer));
    }
    if (keptTo < toTokens.count) push("equal", to, toTokens, keptTo, { author: null });
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
