// Parts, the runs of a redline: unchanged, inserted or deleted text by one person, cut where
// its formatting changes and joined where it reads the same.
import type { Part, PartMarks, Person } from "./types";
import type { MarkRun } from "./plan-reading.server";

/** A block's text as unchanged, one part per formatted stretch. */
export function equalParts(block: { text: string; marks: MarkRun[] }): Part[] {
  const parts: Part[] = [];
  for (const piece of markedPieces(block.marks, 0, block.text.length)) {
    pushPart(parts, { type: "equal", text: block.text.slice(piece.start, piece.end), author: null, marks: piece.marks });
  }
  return parts;
}

/** `[start, end)` cut where its formatting changes. */
export function markedPieces(runs: MarkRun[], start: number, end: number): { start: number; end: number; marks?: PartMarks }[] {
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
export function pushPart(parts: Part[], part: Part): void {
  if (!part.text) return;
  const last = parts[parts.length - 1];
  if (
    last &&
    last.type === part.type &&
    (part.type === "equal" || samePerson(last.author, part.author)) &&
    sameMarks(last.marks, part.marks) &&
    (last.acceptedBy === undefined) === (part.acceptedBy === undefined) &&
    samePerson(last.acceptedBy ?? null, part.acceptedBy ?? null)
  ) {
    last.text += part.text;
  } else {
    parts.push({
      type: part.type,
      text: part.text,
      author: part.author,
      ...(part.marks ? { marks: part.marks } : {}),
      ...(part.acceptedBy !== undefined ? { acceptedBy: part.acceptedBy } : {}),
    });
  }
}

function sameMarks(a: PartMarks | undefined, b: PartMarks | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.link === b.link &&
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.underline === b.underline &&
    a.strike === b.strike &&
    a.code === b.code
  );
}

export function samePerson(a: Person | null, b: Person | null): boolean {
  return (a?.id ?? null) === (b?.id ?? null);
}
