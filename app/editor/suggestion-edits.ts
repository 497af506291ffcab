// Suggestions the server writes into the plan document (docs/suggestions.md, "Data and API"):
// a proposed replacement for a person (the API, the Word import), and the acceptance or
// rejection of suggestions. Computed like comment marks (comment-anchors.ts): on a copy of the
// live document, with ProseMirror, written back with the binding's own diff, and checked to
// change only what it should before the update is handed back. `live` is never touched.
import type { Mark as PMMark, Node as PMNode, Schema } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";
import { initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { PLAN_FRAGMENT } from "./plan-fragment";
import {
  deleteMarksOf,
  insertMarkOf,
  isSuggestionMark,
  SUGGESTION_DELETE,
  SUGGESTION_INSERT,
  suggestionsInDocument,
  type SuggestionAttrs,
  type SuggestionInDocument,
} from "./suggestion-marks";

/** The longest text one suggestion may find or propose. */
export const MAX_SUGGESTION_TEXT = 5000;

export interface SuggestionEditRequest {
  sectionId: string;
  /** Text of the section as accepted (others' open insertions left out), within one block. */
  find: string;
  /** What it becomes; "" proposes deleting it. */
  replaceWith: string;
  authorId: number;
  suggestionId: string;
}

export type SuggestionEditRefusal = "noSuchSection" | "notFound" | "ambiguous" | "noChange" | "tooLong" | "unresolvable";

export type PreparedSuggestionEdit =
  { ok: true; update: Uint8Array; suggestion: SuggestionInDocument } | { ok: false; reason: SuggestionEditRefusal };

/** One character of a textblock's accepted text, and where it is in the document. */
interface AcceptedChar {
  char: string;
  pos: number;
  marks: readonly PMMark[];
}

/**
 * The update that proposes replacing the one occurrence of `find` in the section with
 * `replaceWith`: what both share at their start and end stays untouched; the rest of the old
 * words get a `suggestionDelete` mark and the new words are inserted right after them with a
 * `suggestionInsert` mark, both carrying `suggestionId` and `authorId`.
 */
export function prepareSuggestionEdit(live: Y.Doc, schema: Schema, request: SuggestionEditRequest): PreparedSuggestionEdit {
  const { find, replaceWith } = request;
  if (find.length > MAX_SUGGESTION_TEXT || replaceWith.length > MAX_SUGGESTION_TEXT) return { ok: false, reason: "tooLong" };
  if (find === replaceWith) return { ok: false, reason: "noChange" };
  if (!find || find.includes("\n")) return { ok: false, reason: "notFound" };

  const scratch = copyOf(live);
  const fragment = scratch.getXmlFragment(PLAN_FRAGMENT);
  const { doc: before, meta } = initProseMirrorDoc(fragment, schema);
  const section = sectionAt(before, request.sectionId);
  if (!section) return done(scratch, { ok: false, reason: "noSuchSection" });

  const matches: AcceptedChar[][] = [];
  section.node.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    const chars = acceptedChars(node, section.offset + 1 + pos + 1);
    const text = chars.map((c) => c.char).join("");
    for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + 1)) matches.push(chars.slice(at, at + find.length));
    return false;
  });
  if (matches.length === 0) return done(scratch, { ok: false, reason: "notFound" });
  if (matches.length > 1) return done(scratch, { ok: false, reason: "ambiguous" });
  const found = matches[0]!;

  const prefix = commonPrefixLength(find, replaceWith);
  const suffix = commonSuffixLength(find, replaceWith, prefix);
  const struck = found.slice(prefix, find.length - suffix);
  const added = replaceWith.slice(prefix, replaceWith.length - suffix);
  const attrs: SuggestionAttrs = { id: request.suggestionId, authorId: request.authorId };

  const transform = new Transform(before);
  for (const run of contiguousRuns(struck)) transform.addMark(run.from, run.to, schema.marks[SUGGESTION_DELETE]!.create(attrs));
  if (added) {
    // Right after the old words (or after the shared start): the new words take the formatting
    // of the character before them, as typing there would.
    const charBefore = struck.at(-1) ?? found[prefix - 1];
    const insertAt = charBefore ? charBefore.pos + 1 : found[prefix]!.pos;
    const neighbour = charBefore ?? found[prefix]!;
    const marks = [...neighbour.marks.filter((mark) => !isSuggestionMark(mark)), schema.marks[SUGGESTION_INSERT]!.create(attrs)];
    transform.insert(insertAt, schema.text(added, marks));
  }

  const result = writeBack(scratch, fragment, transform.doc, meta);
  const suggestion = suggestionsInDocument(result.after).find((entry) => entry.id === request.suggestionId);
  // Only suggestion formatting and the new words: no text of anyone's went, the accepted text
  // is as it was, every other suggestion is as it was.
  const isAsComputed =
    result.after.eq(transform.doc) &&
    result.deletedTextLength === 0 &&
    result.insertedTextLength === added.length &&
    result.onlyTextAndFormatting &&
    acceptedText(result.after) === acceptedText(before) &&
    sameSuggestions(before, result.after, new Set([request.suggestionId]));
  if (!isAsComputed || !suggestion) return done(scratch, { ok: false, reason: "unresolvable" });
  return done(scratch, { ok: true, update: result.update, suggestion });
}

/** Which suggestions to resolve: by id, or every one in a section, or by these authors. */
export type SuggestionSelection = { ids: string[] } | { sectionId: string } | { authorIds: number[] };

export type SuggestionResolution = "accept" | "reject";

export type PreparedResolution =
  | { ok: true; update: Uint8Array; resolved: SuggestionInDocument[] }
  /** outdated: none of the selected suggestions has marks left in the document. */
  | { ok: false; reason: "outdated" | "unresolvable" };

/**
 * The update that accepts or rejects the selected suggestions. Accepting takes their insert
 * marks off (the words stay) and deletes the words under their delete marks; rejecting deletes
 * their inserted words and takes their delete marks off. Nothing else changes: everyone's
 * other edits in the paragraph, and other suggestions' marks, stay.
 */
export function prepareSuggestionResolution(
  live: Y.Doc,
  schema: Schema,
  selection: SuggestionSelection,
  resolution: SuggestionResolution,
): PreparedResolution {
  const scratch = copyOf(live);
  const fragment = scratch.getXmlFragment(PLAN_FRAGMENT);
  const { doc: before, meta } = initProseMirrorDoc(fragment, schema);
  const resolved = suggestionsInDocument(before).filter((entry) => isSelected(entry, selection));
  if (resolved.length === 0) return done(scratch, { ok: false, reason: "outdated" });
  const ids = new Set(resolved.map((entry) => entry.id));

  const marksOff: { from: number; to: number; mark: PMMark }[] = [];
  const textOut: { from: number; to: number }[] = [];
  before.descendants((node, pos) => {
    if (!node.isText) return true;
    const range = { from: pos, to: pos + node.nodeSize };
    const insert = insertMarkOf(node);
    const isInsertedHere = insert !== undefined && ids.has((insert.attrs as SuggestionAttrs).id);
    const deletes = deleteMarksOf(node).filter((mark) => ids.has((mark.attrs as SuggestionAttrs).id));
    const goes = resolution === "accept" ? deletes.length > 0 : isInsertedHere;
    if (goes) textOut.push(range);
    else if (resolution === "accept" && isInsertedHere) marksOff.push({ ...range, mark: insert });
    else if (resolution === "reject") for (const mark of deletes) marksOff.push({ ...range, mark });
    return false;
  });

  const transform = new Transform(before);
  for (const { from, to, mark } of marksOff) transform.removeMark(from, to, mark);
  // From the end, so earlier positions hold.
  for (const { from, to } of mergeRanges(textOut).reverse()) transform.delete(from, to);
  const expectedDeletion = mergeRanges(textOut).reduce((sum, range) => sum + range.to - range.from, 0);

  const result = writeBack(scratch, fragment, transform.doc, meta);
  const isAsComputed =
    result.after.eq(transform.doc) &&
    result.deletedTextLength === expectedDeletion &&
    result.insertedTextLength === 0 &&
    result.onlyTextAndFormatting &&
    // Others' marks may lose words the accepted change took out, never anything else: the
    // transform touched only the selected marks and the text under them.
    suggestionsInDocument(result.after).every((entry) => !ids.has(entry.id));
  if (!isAsComputed) return done(scratch, { ok: false, reason: "unresolvable" });
  return done(scratch, { ok: true, update: result.update, resolved });
}

function isSelected(entry: SuggestionInDocument, selection: SuggestionSelection): boolean {
  if ("ids" in selection) return selection.ids.includes(entry.id);
  if ("sectionId" in selection) return entry.sectionId === selection.sectionId;
  return selection.authorIds.includes(entry.authorId);
}

function copyOf(live: Y.Doc): Y.Doc {
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live));
  return scratch;
}

function done<T>(scratch: Y.Doc, answer: T): T {
  scratch.destroy();
  return answer;
}

function sectionAt(doc: PMNode, sectionId: string): { node: PMNode; offset: number } | undefined {
  let found: { node: PMNode; offset: number } | undefined;
  doc.forEach((node, offset) => {
    if (!found && node.type.name === "section" && node.attrs.id === sectionId) found = { node, offset };
  });
  return found;
}

/** A textblock's characters as accepted: text proposed for insertion is left out; anything
 * that is not text (a line break) is a character no `find` can match. */
function acceptedChars(textblock: PMNode, contentStart: number): AcceptedChar[] {
  const chars: AcceptedChar[] = [];
  textblock.forEach((child, offset) => {
    const pos = contentStart + offset;
    if (!child.isText) {
      chars.push({ char: "\uFFFC", pos, marks: child.marks });
      return;
    }
    if (insertMarkOf(child)) return;
    const text = child.text ?? "";
    for (let i = 0; i < text.length; i++) chars.push({ char: text[i]!, pos: pos + i, marks: child.marks });
  });
  return chars;
}

/** Document ranges of characters that follow each other (others' insertions between them split
 * a run: they are not part of what is struck). */
function contiguousRuns(chars: AcceptedChar[]): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  for (const { pos } of chars) {
    const last = runs.at(-1);
    if (last && last.to === pos) last.to = pos + 1;
    else runs.push({ from: pos, to: pos + 1 });
  }
  return runs;
}

function mergeRanges(ranges: { from: number; to: number }[]): { from: number; to: number }[] {
  const merged: { from: number; to: number }[] = [];
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = merged.at(-1);
    if (last && last.to >= range.from) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);

/** How many characters both start with, ending between words ("understands" → "defines"
 * changes the whole word, not "understand" into "define"). */
function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  while (length > 0 && isWordChar(a[length - 1]) && (isWordChar(a[length]) || isWordChar(b[length]))) length--;
  return length;
}

/** How many characters both end with after their shared start, beginning between words. */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  let length = 0;
  while (length < a.length - prefix && length < b.length - prefix && a[a.length - 1 - length] === b[b.length - 1 - length]) length++;
  while (length > 0 && isWordChar(a[a.length - length]) && (isWordChar(a[a.length - length - 1]) || isWordChar(b[b.length - length - 1])))
    length--;
  return length;
}

/** The accepted text with its formatting, to compare two documents by (however the text
 * nodes are split: formatting is written where it changes). */
function acceptedText(doc: PMNode): string {
  let text = "";
  let lastMarks = "";
  doc.descendants((node) => {
    if (node.isText && !insertMarkOf(node)) {
      const marks = JSON.stringify(node.marks.filter((mark) => !isSuggestionMark(mark)).map((mark) => mark.toJSON()));
      if (marks !== lastMarks) text += `\u0000${marks}\u0000`;
      lastMarks = marks;
      text += node.text;
    } else if (!node.isText) {
      text += `\u0000<${node.type.name} ${JSON.stringify(node.attrs)}>\u0000`;
      lastMarks = "";
    }
    return true;
  });
  return text;
}

/** Whether every suggestion but `except` proposes the same words in both documents. */
function sameSuggestions(before: PMNode, after: PMNode, except: Set<string>): boolean {
  const describe = (doc: PMNode) =>
    JSON.stringify(
      suggestionsInDocument(doc)
        .filter((entry) => !except.has(entry.id))
        .map(({ id, authorId, sectionId, inserted, deleted }) => [id, authorId, sectionId, inserted, deleted]),
    );
  return describe(before) === describe(after);
}

interface WrittenBack {
  update: Uint8Array;
  /** The document as the scratch copy reads now. */
  after: PMNode;
  insertedTextLength: number;
  deletedTextLength: number;
  /** Whether the transaction added only text and formatting inside texts, and removed only
   * text and formatting (no elements, no element attributes). */
  onlyTextAndFormatting: boolean;
}

/** Writes `target` into the scratch document with the binding's diff and says what it did. */
function writeBack(scratch: Y.Doc, fragment: Y.XmlFragment, target: PMNode, meta: Parameters<typeof updateYFragment>[3]): WrittenBack {
  const updates: Uint8Array[] = [];
  let insertedTextLength = 0;
  let deletedTextLength = 0;
  let onlyTextAndFormatting = true;
  const onUpdate = (update: Uint8Array) => updates.push(update);
  const onTransaction = (transaction: Y.Transaction) => {
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item)) return;
      if (struct.content instanceof Y.ContentString) deletedTextLength += struct.length;
      else if (!(struct.content instanceof Y.ContentFormat)) onlyTextAndFormatting = false;
    });
    for (const [client, clock] of transaction.afterState) {
      const start = transaction.beforeState.get(client) ?? 0;
      if (clock <= start) continue;
      for (const struct of transaction.doc.store.clients.get(client) ?? []) {
        if (struct.id.clock + struct.length <= start) continue;
        const isInText = struct instanceof Y.Item && struct.parent instanceof Y.XmlText && struct.parentSub === null;
        if (isInText && struct.content instanceof Y.ContentString) {
          if (!struct.deleted) insertedTextLength += struct.length;
        } else if (!isInText || !(struct.content instanceof Y.ContentFormat)) {
          onlyTextAndFormatting = false;
        }
      }
    }
  };
  scratch.on("update", onUpdate);
  scratch.on("afterTransaction", onTransaction);
  scratch.transact(() => updateYFragment(scratch, fragment, target, meta));
  scratch.off("update", onUpdate);
  scratch.off("afterTransaction", onTransaction);
  const after = initProseMirrorDoc(fragment, target.type.schema).doc;
  return { update: Y.mergeUpdates(updates), after, insertedTextLength, deletedTextLength, onlyTextAndFormatting };
}

/** What the server's `suggestText` service takes (the API, the Word import). */
export interface SuggestTextInput {
  sectionId: string;
  find: string;
  replaceWith: string;
  /** The Word import's key for one tracked change: a second import of it adds nothing. */
  importKey?: string;
  /** A reviewed Word file's author who is not a member ("via Word: <name>"). */
  wordAuthor?: string;
}

export type SuggestTextResult =
  | { ok: true; id: string }
  | { ok: false; reason: SuggestionEditRefusal | "rateLimited" | "tooLarge" }
  /** This import key made suggestion `id` already. */
  | { ok: false; reason: "alreadyImported"; id: string };

/** Which suggestions a resolution is for: by id, in a section, from a person or an organisation. */
export type SuggestionTarget = { ids: string[] } | { sectionId: string } | { authorId: number } | { organisationId: number };

export type ResolveSuggestionsResult =
  { ok: true; ids: string[] } | { ok: false; reason: "outdated" | "unresolvable" | "rateLimited" | "tooLarge" };
