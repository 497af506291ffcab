// Who wrote and who deleted what, from the server's records: which account each Yjs client id
// belongs to, the deleted id ranges with who deleted them, and who resolved each suggestion.
import type { Person } from "./types";

export interface Attribution {
  /** Who inserted structs under this Yjs client id (null: unknown, or the server). */
  authorOfClient(clientId: number): Person | null;
  /** Who deleted the item with this id. */
  deleterOf(clientId: number, clock: number): Person | null;
  /** An account by id (a suggestion's author), null if unknown. */
  person(userId: number): Person | null;
  /** Who accepted (or rejected) a suggestion, from the suggestions' records; null if unknown. */
  resolverOf(suggestionId: string): Person | null;
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
export function createAttribution(input: {
  clients: ReadonlyMap<number, Person | null>;
  deletions: Iterable<DeletionRecord>;
  people?: ReadonlyMap<number, Person>;
  resolvers?: ReadonlyMap<string, Person | null>;
}): Attribution {
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
    person: (userId) => input.people?.get(userId) ?? null,
    resolverOf: (suggestionId) => input.resolvers?.get(suggestionId) ?? null,
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
