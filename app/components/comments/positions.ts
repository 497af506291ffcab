// Where threads sit in the editor's document, and where their cards go beside the text.
import type { Node as PMNode } from "@tiptap/pm/model";
import { COMMENT_MARK } from "../../editor/comment-mark";
import { isSuggestionMark, SUGGESTION_INSERT, type SuggestionAttrs } from "../../editor/suggestion-marks";
import type { PassageRange } from "./highlights";
import type { Thread } from "./types";

export interface DocumentPlaces {
  /** Each marked thread's passage, from its first marked character to its last. */
  passages: Map<string, PassageRange>;
  /** Each section's position in the document. */
  sections: Map<string, number>;
  /** Each open suggestion in the text, in document order (suggestion-marks.ts). */
  suggestions: Map<string, SuggestionPlace>;
}

export interface SuggestionPlace extends PassageRange {
  authorId: number;
  sectionId: string;
  /** Proposed words and words proposed for deletion, runs apart joined by a space. */
  inserted: string;
  deleted: string;
}

// Read once per document: layout asks for every card on every change.
const placesByDoc = new WeakMap<PMNode, DocumentPlaces>();

export function documentPlaces(doc: PMNode): DocumentPlaces {
  const known = placesByDoc.get(doc);
  if (known) return known;
  const places: DocumentPlaces = { passages: new Map(), sections: new Map(), suggestions: new Map() };
  doc.forEach((section, offset) => {
    const sectionId = typeof section.attrs.id === "string" ? section.attrs.id : "";
    if (section.type.name === "section" && sectionId) places.sections.set(sectionId, offset);
    section.descendants((node, relative) => {
      if (!node.isText) return true;
      const pos = offset + 1 + relative;
      for (const mark of node.marks) {
        if (isSuggestionMark(mark)) {
          noteSuggestion(
            places.suggestions,
            mark.attrs as SuggestionAttrs,
            mark.type.name === SUGGESTION_INSERT,
            node.text ?? "",
            pos,
            sectionId,
          );
          continue;
        }
        const threadId = mark.attrs.threadId as string | null;
        if (mark.type.name !== COMMENT_MARK || !threadId) continue;
        const passage = places.passages.get(threadId);
        if (passage) passage.to = pos + node.nodeSize;
        else places.passages.set(threadId, { from: pos, to: pos + node.nodeSize });
      }
      return false;
    });
  });
  placesByDoc.set(doc, places);
  return places;
}

function noteSuggestion(
  suggestions: Map<string, SuggestionPlace>,
  { id, authorId }: SuggestionAttrs,
  isInsertion: boolean,
  text: string,
  pos: number,
  sectionId: string,
): void {
  let place = suggestions.get(id);
  if (!place) {
    place = { from: pos, to: pos, authorId, sectionId, inserted: "", deleted: "" };
    suggestions.set(id, place);
  }
  const joiner = place.to === pos ? "" : " ";
  if (isInsertion) place.inserted += (place.inserted ? joiner : "") + text;
  else place.deleted += (place.deleted ? joiner : "") + text;
  place.to = Math.max(place.to, pos + text.length);
}

/** The passage a card lines up with: its marked text, else its section's heading. */
export type CardPlace = { kind: "passage"; pos: number } | { kind: "section"; pos: number } | { kind: "nowhere" };

export function threadPlace(thread: Pick<Thread, "id" | "anchor" | "detached" | "sectionId">, places: DocumentPlaces): CardPlace {
  const passage = thread.anchor === "text" && !thread.detached ? places.passages.get(thread.id) : undefined;
  if (passage) return { kind: "passage", pos: passage.from };
  const section = places.sections.get(thread.sectionId);
  return section === undefined ? { kind: "nowhere" } : { kind: "section", pos: section };
}

/** Document order; threads whose section is gone come last. */
export function placeOrder(place: CardPlace): number {
  return place.kind === "nowhere" ? Number.POSITIVE_INFINITY : place.pos;
}

/** How far the active card may move down from its text to make room for the cards above it. */
const MAX_ACTIVE_SHIFT_PX = 120;

/**
 * Card tops for cards in document order: each as near its text as it can be without
 * overlapping the one before; the active card at its text, the ones above it pushed up.
 * Nothing goes above the top of the column: everything moves down instead, but the active card
 * (the one being read or written) at most a little; the cards above it that still do not fit
 * lie over one another at the column's top, out of its way (a section with dozens of threads
 * and a comment being written below its heading once put the new comment's box pages below).
 */
export function stackCards(desiredTops: readonly number[], heights: readonly number[], activeIndex: number, gap: number): number[] {
  const desired: number[] = [];
  desiredTops.forEach((top, i) => desired.push(Number.isFinite(top) ? top : (desired[i - 1] ?? 0)));
  const tops = desired.map(() => 0);
  const height = (i: number) => heights[i] ?? 0;
  const hasActive = activeIndex >= 0 && activeIndex < desired.length;
  const start = hasActive ? activeIndex : 0;
  tops[start] = hasActive ? desired[start]! : Math.max(desired[start] ?? 0, 0);
  for (let i = start + 1; i < desired.length; i++) tops[i] = Math.max(desired[i]!, tops[i - 1]! + height(i - 1) + gap);
  for (let i = start - 1; i >= 0; i--) tops[i] = Math.min(desired[i]!, tops[i + 1]! - height(i) - gap);
  const overflow = tops.length > 0 ? Math.max(0, -tops[0]!) : 0;
  const shift = Math.max(-(tops[start] ?? 0), Math.min(overflow, MAX_ACTIVE_SHIFT_PX));
  return tops.map((top) => Math.max(0, top + shift));
}
