// Where a reviewed Word file's changes and comments go in the plan (docs/suggestions.md,
// "Reviewed Word files back in"): each tracked change becomes `{ sectionId, find, replaceWith }`
// with just enough of its paragraph around it to occur once in that section, each comment a
// thread on its passage, each Word author an account or the importer. Pure: the plan's text and
// members come in, nothing is read or written here.
import { createHash } from "node:crypto";
import type { ReviewComment, ReviewDocument, ReviewParagraph, TextPoint, TrackedChange } from "./review-docx.server";
import { sectionBookmarkNames } from "../export/section-bookmarks";

/** A section of the plan as suggestions see it: its textblocks' accepted text (open insertions left out). */
export interface PlanSectionText {
  id: string;
  title: string;
  paragraphs: string[];
}

export interface PlanMemberRef {
  id: number;
  name: string;
  /** The organisation's short name (as the export writes "Name (ORG)"). */
  organisation: string;
  /** Whether the importer may put this member's name on what the file says (see attribute()). */
  mayBeCredited: boolean;
}

export type UnplacedReason =
  "sectionUnknown" | "notFound" | "ambiguous" | "spansParagraphs" | "formattingOnly" | "noText" | "noPassage" | "emptyComment";

export interface Unplaced {
  kind: "suggestion" | "comment";
  /** What the reviewer wrote or changed, for the importer to find it in Word. */
  text: string;
  reason: UnplacedReason;
  author: string;
}

export interface PlacedSuggestion {
  sectionId: string;
  find: string;
  replaceWith: string;
  /** The account it is credited to; null: the importer's, "via Word: <author>". */
  authorId: number | null;
  wordAuthor: string;
  date: string | null;
  /** The same change from the same file (or a copy saved again) always gets the same key. */
  importKey: string;
  inserted: string;
  deleted: string;
}

export interface PlacedComment {
  authorId: number | null;
  wordAuthor: string;
  date: string | null;
  text: string;
}

export interface PlacedThread {
  /** Derived from the comment and the plan: importing it again finds the thread already there. */
  threadId: string;
  sectionId: string;
  /** A passage (paragraph index within the section's textblocks, accepted-text offsets), or null for the whole section. */
  passage: { paragraph: number; from: number; to: number } | null;
  quote: string;
  comments: PlacedComment[];
}

export interface Placement {
  suggestions: PlacedSuggestion[];
  threads: PlacedThread[];
  unplaced: Unplaced[];
}

const EXCERPT = 200;

export function placeReview(input: {
  planId: string;
  review: ReviewDocument;
  sections: PlanSectionText[];
  members: PlanMemberRef[];
}): Placement {
  const { review, sections } = input;
  const sectionOf = paragraphSections(review.paragraphs, sections);
  const byId = new Map(sections.map((section) => [section.id, section]));
  const credit = (author: string) => attribute(author, input.members);
  const placement: Placement = { suggestions: [], threads: [], unplaced: [] };

  review.paragraphs.forEach((paragraph, index) => {
    const section = byId.get(sectionOf[index] ?? "");
    for (const formatting of paragraph.formattingChanges) {
      placement.unplaced.push({ kind: "suggestion", text: excerpt(paragraph.text), reason: "formattingOnly", author: formatting.author });
    }
    for (const group of changeGroups(paragraph)) {
      const deleted = paragraph.text.slice(group.start, group.end);
      const inserted = group.changes
        .filter((change) => change.kind === "insert")
        .map((change) => change.text)
        .join("");
      const unplaced = (reason: UnplacedReason) =>
        placement.unplaced.push({ kind: "suggestion", text: excerpt(describeChange(deleted, inserted)), reason, author: group.author });
      if (!deleted && !inserted) unplaced("noText");
      else if (paragraph.isMarkChanged) unplaced("spansParagraphs");
      else if (!section) unplaced("sectionUnknown");
      else {
        const context = uniqueContext(paragraph.text, group.start, group.end, section.paragraphs);
        if (typeof context === "string") unplaced(context);
        else {
          const { left, right } = context;
          placement.suggestions.push({
            sectionId: section.id,
            find: paragraph.text.slice(left, right),
            replaceWith: paragraph.text.slice(left, group.start) + inserted + paragraph.text.slice(group.end, right),
            authorId: credit(group.author),
            wordAuthor: group.author,
            date: group.date,
            importKey: hash(["suggestion", section.id, paragraph.text, group.start, group.end, inserted, group.author, group.date]),
            inserted,
            deleted,
          });
        }
      }
    }
  });

  for (const comment of review.comments) {
    const thread = placeComment(input.planId, comment, review.paragraphs, sectionOf, byId, credit);
    if ("reason" in thread) placement.unplaced.push(thread);
    else placement.threads.push(thread);
  }
  return placement;
}

/** Each paragraph's section: the one whose bookmark starts in or just before it (the export
 * marks each section's heading), else the last heading whose text is a section's title (a file
 * exported before the bookmarks, or one whose bookmarks Word lost); null before the first. */
function paragraphSections(paragraphs: ReviewParagraph[], sections: PlanSectionText[]): (string | null)[] {
  const byBookmark = sectionBookmarkNames(sections.map((section) => section.id));
  const byTitle = new Map<string, string>();
  for (const section of sections) {
    const key = normalised(section.title);
    // Two sections of one title: the text alone cannot tell them apart.
    byTitle.set(key, byTitle.has(key) ? "" : section.id);
  }
  let current: string | null = null;
  return paragraphs.map((paragraph) => {
    const named = paragraph.bookmarks.flatMap((name) => byBookmark.get(name) ?? []).at(-1);
    if (named) return (current = named);
    if (paragraph.headingLevel !== null) {
      const fromTitle = byTitle.get(normalised(paragraph.text));
      if (fromTitle !== undefined) current = fromTitle || null;
    }
    return current;
  });
}

interface ChangeGroup {
  author: string;
  date: string | null;
  start: number;
  end: number;
  changes: TrackedChange[];
}

/** A paragraph's changes, those of one author with no accepted text between them joined: a
 * deletion followed by an insertion is one replacement. */
function changeGroups(paragraph: ReviewParagraph): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  for (const change of paragraph.changes) {
    const end = change.kind === "delete" ? change.offset + change.text.length : change.offset;
    const last = groups.at(-1);
    if (last && last.author === change.author && last.end === change.offset) {
      last.end = end;
      last.changes.push(change);
    } else {
      groups.push({ author: change.author, date: change.date, start: change.offset, end, changes: [change] });
    }
  }
  return groups;
}

/**
 * The smallest stretch of the paragraph around [start, end) that occurs exactly once in the
 * section, grown a word at a time on both sides; or why there is none.
 */
export function uniqueContext(
  text: string,
  start: number,
  end: number,
  sectionParagraphs: string[],
): { left: number; right: number } | "notFound" | "ambiguous" {
  let left = start;
  let right = end;
  for (;;) {
    if (right > left) {
      const count = occurrences(sectionParagraphs, text.slice(left, right));
      if (count === 1) return { left, right };
      // More context cannot make a missing text appear.
      if (count === 0) return "notFound";
    }
    const grownLeft = previousWordStart(text, left);
    const grownRight = nextWordEnd(text, right);
    if (grownLeft === left && grownRight === right) return right > left ? "ambiguous" : "notFound";
    left = grownLeft;
    right = grownRight;
  }
}

/** How many times `needle` occurs in the paragraphs (overlaps counted; never across paragraphs), stopping at 2. */
function occurrences(paragraphs: string[], needle: string): number {
  let count = 0;
  for (const paragraph of paragraphs) {
    for (let at = paragraph.indexOf(needle); at >= 0; at = paragraph.indexOf(needle, at + 1)) {
      if (++count > 1) return count;
    }
  }
  return count;
}

function previousWordStart(text: string, index: number): number {
  let at = index;
  while (at > 0 && /\s/.test(text[at - 1]!)) at--;
  while (at > 0 && !/\s/.test(text[at - 1]!)) at--;
  return at;
}

function nextWordEnd(text: string, index: number): number {
  let at = index;
  while (at < text.length && /\s/.test(text[at]!)) at++;
  while (at < text.length && !/\s/.test(text[at]!)) at++;
  return at;
}

function placeComment(
  planId: string,
  comment: ReviewComment,
  paragraphs: ReviewParagraph[],
  sectionOf: (string | null)[],
  sections: Map<string, PlanSectionText>,
  credit: (author: string) => number | null,
): PlacedThread | Unplaced {
  const unplaced = (reason: UnplacedReason): Unplaced => ({ kind: "comment", text: excerpt(comment.text), reason, author: comment.author });
  if (!comment.text) return unplaced("emptyComment");
  if (!comment.start || !comment.end) return unplaced("noPassage");
  const range = withinOneParagraph(comment.start, comment.end, paragraphs);
  const section = sections.get(sectionOf[range.paragraph] ?? "");
  if (!section) return unplaced("sectionUnknown");
  const comments: PlacedComment[] = [comment, ...comment.replies]
    .filter((entry) => entry.text)
    .map((entry) => ({ authorId: credit(entry.author), wordAuthor: entry.author, date: entry.date, text: entry.text }));
  const threadId = `t-w${hash(["comment", planId, section.id, comment.author, comment.date, comment.text]).slice(0, 40)}`;
  const text = paragraphs[range.paragraph]!.text;
  const quote = text.slice(range.from, range.to);
  // A comment on a point (or on text the review inserted) is about the section.
  if (!quote.trim()) return { threadId, sectionId: section.id, passage: null, quote: "", comments };
  const context = uniqueContext(text, range.from, range.to, section.paragraphs);
  if (typeof context === "string") return unplaced(context);
  // The stretch that occurs once, then the quote's place within it.
  const found = findOnce(section.paragraphs, text.slice(context.left, context.right))!;
  const from = found.offset + (range.from - context.left);
  return { threadId, sectionId: section.id, passage: { paragraph: found.paragraph, from, to: from + quote.length }, quote, comments };
}

/** A range over several paragraphs, cut to the part in its first paragraph (or, when that is
 * empty, its last): a thread marks text in one place. */
function withinOneParagraph(
  start: TextPoint,
  end: TextPoint,
  paragraphs: ReviewParagraph[],
): { paragraph: number; from: number; to: number } {
  if (start.paragraph === end.paragraph) return { paragraph: start.paragraph, from: start.offset, to: Math.max(start.offset, end.offset) };
  if (end.paragraph < start.paragraph) return { paragraph: start.paragraph, from: start.offset, to: start.offset };
  const firstLength = paragraphs[start.paragraph]!.text.length;
  if (firstLength > start.offset) return { paragraph: start.paragraph, from: start.offset, to: firstLength };
  return { paragraph: end.paragraph, from: 0, to: end.offset };
}

function findOnce(paragraphs: string[], needle: string): { paragraph: number; offset: number } | null {
  for (const [index, paragraph] of paragraphs.entries()) {
    const offset = paragraph.indexOf(needle);
    if (offset >= 0) return { paragraph: index, offset };
  }
  return null;
}

/**
 * The member a Word author's name is (case and spacing aside; the export writes "Name (ORG)"),
 * if the importer may credit them; else null, and the importer is credited "via Word".
 */
export function attribute(author: string, members: PlanMemberRef[]): number | null {
  const name = normalised(author);
  if (!name) return null;
  const withOrganisation = /^(.*?)\s*\(([^()]*)\)$/.exec(name);
  const candidates = members.filter(
    (member) =>
      normalised(member.name) === name ||
      (withOrganisation && normalised(member.name) === withOrganisation[1] && normalised(member.organisation) === withOrganisation[2]),
  );
  // Two members of one name: the file cannot say which.
  if (candidates.length !== 1 || !candidates[0]!.mayBeCredited) return null;
  return candidates[0]!.id;
}

function normalised(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

function describeChange(deleted: string, inserted: string): string {
  if (deleted && inserted) return `${deleted} → ${inserted}`;
  return inserted ? `+ ${inserted}` : `− ${deleted}`;
}

function excerpt(text: string): string {
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text;
}

function hash(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
