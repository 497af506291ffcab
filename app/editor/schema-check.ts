// Whether a Yjs plan document is one the plan schema can hold, and how to make it one.
// A modified client can write any well-formed Yjs (unknown marks, nodes where they cannot go,
// attribute values the editor never makes, nesting thousands deep); every browser's editor
// binding and every server reader would then each cope in its own way, some by deleting text.
// The server refuses such updates (server/collab/schema-guard.ts); what was stored before that
// check existed is repaired here: when the server opens a plan (as its own edit), and in every
// throwaway document a reader builds from stored bytes (versions, exports of a closed plan).
import type { NodeType, Schema } from "@tiptap/pm/model";
import * as Y from "yjs";
import { isAllowedMarkValue, isAllowedNodeAttribute, markNameOfKey, MAX_NESTING_DEPTH } from "./schema-rules";

const allowedChildren = new WeakMap<NodeType, Set<NodeType>>();

/** Node types `parent` may ever contain, in any order (order and counts are left to the editor). */
export function childTypes(parent: NodeType): Set<NodeType> {
  let allowed = allowedChildren.get(parent);
  if (!allowed) {
    const found = new Set<NodeType>();
    const seen = new Set<unknown>();
    const pending = [parent.contentMatch];
    while (pending.length > 0) {
      const match = pending.pop()!;
      if (seen.has(match)) continue;
      seen.add(match);
      for (let i = 0; i < match.edgeCount; i += 1) {
        const edge = match.edge(i);
        found.add(edge.type);
        pending.push(edge.next);
      }
    }
    allowed = found;
    allowedChildren.set(parent, allowed);
  }
  return allowed;
}

/** The node type an element named `nodeName` may be inside `parent` at `depth`, or null. */
export function elementTypeAllowed(schema: Schema, parent: NodeType, nodeName: string, depth: number): NodeType | null {
  const type = schema.nodes[nodeName];
  if (!type || type === schema.topNodeType || type.isText || depth > MAX_NESTING_DEPTH) return null;
  return childTypes(parent).has(type) ? type : null;
}

export function textAllowed(schema: Schema, parent: NodeType): boolean {
  return childTypes(parent).has(schema.nodes.text!);
}

/** Whether formatting `key` with `value` is a mark text inside `parent` may carry. */
export function formatAllowed(schema: Schema, parent: NodeType, key: string, value: unknown): boolean {
  const markName = markNameOfKey(key);
  const markType = schema.marks[markName];
  return markType !== undefined && parent.allowsMarkType(markType) && isAllowedMarkValue(markName, value);
}

export type SchemaRepair =
  | { kind: "removeChild"; parent: Y.XmlFragment; index: number }
  | { kind: "removeAttribute"; element: Y.XmlElement | Y.XmlText; key: string }
  | { kind: "removeFormat"; text: Y.XmlText; index: number; length: number; key: string }
  | { kind: "removeEmbed"; text: Y.XmlText; index: number };

/**
 * Everything in the document the schema cannot hold, in document order. Walks with a stack of
 * its own, so a document nested 20,000 deep is read, not a stack overflow.
 */
export function findSchemaViolations(fragment: Y.XmlFragment, schema: Schema): SchemaRepair[] {
  const repairs: SchemaRepair[] = [];
  type Visit = {
    type: Y.XmlFragment;
    nodeType: NodeType;
    depth: number;
    parent: Visit | null;
    index: number;
    kept: number;
    isRemoved?: boolean;
  };
  const visits = new Map<Y.XmlFragment, Visit>();
  const emptied: Visit[] = [];
  const pending: Visit[] = [{ type: fragment, nodeType: schema.topNodeType, depth: 0, parent: null, index: 0, kept: 0 }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    visits.set(visit.type, visit);
    const { type: parent, nodeType: parentType, depth } = visit;
    const children = parent.toArray() as unknown[];
    // Pushed in reverse so that the walk (and the list of repairs) follows document order.
    const next: Visit[] = [];
    children.forEach((child, index) => {
      if (child instanceof Y.XmlElement) {
        const childType = elementTypeAllowed(schema, parentType, child.nodeName, depth + 1);
        if (!childType) return repairs.push({ kind: "removeChild", parent, index });
        for (const [key, value] of Object.entries(child.getAttributes())) {
          if (!isAllowedNodeAttribute(child.nodeName, key, value)) repairs.push({ kind: "removeAttribute", element: child, key });
        }
        next.push({ type: child, nodeType: childType, depth: depth + 1, parent: visit, index, kept: 0 });
      } else if (child instanceof Y.XmlText) {
        if (!textAllowed(schema, parentType)) return repairs.push({ kind: "removeChild", parent, index });
        visit.kept += 1;
        for (const key of Object.keys(child.getAttributes())) repairs.push({ kind: "removeAttribute", element: child, key });
        let offset = 0;
        for (const op of child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
          const length = typeof op.insert === "string" ? op.insert.length : 1;
          if (typeof op.insert !== "string") repairs.push({ kind: "removeEmbed", text: child, index: offset });
          for (const [key, value] of Object.entries(op.attributes ?? {})) {
            if (!formatAllowed(schema, parentType, key, value))
              repairs.push({ kind: "removeFormat", text: child, index: offset, length, key });
          }
          offset += length;
        }
      } else {
        // Not a node at all: a string or JSON put straight into the tree.
        repairs.push({ kind: "removeChild", parent, index });
      }
    });
    visit.kept += next.length;
    if (children.length > 0 && visit.kept === 0) emptied.push(visit);
    pending.push(...next.reverse());
  }
  // An element whose every child was taken out, where it must hold something (a blockquote
  // whose only child nested too deep), goes too, and so on up: the editor could not show it.
  for (let visit: Visit | null | undefined = emptied.pop(); visit; visit = emptied.pop()) {
    if (!visit.parent || visit.nodeType.contentMatch.validEnd) continue;
    repairs.push({ kind: "removeChild", parent: visit.parent.type, index: visit.index });
    visit.isRemoved = true;
    visit.parent.kept -= 1;
    if (visit.parent.kept === 0) emptied.push(visit.parent);
  }
  // Nothing to repair inside what goes as a whole.
  const isInsideRemoved = (type: Y.XmlFragment | null): boolean => {
    for (let visit = type ? visits.get(type) : undefined; visit; visit = visit.parent ?? undefined) if (visit.isRemoved) return true;
    return false;
  };
  const containerOf = (repair: SchemaRepair): Y.XmlFragment | null =>
    repair.kind === "removeChild"
      ? repair.parent
      : repair.kind === "removeAttribute" && repair.element instanceof Y.XmlElement
        ? repair.element
        : ((repair.kind === "removeAttribute" ? repair.element : repair.text).parent as Y.XmlFragment | null);
  return sortedForRemoval(repairs.filter((repair) => !isInsideRemoved(containerOf(repair))));
}

/** Removals of one parent's children in ascending index (repairDocument deletes from the end). */
function sortedForRemoval(repairs: SchemaRepair[]): SchemaRepair[] {
  const order = new Map<Y.XmlFragment, number>();
  const removals = repairs.filter((repair): repair is Extract<SchemaRepair, { kind: "removeChild" }> => repair.kind === "removeChild");
  removals.forEach((repair) => order.set(repair.parent, order.get(repair.parent) ?? order.size));
  removals.sort((a, b) => order.get(a.parent)! - order.get(b.parent)! || a.index - b.index);
  return [...repairs.filter((repair) => repair.kind !== "removeChild"), ...removals];
}

/** Takes out what the schema cannot hold, with `origin`; the number of repairs. */
export function repairDocument(doc: Y.Doc, fragment: Y.XmlFragment, schema: Schema, origin?: unknown): number {
  const repairs = findSchemaViolations(fragment, schema);
  if (repairs.length === 0) return 0;
  for (const repair of repairs) {
    if (repair.kind === "removeChild") deleteDeepDescendants(doc, repair.parent.get(repair.index), origin);
  }
  doc.transact(() => {
    // Formats and attributes first (they move no index), then deletions from the last one back,
    // so every recorded index still points where it did.
    const formatted = new Set<Y.XmlText>();
    for (const repair of repairs) {
      if (repair.kind === "removeFormat") {
        repair.text.format(repair.index, repair.length, { [repair.key]: null });
        formatted.add(repair.text);
      } else if (repair.kind === "removeAttribute") {
        repair.element.removeAttribute(repair.key);
      }
    }
    // The format markers left with nothing to do go too, here: else every browser that opens
    // the plan would tidy them up (Yjs does after remote formatting) as its own deletions.
    for (const text of formatted) Y.cleanupYTextFormatting(text);
    for (const repair of [...repairs].reverse()) {
      if (repair.kind === "removeEmbed") repair.text.delete(repair.index, 1);
      else if (repair.kind === "removeChild") repair.parent.delete(repair.index, 1);
    }
  }, origin);
  return repairs.length;
}

/** Levels of a subtree deleted in one transaction: Yjs deletes and collects a type's children
 * recursively, and thousands of levels at once overflow the stack. */
const LEVELS_PER_DELETION = 200;

/** Deletes what lies deeper than LEVELS_PER_DELETION below `root`, deepest first, a band of
 * levels per transaction; what is left is shallow enough to delete at once. */
function deleteDeepDescendants(doc: Y.Doc, root: unknown, origin: unknown): void {
  if (!(root instanceof Y.XmlElement)) return;
  const levels: Y.XmlElement[][] = [];
  let level: Y.XmlElement[] = [root];
  while (level.length > 0) {
    levels.push(level);
    level = level.flatMap((element) => element.toArray().filter((child): child is Y.XmlElement => child instanceof Y.XmlElement));
  }
  for (let end = levels.length; end > LEVELS_PER_DELETION; end -= LEVELS_PER_DELETION) {
    const band = levels.slice(Math.max(1, end - LEVELS_PER_DELETION), end).reverse();
    doc.transact((transaction) => {
      for (const elements of band) for (const element of elements) element._item?.delete(transaction);
    }, origin);
  }
}
