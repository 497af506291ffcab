// Building and reading plan documents on the server with the editor's own schema.
import { getSchema, type JSONContent } from "@tiptap/core";
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import type { Node as PMNode } from "@tiptap/pm/model";
import * as Y from "yjs";
import { planExtensions } from "./extensions";
import { repairDocument } from "./schema-check";
import { acceptedDocument, SUGGESTION_INSERT } from "./suggestion-marks";

import { PLAN_FRAGMENT } from "./plan-fragment";

export { PLAN_FRAGMENT };

let schema: ReturnType<typeof getSchema> | undefined;
export function planSchema() {
  schema ??= getSchema(planExtensions());
  return schema;
}

/** A whole Yjs update that creates a document from ProseMirror JSON. Checked against the
 * schema first, so nothing outside it gets in. */
export function planUpdateFromJSON(content: JSONContent): Uint8Array {
  planSchema().nodeFromJSON(content).check();
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(planSchema(), content, doc.getXmlFragment(PLAN_FRAGMENT));
  return Y.encodeStateAsUpdate(doc);
}

/**
 * A throwaway document from stored bytes (a version, the log of a plan not open here), with
 * whatever the schema cannot hold taken out of this copy: what was stored before the server
 * checked every update must not break a reader (docs/security.md, "Forged content").
 */
export function readableDoc(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  repairDocument(doc, doc.getXmlFragment(PLAN_FRAGMENT), planSchema());
  return doc;
}

export interface SectionText {
  id: string;
  title: string;
  text: string;
}

/**
 * The document as stored, open suggestions included: for what must carry them (the Word export
 * writes them as tracked changes, versions keep them so restoring brings them back).
 */
export function planRoot(doc: Y.Doc): PMNode {
  return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), planSchema());
}

/**
 * "The plan" as every reader shows it (Markdown, print, the actions CSV, versions' text): the
 * accepted text, without open suggestions (docs/suggestions.md, "Readers and Word out").
 */
export function acceptedRoot(doc: Y.Doc): PMNode {
  return acceptedDocument(planRoot(doc));
}

/** Each section's id, title and plain text (blocks separated by newlines), as accepted. */
export function readSections(doc: Y.Doc): SectionText[] {
  const root = acceptedRoot(doc);
  const sections: SectionText[] = [];
  root.forEach((section) => {
    if (section.type.name !== "section") return;
    const blocks: string[] = [];
    section.descendants((node) => {
      if (node.isTextblock) {
        blocks.push(node.textContent);
        return false;
      }
      return true;
    });
    sections.push({ id: section.attrs.id as string, title: section.firstChild?.textContent ?? "", text: blocks.join("\n") });
  });
  return sections;
}

export function planText(doc: Y.Doc): string {
  return readSections(doc)
    .map((section) => section.text)
    .join("\n");
}

/** Section ids and titles in order, read straight off the Yjs tree (cheap: no conversion); a
 * title's open suggested insertions are left out, as everywhere the plan is read. */
export function sectionOutline(doc: Y.Doc): { id: string; title: string }[] {
  const outline: { id: string; title: string }[] = [];
  for (const node of doc.getXmlFragment(PLAN_FRAGMENT).toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== "section") continue;
    const id = node.getAttribute("id");
    if (typeof id !== "string") continue;
    const heading = node.get(0);
    const title =
      heading instanceof Y.XmlElement
        ? heading
            .toArray()
            .map((child) =>
              child instanceof Y.XmlText
                ? child
                    .toDelta()
                    .map((op: { insert?: unknown; attributes?: Record<string, unknown> }) =>
                      typeof op.insert === "string" && !isOpenInsertion(op.attributes) ? op.insert : "",
                    )
                    .join("")
                : "",
            )
            .join("")
        : "";
    outline.push({ id, title });
  }
  return outline;
}

/** Whether Yjs text attributes hold a suggested insertion (`suggestionInsert`, or `…--hash`). */
function isOpenInsertion(attributes: Record<string, unknown> | undefined): boolean {
  return Object.keys(attributes ?? {}).some((key) => key === SUGGESTION_INSERT || key.startsWith(`${SUGGESTION_INSERT}--`));
}
