// Suggestions (tracked changes, docs/suggestions.md): two marks in the plan document. Text a
// person proposes to add carries `suggestionInsert`; text they propose to take out stays in the
// document with `suggestionDelete`. Both name the suggestion (one id for a replacement's two
// halves) and its author's account. Marks, like comment anchors, travel with their characters
// through everyone's concurrent edits, and the server checks each one a client writes
// (server/collab/suggestion-gate.ts): a suggester may write only marks with their own id.
import { Mark, mergeAttributes } from "@tiptap/core";
import type { Mark as PMMark, Node as PMNode } from "@tiptap/pm/model";
import { Fragment } from "@tiptap/pm/model";

export const SUGGESTION_INSERT = "suggestionInsert";
export const SUGGESTION_DELETE = "suggestionDelete";

export interface SuggestionAttrs {
  /** The suggestion's id: `g-` and 12 letters or digits, made by the suggester's browser. */
  id: string;
  /** The account that suggested it. */
  authorId: number;
}

export function newSuggestionId(): string {
  return `g-${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

export const SUGGESTION_ID_PATTERN = /^g-[a-z0-9]{12}$/;

const suggestionAttributes = () => ({
  id: {
    default: null,
    parseHTML: (element: HTMLElement) => element.getAttribute("data-suggestion-id"),
    renderHTML: (attributes: Record<string, unknown>) => ({ "data-suggestion-id": attributes.id }),
  },
  authorId: {
    default: null,
    parseHTML: (element: HTMLElement) => Number(element.getAttribute("data-author-id")) || null,
    renderHTML: (attributes: Record<string, unknown>) => ({ "data-author-id": attributes.authorId }),
  },
});

export const SuggestionInsertMark = Mark.create({
  name: SUGGESTION_INSERT,
  // Typing next to a suggestion, even one's own, does not join it by itself: the suggesting
  // plugin decides which suggestion typed text belongs to, and an editor's typing stays theirs.
  inclusive: false,
  keepOnSplit: true,
  spanning: true,
  addAttributes: suggestionAttributes,
  parseHTML() {
    return [{ tag: "ins[data-suggestion-id]" }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["ins", mergeAttributes(HTMLAttributes, { class: "suggestion suggestion-insert" }), 0];
  },
});

export const SuggestionDeleteMark = Mark.create({
  name: SUGGESTION_DELETE,
  // Two people may propose to delete the same words: both suggestions keep their mark
  // (y-tiptap then stores each as `suggestionDelete--<hash>`).
  excludes: "",
  inclusive: false,
  keepOnSplit: true,
  spanning: true,
  addAttributes: suggestionAttributes,
  parseHTML() {
    return [{ tag: "del[data-suggestion-id]" }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["del", mergeAttributes(HTMLAttributes, { class: "suggestion suggestion-delete" }), 0];
  },
});

export function isSuggestionMark(mark: PMMark): boolean {
  return mark.type.name === SUGGESTION_INSERT || mark.type.name === SUGGESTION_DELETE;
}

/** Whether a Yjs formatting key is a suggestion mark (`name` or `name--hash`). */
export function isSuggestionKey(key: string): boolean {
  return (
    key === SUGGESTION_INSERT ||
    key === SUGGESTION_DELETE ||
    key.startsWith(`${SUGGESTION_INSERT}--`) ||
    key.startsWith(`${SUGGESTION_DELETE}--`)
  );
}

/** The suggestion insert mark on a text node, if any. */
export function insertMarkOf(node: PMNode): PMMark | undefined {
  return node.marks.find((mark) => mark.type.name === SUGGESTION_INSERT);
}

/** The suggestion delete marks on a text node (several people may propose the same deletion). */
export function deleteMarksOf(node: PMNode): PMMark[] {
  return node.marks.filter((mark) => mark.type.name === SUGGESTION_DELETE);
}

/**
 * The text as accepted, without open suggestions: what versions' readers, compare, Markdown,
 * print and the actions CSV show. Proposed insertions are left out, proposed deletions are
 * still there (unmarked).
 */
export function acceptedDocument(doc: PMNode): PMNode {
  return withoutOpenSuggestions(doc, "reject");
}

/** The text as it would be if every open suggestion were accepted (Word's "Accept all"). */
export function allAcceptedDocument(doc: PMNode): PMNode {
  return withoutOpenSuggestions(doc, "accept");
}

function withoutOpenSuggestions(doc: PMNode, resolution: "accept" | "reject"): PMNode {
  if (!hasSuggestions(doc)) return doc;
  const rewrite = (node: PMNode): PMNode => {
    const children: PMNode[] = [];
    node.forEach((child) => {
      if (child.isText) {
        const inserted = insertMarkOf(child) !== undefined;
        const deleted = deleteMarksOf(child).length > 0;
        if (resolution === "reject" && inserted) return;
        if (resolution === "accept" && deleted) return;
        children.push(child.mark(child.marks.filter((mark) => !isSuggestionMark(mark))));
      } else if (child.isLeaf) {
        children.push(child);
      } else {
        children.push(rewrite(child));
      }
    });
    return node.copy(Fragment.fromArray(children));
  };
  return rewrite(doc);
}

export function hasSuggestions(doc: PMNode): boolean {
  let found = false;
  doc.descendants((node) => {
    if (found) return false;
    if (node.isText && node.marks.some(isSuggestionMark)) found = true;
    return !node.isText;
  });
  return found;
}

/** What one suggestion proposes, read off the document. */
export interface SuggestionInDocument {
  id: string;
  authorId: number;
  /** The section its first mark is in. */
  sectionId: string;
  /** Proposed new text, and text proposed for deletion, in document order (runs joined by a space
   * when they are apart). */
  inserted: string;
  deleted: string;
  /** Where its marks start and end in the document (ProseMirror positions). */
  from: number;
  to: number;
}

/** Every suggestion in the document, in order of first appearance. */
export function suggestionsInDocument(doc: PMNode): SuggestionInDocument[] {
  const found = new Map<string, SuggestionInDocument & { lastInsertEnd: number; lastDeleteEnd: number }>();
  doc.forEach((section, sectionOffset) => {
    const sectionId = String(section.attrs.id ?? "");
    section.descendants((node, pos) => {
      if (!node.isText) return true;
      const from = sectionOffset + 1 + pos;
      const to = from + node.nodeSize;
      for (const mark of node.marks) {
        if (!isSuggestionMark(mark)) continue;
        const { id, authorId } = mark.attrs as SuggestionAttrs;
        let entry = found.get(id);
        if (!entry) {
          entry = { id, authorId, sectionId, inserted: "", deleted: "", from, to, lastInsertEnd: -1, lastDeleteEnd: -1 };
          found.set(id, entry);
        }
        entry.to = Math.max(entry.to, to);
        const text = node.text ?? "";
        if (mark.type.name === SUGGESTION_INSERT) {
          entry.inserted += (entry.inserted && entry.lastInsertEnd !== from ? " " : "") + text;
          entry.lastInsertEnd = to;
        } else {
          entry.deleted += (entry.deleted && entry.lastDeleteEnd !== from ? " " : "") + text;
          entry.lastDeleteEnd = to;
        }
      }
      return false;
    });
  });
  return [...found.values()].map(({ lastInsertEnd: _i, lastDeleteEnd: _d, ...entry }) => entry);
}
