// Who deleted what and when, and when what was inserted, as compaction keeps them once the
// update rows that said so are gone (docs/decisions/0012-compaction-keeps-attribution-not-updates.md):
// id ranges of a plan's Yjs items, each with its account (deletions) and time, in one
// binary value per plan. Who inserted is the client id's account (plan_clients).
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/** Items [clock, clock + len) of Yjs client `client`; `userId` deleted them (0 for insertions),
 * at `at` (ms since the epoch; 0: not recorded, as for deletions stored before migration 0008). */
export interface LedgerRange {
  client: number;
  clock: number;
  len: number;
  userId: number;
  at: number;
}

/** Neighbouring ranges of one account within this long of each other are kept as one, with
 * the earlier time: times are kept to the minute. */
const SAME_MOMENT_MS = 60_000;

/**
 * The ranges as a ledger keeps them: each item once, with the first range that names it (the
 * input is oldest first: an item deleted by two people at once keeps its first deleter, as
 * attribution.server.ts reads it), sorted by client and clock, neighbours merged.
 */
export function settleRanges(oldestFirst: Iterable<LedgerRange>): LedgerRange[] {
  const byClient = new Map<number, { range: LedgerRange; order: number }[]>();
  let order = 0;
  for (const range of oldestFirst) {
    if (range.len <= 0) continue;
    let entries = byClient.get(range.client);
    if (!entries) byClient.set(range.client, (entries = []));
    entries.push({ range, order: order++ });
  }
  const result: LedgerRange[] = [];
  for (const client of [...byClient.keys()].sort((a, b) => a - b)) {
    for (const range of firstCovering(byClient.get(client)!)) {
      const last = result[result.length - 1];
      if (
        last &&
        last.client === range.client &&
        last.clock + last.len === range.clock &&
        last.userId === range.userId &&
        Math.abs(last.at - range.at) < SAME_MOMENT_MS
      ) {
        last.len += range.len;
        last.at = Math.min(last.at, range.at);
      } else result.push(range);
    }
  }
  return result;
}

/**
 * One client's ranges cut where any starts or ends, each piece taken from the oldest range
 * covering it: a sweep over the boundaries with the covering ranges in a heap by age, so a
 * plan's many small deletions cost n log n, whatever their overlaps.
 */
function firstCovering(entries: { range: LedgerRange; order: number }[]): LedgerRange[] {
  entries.sort((a, b) => a.range.clock - b.range.clock);
  const boundaries = [...new Set(entries.flatMap(({ range }) => [range.clock, range.clock + range.len]))].sort((a, b) => a - b);
  const covering = new MinHeap<{ range: LedgerRange; order: number }>((a, b) => a.order - b.order);
  const pieces: LedgerRange[] = [];
  let next = 0;
  for (let k = 0; k < boundaries.length - 1; k++) {
    const from = boundaries[k]!;
    while (next < entries.length && entries[next]!.range.clock <= from) covering.push(entries[next++]!);
    // Ranges that ended are dropped when they come to the top.
    while (covering.top && covering.top.range.clock + covering.top.range.len <= from) covering.pop();
    const oldest = covering.top?.range;
    if (oldest) pieces.push({ ...oldest, clock: from, len: boundaries[k + 1]! - from });
  }
  return pieces;
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get top(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): void {
    const items = this.items;
    const last = items.pop()!;
    if (items.length === 0) return;
    items[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
      if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
      if (smallest === i) return;
      [items[i], items[smallest]] = [items[smallest]!, items[i]!];
      i = smallest;
    }
  }
}

const FORMAT = 1;

/** Settled ranges as bytes: per client, each range's gap from the last, length, account and
 * time from the last, as variable-length integers (a few bytes a range). */
export function encodeLedger(settled: LedgerRange[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FORMAT);
  const clients: LedgerRange[][] = [];
  for (const range of settled) {
    const group = clients[clients.length - 1];
    if (group && group[0]!.client === range.client) group.push(range);
    else clients.push([range]);
  }
  encoding.writeVarUint(encoder, clients.length);
  let lastAt = 0;
  for (const group of clients) {
    encoding.writeVarUint(encoder, group[0]!.client);
    encoding.writeVarUint(encoder, group.length);
    let lastEnd = 0;
    for (const range of group) {
      encoding.writeVarUint(encoder, range.clock - lastEnd);
      encoding.writeVarUint(encoder, range.len);
      encoding.writeVarUint(encoder, range.userId);
      encoding.writeVarInt(encoder, range.at - lastAt);
      lastEnd = range.clock + range.len;
      lastAt = range.at;
    }
  }
  return encoding.toUint8Array(encoder);
}

export function decodeLedger(bytes: Uint8Array | null | undefined): LedgerRange[] {
  if (!bytes || bytes.length === 0) return [];
  const decoder = decoding.createDecoder(bytes);
  const format = decoding.readVarUint(decoder);
  if (format !== FORMAT) throw new Error(`attribution ledger of unknown format ${format}`);
  const ranges: LedgerRange[] = [];
  let lastAt = 0;
  for (let clients = decoding.readVarUint(decoder); clients > 0; clients--) {
    const client = decoding.readVarUint(decoder);
    let lastEnd = 0;
    for (let count = decoding.readVarUint(decoder); count > 0; count--) {
      const clock = lastEnd + decoding.readVarUint(decoder);
      const len = decoding.readVarUint(decoder);
      const userId = decoding.readVarUint(decoder);
      const at = lastAt + decoding.readVarInt(decoder);
      ranges.push({ client, clock, len, userId, at });
      lastEnd = clock + len;
      lastAt = at;
    }
  }
  return ranges;
}
