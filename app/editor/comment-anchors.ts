// Comment anchors between the page and the server (docs/comments.md, "Anchors"): the page
// names a passage with Yjs relative positions and its quote; the server checks them against
// its live document and computes the one mark to add. Both read the anchors back from Yjs.
import { Transform } from "@tiptap/pm/transform";
import type { Node as PMNode, Schema } from "@tiptap/pm/model";
import type { EditorState } from "@tiptap/pm/state";
import {
  absolutePositionToRelativePosition,
  initProseMirrorDoc,
  relativePositionToAbsolutePosition,
  updateYFragment,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";
import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import { COMMENT_MARK } from "./comment-mark";
import { PLAN_FRAGMENT } from "./plan-fragment";

/** A passage as the page sends it: base64 of `Y.encodeRelativePosition`, and its text. */
export interface AnchorRequest {
  from: string;
  to: string;
  quote: string;
}

/** The longest passage one comment may quote. */
export const MAX_QUOTE_LENGTH = 5000;

/** The current selection as an anchor request, or null if nothing is selected (browser). */
export function selectionAnchor(state: EditorState): AnchorRequest | null {
  const { from, to } = state.selection;
  if (from === to) return null;
  const sync = ySyncPluginKey.getState(state) as
    { type: Y.XmlFragment; binding: { mapping: Map<unknown, unknown>; isAwaitingContent?: boolean } } | undefined;
  // Until the binding has the plan's state (opening-binding.ts), positions in Yjs cannot be read.
  if (!sync || sync.binding.isAwaitingContent) return null;
  const quote = state.doc.textBetween(from, to, "\n");
  if (!quote.trim()) return null;
  const encode = (pos: number) =>
    toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, sync.type, sync.binding.mapping as never)));
  return { from: encode(from), to: encode(to), quote };
}

export type AnchorRefusal = "unresolvable" | "empty" | "quoteMismatch" | "crossesSections" | "tooLong" | "rateLimited" | "tooLarge";

export type PreparedAnchor = { ok: true; update: Uint8Array; sectionId: string; quote: string } | { ok: false; reason: AnchorRefusal };

/**
 * The Yjs update that adds thread `threadId`'s comment mark to the passage, computed on a
 * copy of `live` under a fresh client id (so the edit is bound to whoever asked for it) and
 * checked to change nothing but comment marks. `live` itself is not touched.
 */
export function prepareCommentMark(live: Y.Doc, schema: Schema, request: AnchorRequest, threadId: string): PreparedAnchor {
  if (request.quote.length > MAX_QUOTE_LENGTH) return { ok: false, reason: "tooLong" };
  let fromPosition: Y.RelativePosition;
  let toPosition: Y.RelativePosition;
  try {
    fromPosition = Y.decodeRelativePosition(fromBase64(request.from));
    toPosition = Y.decodeRelativePosition(fromBase64(request.to));
  } catch {
    return { ok: false, reason: "unresolvable" };
  }
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live));
  const fragment = scratch.getXmlFragment(PLAN_FRAGMENT);
  const { doc: before, meta, mapping } = initProseMirrorDoc(fragment, schema);
  let from: number | null;
  let to: number | null;
  try {
    from = relativePositionToAbsolutePosition(scratch, fragment, fromPosition, mapping);
    to = relativePositionToAbsolutePosition(scratch, fragment, toPosition, mapping);
  } catch {
    return { ok: false, reason: "unresolvable" };
  }
  if (from === null || to === null || from < 0 || to > before.content.size) return { ok: false, reason: "unresolvable" };
  if (from >= to) return { ok: false, reason: "empty" };
  const $from = before.resolve(from);
  const $to = before.resolve(to);
  if ($from.depth < 1 || $to.depth < 1 || $from.node(1) !== $to.node(1)) return { ok: false, reason: "crossesSections" };
  const quote = before.textBetween(from, to, "\n");
  if (quote !== request.quote) return { ok: false, reason: "quoteMismatch" };
  if (!quote.trim()) return { ok: false, reason: "empty" };

  const marked = new Transform(before).addMark(from, to, schema.marks[COMMENT_MARK]!.create({ threadId })).doc;
  const updates: Uint8Array[] = [];
  let onlyCommentFormatting = true;
  scratch.on("update", (update: Uint8Array) => updates.push(update));
  scratch.on("afterTransaction", (transaction: Y.Transaction) => {
    onlyCommentFormatting &&= changesOnlyCommentFormatting(transaction);
  });
  scratch.transact(() => updateYFragment(scratch, fragment, marked, meta));
  const isMarked = commentAnchorsIn(scratch).has(threadId);
  scratch.destroy();
  // The binding's diff also writes back element attributes and text it reads differently
  // (anything a hostile client put outside the schema): then this path makes no change.
  if (!onlyCommentFormatting || !isMarked) return { ok: false, reason: "unresolvable" };
  return { ok: true, update: Y.mergeUpdates(updates), sectionId: $from.node(1).attrs.id as string, quote };
}

const isCommentKey = (key: string) => key === COMMENT_MARK || key.startsWith(`${COMMENT_MARK}--`);

/** Whether a transaction added and removed nothing but comment formatting in Y.XmlTexts. */
function changesOnlyCommentFormatting(transaction: Y.Transaction): boolean {
  const isCommentFormat = (item: Y.Item) => item.content instanceof Y.ContentFormat && isCommentKey(item.content.key);
  let ok = true;
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item) || !isCommentFormat(struct)) ok = false;
  });
  for (const [client, clock] of transaction.afterState) {
    const start = transaction.beforeState.get(client) ?? 0;
    if (clock <= start) continue;
    for (const struct of transaction.doc.store.clients.get(client) ?? []) {
      if (struct.id.clock + struct.length <= start) continue;
      if (!(struct instanceof Y.Item) || !isCommentFormat(struct) || !(struct.parent instanceof Y.XmlText)) ok = false;
    }
  }
  return ok;
}

export interface AnchorPlace {
  /** The section its text is in now. */
  sectionId: string;
  /** The text it marks now. */
  text: string;
}

/** Every thread whose mark is in the document, with where it is (read off the Yjs tree). */
export function commentAnchorsIn(doc: Y.Doc): Map<string, AnchorPlace> {
  const anchors = new Map<string, AnchorPlace>();
  const visit = (node: Y.XmlElement | Y.XmlText, sectionId: string) => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert?: unknown; attributes?: Record<string, unknown> }[]) {
        if (!op.attributes || typeof op.insert !== "string") continue;
        for (const [key, value] of Object.entries(op.attributes)) {
          if (key !== COMMENT_MARK && !key.startsWith(`${COMMENT_MARK}--`)) continue;
          const threadId = (value as { threadId?: unknown } | null)?.threadId;
          if (typeof threadId !== "string") continue;
          const place = anchors.get(threadId);
          if (place) place.text += op.insert;
          else anchors.set(threadId, { sectionId, text: op.insert });
        }
      }
      return;
    }
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) visit(child, sectionId);
    }
  };
  for (const node of doc.getXmlFragment(PLAN_FRAGMENT).toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== "section") continue;
    const id = node.getAttribute("id");
    if (typeof id === "string") visit(node, id);
  }
  return anchors;
}

/** Anchors as stored beside a compacted state (plan_documents.comment_anchors). */
export function encodeCommentAnchors(anchors: Map<string, AnchorPlace>): string {
  return JSON.stringify([...anchors].map(([threadId, { sectionId, text }]) => [threadId, sectionId, text]));
}

/** What encodeCommentAnchors wrote; null for anything else (the document is read instead). */
export function decodeCommentAnchors(json: string): Map<string, AnchorPlace> | null {
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(entries)) return null;
  const anchors = new Map<string, AnchorPlace>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 3 || !entry.every((part) => typeof part === "string")) return null;
    const [threadId, sectionId, text] = entry as [string, string, string];
    anchors.set(threadId, { sectionId, text });
  }
  return anchors;
}

/** The comment threads marked at a position of the editor's document (browser). */
export function threadIdsAt(doc: PMNode, pos: number): string[] {
  const $pos = doc.resolve(pos);
  const marks = [...($pos.nodeAfter?.marks ?? []), ...($pos.nodeBefore?.marks ?? [])];
  return [...new Set(marks.filter((m) => m.type.name === COMMENT_MARK).map((m) => m.attrs.threadId as string))];
}
