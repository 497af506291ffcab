// Keeps the shared document inside the plan schema. A client may send any well-formed Yjs
// update, including structure the editor could never make (text at the top level, unknown
// node names, a table inside a heading). Pages, exports and every other browser would then
// each "repair" it their own way. The server checks what a client's transaction added and
// takes out whatever its parent's content rule could never hold.
import type { NodeType } from "@tiptap/pm/model";
import * as Y from "yjs";
import { planSchema } from "../../app/editor/document.server";

/** Node types a parent may ever contain, in any order (order is left to the editor). */
const allowedChildren = new Map<NodeType, Set<NodeType>>();
function childTypes(parent: NodeType): Set<NodeType> {
  let allowed = allowedChildren.get(parent);
  if (!allowed) {
    allowed = new Set();
    const seen = new Set<unknown>();
    const walk = (match: NodeType["contentMatch"]) => {
      if (seen.has(match)) return;
      seen.add(match);
      for (let i = 0; i < match.edgeCount; i += 1) {
        const edge = match.edge(i);
        allowed!.add(edge.type);
        walk(edge.next);
      }
    };
    walk(parent.contentMatch);
    allowedChildren.set(parent, allowed);
  }
  return allowed;
}

function nodeTypeOf(type: object): NodeType | undefined {
  const schema = planSchema();
  if (type instanceof Y.XmlElement) return schema.nodes[type.nodeName];
  if (type instanceof Y.XmlText) return schema.nodes.text;
  if (type instanceof Y.XmlFragment) return schema.topNodeType;
  return undefined;
}

type Misplaced = { parent: Y.XmlFragment; index: number };

/** Children of `parent` (all of them, or only those new in `transaction`) that it may not hold. */
function check(parent: Y.XmlFragment, transaction: Y.Transaction | null, found: Misplaced[]): void {
  const parentType = nodeTypeOf(parent);
  const children = parent.toArray() as unknown[];
  for (let index = children.length - 1; index >= 0; index -= 1) {
    const child = children[index];
    if (child instanceof Y.AbstractType) {
      const item = child._item;
      if (transaction && item && item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0)) continue;
      const childType = nodeTypeOf(child);
      if (parentType && childType && childTypes(parentType).has(childType)) {
        // A new element's own children are new too, and Yjs records no change inside it.
        if (child instanceof Y.XmlElement) check(child, null, found);
        continue;
      }
    }
    // Not allowed here, or not a Yjs XML type at all (a string or JSON put into the tree).
    found.push({ parent, index });
  }
}

/**
 * Where this transaction inserted structure its parent may not hold, highest index first per
 * parent (ready to delete). Only parents whose child list changed, and what was inserted, are
 * looked at, so a keystroke costs next to nothing.
 */
export function childrenOutsideSchema(transaction: Y.Transaction): Misplaced[] {
  const found: Misplaced[] = [];
  for (const [type, keys] of transaction.changed) {
    if (keys.has(null) && type instanceof Y.XmlFragment) check(type, transaction, found);
  }
  return found;
}

/** Everything in a document that the schema could not hold (for checks and tests). */
export function documentOutsideSchema(fragment: Y.XmlFragment): Misplaced[] {
  const found: Misplaced[] = [];
  check(fragment, null, found);
  return found;
}
