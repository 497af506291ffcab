// Where comment cards go beside the text (app/components/comments/positions.ts, stackCards).
import { describe, expect, it } from "vitest";
import { stackCards } from "../../app/components/comments/positions";

const GAP = 8;

describe("stacking comment cards", () => {
  it("puts each card at its text when there is room, and pushes down the ones that would overlap", () => {
    expect(stackCards([0, 500, 520], [100, 100, 100], -1, GAP)).toEqual([0, 500, 608]);
  });

  it("puts the active card at its text and pushes the cards above it up", () => {
    expect(stackCards([300, 310, 320], [100, 100, 100], 2, GAP)).toEqual([104, 212, 320]);
  });

  it("moves everything down a little when the cards above the active one reach past the column's top", () => {
    // Two cards of 100 above a card wanted at 150 need 216 px: the active card moves down 66 px.
    expect(stackCards([100, 110, 150], [100, 100, 100], 2, GAP)).toEqual([0, 108, 216]);
  });

  it("keeps the active card near its text under dozens of cards above it, which lie over one another at the top", () => {
    // A section with thirty threads and a new comment on a passage below its heading.
    const desired = [...Array.from({ length: 30 }, () => 200), 617];
    const heights = [...Array.from({ length: 30 }, () => 196), 145];
    const tops = stackCards(desired, heights, 30, GAP);
    expect(tops[30]).toBeGreaterThanOrEqual(617);
    expect(tops[30]).toBeLessThanOrEqual(617 + 120);
    // The ones just above it are still stacked without overlapping it, the rest lie at the top.
    expect(tops[29]! + 196 + GAP).toBeLessThanOrEqual(tops[30]!);
    expect(Math.min(...tops)).toBe(0);
    expect(tops.filter((top) => top === 0).length).toBeGreaterThan(20);
  });

  it("never places a card above the top of the column, and keeps cards after the active one below it", () => {
    const tops = stackCards([-50, 40, 60], [100, 100, 100], 1, GAP);
    expect(Math.min(...tops)).toBe(0);
    expect(tops[2]).toBeGreaterThanOrEqual(tops[1]! + 100 + GAP);
  });
});
