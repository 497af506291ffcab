// What a page opens a plan from before it has the Yjs state applied (docs/architecture.md,
// "Opening a plan"): the compacted state and its document as ProseMirror JSON, stored beside it
// (plan_documents.content, migration 0013). The page shows and edits the JSON's document at once,
// applies the state when it has painted, and its socket then brings only what came after.
import { promisify } from "node:util";
import zlib from "node:zlib";
import type * as Y from "yjs";
import { getDb } from "../../db";
import { planRoot } from "../editor/document.server";
import { encodeOpening } from "../collab/opening";
import { errorFields, log } from "../utils/log.server";
import { toBytes } from "./plan-document.server";

const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

/**
 * The stored form of `doc`'s document (as the browser's binding would build it from the state),
 * or no bytes when the binding cannot read it (content stored before the server checked every
 * update): the plan then opens through its socket, as one without an opening does, and the
 * empty column says it was tried.
 */
export async function encodeOpeningContent(doc: Y.Doc): Promise<Uint8Array> {
  let json: string;
  try {
    json = JSON.stringify(planRoot(doc).toJSON());
  } catch (error) {
    log.warn("a plan's state has no opening: its document could not be read", errorFields(error));
    return new Uint8Array(0);
  }
  return new Uint8Array(await deflate(json));
}

/** The plan's opening (encodeOpening's format), or null when its state has no stored content. */
export async function loadPlanOpening(planId: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const stored = await getDb()
    .selectFrom("plan_documents")
    .select(["state", "content"])
    .where("plan_id", "=", planId)
    .where("content", "is not", null)
    .executeTakeFirst();
  if (!stored?.content?.byteLength) return null;
  return encodeOpening(new Uint8Array(await inflate(toBytes(stored.content))), toBytes(stored.state));
}
