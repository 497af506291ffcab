// Arrow keys, Home and End among a set of items (a toolbar's buttons, a menu's entries), going
// round at the ends: the WAI-ARIA toolbar and menu patterns.

/** The item a key moves to from `current`, or null for a key that is not a move. */
export function itemForKey<T>(items: readonly T[], current: T, key: string, axis: "horizontal" | "vertical" | "both"): T | null {
  if (items.length === 0) return null;
  const index = items.indexOf(current);
  const forward = key === "ArrowDown" ? axis !== "horizontal" : key === "ArrowRight" ? axis !== "vertical" : false;
  const back = key === "ArrowUp" ? axis !== "horizontal" : key === "ArrowLeft" ? axis !== "vertical" : false;
  if (forward) return items[(index + 1) % items.length]!;
  if (back) return items[(index - 1 + items.length) % items.length]!;
  if (key === "Home") return items[0]!;
  if (key === "End") return items[items.length - 1]!;
  return null;
}
