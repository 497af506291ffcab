// The shapes of docs/versions.md, shared by the compare engine (compare.server.ts), the JSON
// API and the history pages. Types only and browser-safe: the history components import
// these, never a *.server.ts file.
import type { ActionColumn } from "../editor/action-matrix";

/** Who wrote, deleted or saved something: name and organisation, never the email address
 * (every member reads versions and compares). */
export interface Person {
  id: number;
  name: string;
  organisation: string;
}

export interface Version {
  id: number;
  /** A checkpoint's is "": pages show "Automatic checkpoint". */
  name: string;
  kind: "named" | "checkpoint";
  note: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Who saved a named version. */
  createdBy: Person | null;
  /** Who edited since the previous version. */
  authors: Person[];
}

export interface SectionDetail {
  id: string;
  title: string;
  status: "draft" | "in_review" | "approved";
  /** Organisation short name. */
  lead: string | null;
  /** Person's name. */
  assignee: string | null;
  /** YYYY-MM-DD. */
  dueDate: string | null;
}

export interface VersionDetail extends Version {
  /** The plan's plain text, blocks separated by newlines. */
  text: string;
  sections: (SectionDetail & { text: string })[];
  /** Base64 of the full Yjs state: the page opens it in a Y.Doc of its own. */
  state: string;
}

/** A run of text: unchanged, or inserted or deleted by `author` (null: unknown or the server),
 * with its formatting on its side (the older for a deletion); `marks` is absent for plain text. */
export interface Part {
  type: "equal" | "insert" | "delete";
  text: string;
  author: Person | null;
  marks?: PartMarks;
  /** Set when the change is an accepted suggestion (`author` is its suggester): who accepted
   * it, null when that is not known (docs/suggestions.md). */
  acceptedBy?: Person | null;
}

/** The inline formatting a compare view and the Word redline keep: these marks only, and a
 * link's address only if it is a safe one (http, https, mailto), already normalised. */
export interface PartMarks {
  link?: string;
  bold?: true;
  italic?: true;
  underline?: true;
  strike?: true;
  code?: true;
}

/** One paragraph (or other text block) of a section, or one changed cell of an action matrix. */
export interface ComparedBlock {
  kind: "text" | "matrixCell";
  /** For a matrix cell: its table (from 1, only where the section has more than one), row
   * (from 1) and column, which the page and the Word file name in the reader's language
   * ("Row 2 · Target", "Table 2, row 1 · Target"); null for text. */
  cell: { table: number | null; row: number; column: ActionColumn } | null;
  /** How the block reads in the newer text (the older, if it was removed): absent for a plain
   * paragraph or a cell. */
  style?: BlockStyle;
  parts: Part[];
}

/** A list item of an ordered list has its `number` (from the list's `start`) on its first
 * paragraph; further paragraphs of the item have none. */
export type BlockStyle = { kind: "heading"; level: number } | { kind: "listItem"; ordered: boolean; number?: number };

/**
 * One section of the redline. Its title is not among the blocks: a new title shows as
 * `titleFrom` ≠ `titleTo` (and in `sectionsRenamed`). "changed" means its text or its title
 * changed. Text blocks are all there (unchanged ones as one "equal" part); of an action
 * matrix, only the cells that changed.
 */
export interface ComparedSection {
  id: string;
  state: "added" | "removed" | "changed" | "unchanged";
  moved: boolean;
  titleFrom: string | null;
  titleTo: string | null;
  /** The title as runs: one "equal" part when it is unchanged; who inserted and who deleted
   * each word of a new title; all inserted (deleted) for a section added (removed). */
  titleParts: Part[];
  blocks: ComparedBlock[];
}

export interface Comparison {
  from: { id: number; name: string; createdAt: number };
  to: { id: number | "current"; name: string; createdAt: number };
  summary: {
    sectionsAdded: string[];
    sectionsRemoved: string[];
    sectionsChanged: string[];
    sectionsMoved: string[];
    sectionsRenamed: { sectionId: string; from: string; to: string }[];
    /** Words (not spaces or punctuation) in the inserted and deleted runs; titles not counted. */
    wordsAdded: number;
    wordsRemoved: number;
    bySection: { sectionId: string; title: string; wordsAdded: number; wordsRemoved: number }[];
    byPerson: { person: Person | null; wordsAdded: number; wordsRemoved: number }[];
    statusChanges: { sectionId: string; title: string; from: string; to: string }[];
    detailChanges: { sectionId: string; title: string; field: "lead" | "assignee" | "dueDate"; from: string | null; to: string | null }[];
  };
  /** Every inserted or deleted run, in document order. */
  changes: { sectionId: string; type: "insert" | "delete"; text: string; author: Person | null }[];
  /** The redline, section by section in the newer order (removed sections where they were). */
  sections: ComparedSection[];
}

/** What others changed in a plan since a person last left it (GET /api/plans/:planId/since-last-visit). */
export interface SinceLastVisit {
  /** When they last left the plan (ms since the epoch). */
  seenAt: number;
  /** Runs inserted or deleted by others, as the compare counts them. */
  changes: number;
  /** Who made them, most words first (an unattributed change names nobody). */
  people: Person[];
  /** Where, in the order of the text now (a removed section where it was). */
  sections: { id: string; title: string }[];
  /** The compare of the text as they last saw it with the text now. */
  compareUrl: string;
}
