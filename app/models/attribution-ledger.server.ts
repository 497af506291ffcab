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
  const byClient = new Map<number, LedgerRange[]>();
  for (const range of oldestFirst) {
    if (range.len <= 0) continue;
    let settled = byClient.get(range.client);
    if (!settled) byClient.set(range.client, (settled = []));
    fillGaps(settled, range);
  }
  const result: LedgerRange[] = [];
  for (const client of [...byClient.keys()].sort((a, b) => a - b)) {
    for (const range of byClient.get(client)!) {
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
      } else result.push({ ...range });
    }
  }
  return result;
}

/** Adds the parts of `range` no range in `settled` (sorted, disjoint) covers yet. */
function fillGaps(settled: LedgerRange[], range: LedgerRange): void {
  const end = range.clock + range.len;
  // The first settled range ending after the new one starts.
  let low = 0;
  let high = settled.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (settled[middle]!.clock + settled[middle]!.len <= range.clock) low = middle + 1;
    else high = middle;
  }
  let index = low;
  let at = range.clock;
  while (at < end) {
    const next = settled[index];
    if (!next || next.clock >= end) {
      settled.splice(index, 0, { ...range, clock: at, len: end - at });
      return;
    }
    if (next.clock > at) {
      settled.splice(index, 0, { ...range, clock: at, len: next.clock - at });
      index += 1;
    }
    at = Math.max(at, next.clock + next.len);
    index += 1;
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
