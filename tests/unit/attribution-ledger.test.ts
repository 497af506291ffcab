// The ledgers compaction keeps instead of update rows (app/models/attribution-ledger.server.ts):
// each item once with its first deleter, neighbours merged, and the bytes read back the same.
import { describe, expect, it } from "vitest";
import { decodeLedger, encodeLedger, settleRanges, type LedgerRange } from "../../app/models/attribution-ledger.server";
import { createAttribution } from "../../app/versions/attribution.server";

const at = Date.UTC(2026, 11, 7, 9, 30);
const range = (client: number, clock: number, len: number, userId: number, when = at): LedgerRange => ({
  client,
  clock,
  len,
  userId,
  at: when,
});

describe("the attribution ledger", () => {
  it("keeps each item's first deleter, as attribution reads the rows oldest first", () => {
    const rows = [range(7, 10, 5, 1), range(7, 12, 6, 2), range(7, 0, 11, 3), range(9, 4, 2, 2)];
    const settled = settleRanges(rows);
    expect(settled).toEqual([range(7, 0, 10, 3), range(7, 10, 5, 1), range(7, 15, 3, 2), range(9, 4, 2, 2)]);
    // The same answer for every item, from the rows and from the ledger.
    const person = (id: number) => ({ id, name: `P${id}`, organisation: "O" });
    const fromRows = createAttribution({ clients: new Map(), deletions: rows.map((r) => ({ ...r, person: person(r.userId) })) });
    const fromLedger = createAttribution({ clients: new Map(), deletions: settled.map((r) => ({ ...r, person: person(r.userId) })) });
    for (const [client, clock] of [...Array.from({ length: 20 }, (_, i) => [7, i]), [9, 3], [9, 4], [9, 5], [9, 6]])
      expect(fromLedger.deleterOf(client!, clock!)).toEqual(fromRows.deleterOf(client!, clock!));
  });

  it("answers as the rows do for many overlapping deletions by several people", () => {
    let seed = 42;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const rows = Array.from({ length: 3000 }, () =>
      range(1 + random(3), random(2000), 1 + random(40), 1 + random(5), at + random(600_000)),
    );
    const settled = settleRanges(rows);
    const person = (id: number) => ({ id, name: `P${id}`, organisation: "O" });
    const fromRows = createAttribution({ clients: new Map(), deletions: rows.map((r) => ({ ...r, person: person(r.userId) })) });
    const fromLedger = createAttribution({
      clients: new Map(),
      deletions: decodeLedger(encodeLedger(settled)).map((r) => ({ ...r, person: person(r.userId) })),
    });
    for (let client = 1; client <= 3; client++)
      for (let clock = 0; clock < 2050; clock++) expect(fromLedger.deleterOf(client, clock)).toEqual(fromRows.deleterOf(client, clock));
    // Disjoint and sorted, as the ledger is read.
    for (let i = 1; i < settled.length; i++)
      if (settled[i]!.client === settled[i - 1]!.client)
        expect(settled[i]!.clock).toBeGreaterThanOrEqual(settled[i - 1]!.clock + settled[i - 1]!.len);
  });

  it("merges neighbouring ranges of one account within a minute, keeping the earlier time", () => {
    const backspaces = Array.from({ length: 50 }, (_, i) => range(3, 99 - i, 1, 4, at + i * 100));
    expect(settleRanges(backspaces)).toEqual([range(3, 50, 50, 4, at)]);
    expect(settleRanges([range(3, 0, 2, 4), range(3, 2, 2, 4, at + 61_000), range(3, 4, 2, 5)])).toHaveLength(3);
  });

  it("reads back what it wrote, times and large client ids included", () => {
    const settled = settleRanges([range(4_294_967_295, 3, 2, 1, 0), range(12, 0, 1, 70_000, at), range(12, 900, 40, 2, at - 5_000)]);
    expect(decodeLedger(encodeLedger(settled))).toEqual(settled);
    expect(decodeLedger(null)).toEqual([]);
    expect(decodeLedger(encodeLedger([]))).toEqual([]);
  });
});
