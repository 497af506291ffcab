// A saved version's full Yjs state as editor content, read in a Y.Doc of its own that is
// thrown away at once: a version is never bound to the live document.
import { getSchema, type JSONContent } from "@tiptap/core";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { fromBase64 } from "lib0/buffer";
import * as Y from "yjs";
import { planExtensions } from "../../editor/extensions";
import { PLAN_FRAGMENT } from "../../editor/plan-fragment";
import { repairDocument } from "../../editor/schema-check";

let schema: ReturnType<typeof getSchema> | undefined;

/** The version's document as ProseMirror JSON; throws when the state cannot be read. */
export function versionContent(state: string): JSONContent {
  schema ??= getSchema(planExtensions());
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, fromBase64(state));
    // A version kept before the server checked every update may hold what the schema cannot.
    repairDocument(doc, doc.getXmlFragment(PLAN_FRAGMENT), schema);
    return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), schema).toJSON() as JSONContent;
  } finally {
    doc.destroy();
  }
}
