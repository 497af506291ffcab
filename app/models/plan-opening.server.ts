// What a page opens a plan from before it has the Yjs state applied (docs/architecture.md,
// "Opening a plan"): the compacted state and its document as ProseMirror JSON, stored beside it
// (plan_documents.content, migration 0013). The page shows and edits the JSON's document at once,
// applies the state when it has painted, and its socket then brings only what came after.
import { promisify } from "node:util";
import zlib from "node:zlib";
import type * as Y from "yjs";
import { getDb } from "../../db";
import type { Node as PMNode } from "@tiptap/pm/model";
import { planRoot } from "../editor/document.server";
import { suggestionsInDocument } from "../editor/suggestion-marks";
import { encodeOpening } from "../collab/opening";
import { errorFields, log } from "../utils/log.server";
import { toBytes } from "./plan-document.server";

const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

/**
 * What is stored beside a compacted state from its document: the document as the browser's
 * binding would build it from the state (`content`), and the suggestions in it. When the binding
 * cannot read the document (content stored before the server checked every update), `content`
 * has no bytes (it was tried: the plan opens through its socket, as one without an opening does)
 * and the suggestions are read off the live document as before. Reading changes nothing: the
 * binding leaves out what it cannot show, never deletes it (the y-tiptap patch), so the browser
 * given this state writes nothing either (docs/security.md, "Forged content").
 */
export async function openingColumns(doc: Y.Doc): Promise<{ content: Uint8Array; suggestions: string | null }> {
  let root: PMNode;
  try {
    root = planRoot(doc);
  } catch (error) {
    log.warn("a plan's state has no opening: its document could not be read", errorFields(error));
    return { content: new Uint8Array(0), suggestions: null };
  }
  return {
    content: new Uint8Array(await deflate(JSON.stringify(root.toJSON()))),
    suggestions: JSON.stringify(suggestionsInDocument(root)),
  };
}

/** The plan's opening (encodeOpening's format), or null when its state has no stored content. */
export async function loadPlanOpening(planId: string): Promise<Uint8Array<ArrayBuffer> | null> {
  // Only once the server has checked the plan's stored content (migration 0006): what it stored
  // before is served through the socket, repaired first.
  const stored = await getDb()
    .selectFrom("plan_documents")
    .innerJoin("plans", "plans.id", "plan_documents.plan_id")
    .select(["plan_documents.state", "plan_documents.content"])
    .where("plan_documents.plan_id", "=", planId)
    .where("plan_documents.content", "is not", null)
    .where("plans.content_checked_at", "is not", null)
    .executeTakeFirst();
  if (!stored?.content?.byteLength) return null;
  return encodeOpening(new Uint8Array(await inflate(toBytes(stored.content))), toBytes(stored.state));
}
