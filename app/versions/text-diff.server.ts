// Tokenising text into words, spaces and single other characters, and Myers' diff of two
// sequences: the compare engine's text diff, where Yjs ids cannot relate two blocks.

/** The most edits a text diff looks for before calling the passage replaced. */
export const MAX_TEXT_EDITS = 2000;

export interface Tokens {
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
export function tokenize(text: string): Tokens {
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

export function countWords(text: string): number {
  return text.match(WORDS)?.length ?? 0;
}

/**
 * Index pairs of a longest common subsequence of `a` and `b` (Myers' O(ND) diff), or null
 * when they differ by more than `maxEdits` insertions and deletions.
 */
export function myersMatches(a: ArrayLike<number>, b: ArrayLike<number>, maxEdits: number): [number, number][] | null {
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
