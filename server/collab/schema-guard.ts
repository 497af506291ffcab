// Checks a client's update against the plan schema before anything of it is applied, stored or
// relayed: every struct it adds is placed where Yjs will integrate it (its parent named, or
// inherited from the struct it is typed next to, in the document or in the update itself) and
// must be an element, text, attribute or mark the schema holds there, nested no deeper than
// MAX_NESTING_DEPTH (app/editor/schema-rules.ts). One wrong struct refuses the whole update:
// a modified client is closed, never half-applied (docs/security.md, "Forged content").
import type { NodeType } from "@tiptap/pm/model";
import * as Y from "yjs";
import { elementTypeAllowed, formatAllowed, textAllowed } from "../../app/editor/schema-check";
import { isAllowedNodeAttribute } from "../../app/editor/schema-rules";
import { PLAN_FRAGMENT, planSchema } from "../../app/editor/document.server";

type Struct = Y.Item | Y.GC | Y.Skip;

/** Any Yjs shared type (their event type parameter is invariant, so no narrower type fits all). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type YType = Y.AbstractType<any>;

/** Where a struct lands: a type already in the document, the root of a name, or a type the
 * same update creates (its Item). */
type Container = { stored: YType } | { root: string } | { created: Y.Item };
/** "gc": Yjs will turn it into a deleted placeholder (its neighbour or parent is gone);
 * "missing": it builds on something the server does not have, so Yjs will hold it back. */
type Placement = { container: Container; parentSub: string | null } | "gc" | "missing";

/** What a type is, for the rules: the plan fragment, an element (its node type and depth), or a
 * text inside an element (that element's node type). */
type Place =
  | { kind: "fragment"; nodeType: NodeType; depth: 0 }
  | { kind: "element"; nodeType: NodeType; depth: number }
  | { kind: "text"; nodeType: NodeType | null }
  | { kind: "foreign" };

/**
 * Why the update may not be applied, or null when every struct it adds fits the schema. Structs
 * Yjs is holding back for this document are checked with it: this update may be what lets them in.
 */
export function schemaRefusal(doc: Y.Doc, update: Uint8Array): string | null {
  const pending = doc.store.pendingStructs;
  // Yjs keeps what it holds back in its v2 encoding.
  const combined = pending ? Y.mergeUpdates([Y.convertUpdateFormatV2ToV1(pending.update), update]) : update;
  const structs = Y.decodeUpdate(combined).structs as Struct[];
  return new UpdateCheck(doc, structs).refusal();
}

class UpdateCheck {
  private readonly schema = planSchema();
  private readonly fresh = new Map<number, Struct[]>();
  private readonly placements = new Map<Y.Item, Placement>();
  private readonly places = new Map<object, Place | "gc" | "missing">();

  constructor(
    private readonly doc: Y.Doc,
    structs: Struct[],
  ) {
    for (const struct of structs) {
      if (struct instanceof Y.Skip) continue;
      if (struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
      let list = this.fresh.get(struct.id.client);
      if (!list) this.fresh.set(struct.id.client, (list = []));
      list.push(struct);
    }
    for (const list of this.fresh.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  refusal(): string | null {
    for (const list of this.fresh.values()) {
      for (const struct of list) {
        if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentDeleted) continue;
        const problem = this.problemWith(struct);
        if (problem) return problem;
      }
    }
    return null;
  }

  private problemWith(item: Y.Item): string | null {
    const placement = this.placementOf(item);
    if (placement === "gc" || placement === "missing") return null;
    const place = this.placeOf(placement.container);
    if (place === "gc" || place === "missing") return null;
    const content = item.content;
    if (place.kind === "foreign") return "writes outside the plan document";
    if (place.kind === "text") {
      if (!place.nodeType) return "puts text at the top of the document";
      if (placement.parentSub !== null) return "sets an attribute on text";
      if (content instanceof Y.ContentString) return null;
      if (content instanceof Y.ContentFormat) {
        return formatAllowed(this.schema, place.nodeType, content.key, content.value)
          ? null
          : `formats text with "${content.key.slice(0, 40)}"`;
      }
      return "puts something other than text into text";
    }
    if (placement.parentSub !== null) {
      if (place.kind !== "element") return "sets an attribute on the document";
      const value = content instanceof Y.ContentAny && content.arr.length === 1 ? content.arr[0] : undefined;
      const key = placement.parentSub;
      return value !== undefined && isAllowedNodeAttribute(place.nodeType.name, key, value)
        ? null
        : `sets ${place.nodeType.name}.${key.slice(0, 40)} to a value the schema does not allow`;
    }
    if (content instanceof Y.ContentType) {
      const type = content.type;
      if (type.constructor === Y.XmlText) return textAllowed(this.schema, place.nodeType) ? null : `puts text into ${place.nodeType.name}`;
      if (type.constructor === Y.XmlElement) {
        const nodeName = (type as Y.XmlElement).nodeName;
        return elementTypeAllowed(this.schema, place.nodeType, nodeName, place.depth + 1)
          ? null
          : `puts "${nodeName.slice(0, 40)}" into ${place.nodeType.name} (or deeper than a plan may)`;
      }
    }
    return `puts ${content.constructor.name} into ${place.nodeType.name}`;
  }

  /** The struct with `id`: in the update if the document does not have it yet, else stored. */
  private structAt(id: Y.ID): { struct: Struct; isFresh: boolean } | undefined {
    if (id.clock >= Y.getState(this.doc.store, id.client)) {
      const list = this.fresh.get(id.client);
      if (!list) return undefined;
      let low = 0;
      let high = list.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const struct = list[middle]!;
        if (id.clock < struct.id.clock) high = middle - 1;
        else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
        else return { struct, isFresh: true };
      }
      return undefined;
    }
    const stored = this.doc.store.clients.get(id.client)!;
    return { struct: stored[Y.findIndexSS(stored, id.clock)]!, isFresh: false };
  }

  /** Where Yjs will put `item`, following the chain of new structs typed one after another
   * (iteratively: an update may hold thousands). */
  private placementOf(item: Y.Item): Placement {
    const chain: Y.Item[] = [];
    const onChain = new Set<Y.Item>();
    let current = item;
    let placement: Placement | undefined;
    for (;;) {
      placement = this.placements.get(current);
      if (placement) break;
      const step = this.directPlacement(current);
      if (step instanceof Y.Item) {
        if (onChain.has(step)) {
          // Structs that each build on the other never integrate: Yjs holds them back.
          placement = "missing";
          break;
        }
        chain.push(current);
        onChain.add(current);
        current = step;
        continue;
      }
      placement = step;
      this.placements.set(current, placement);
      break;
    }
    for (const link of chain) this.placements.set(link, placement);
    return placement;
  }

  /** The placement `item` names itself, or the new item whose placement it inherits. */
  private directPlacement(item: Y.Item): Placement | Y.Item {
    const parent = item.parent as unknown;
    if (typeof parent === "string") return { container: { root: parent }, parentSub: item.parentSub };
    if (parent instanceof Y.ID) {
      const found = this.structAt(parent);
      if (!found) return "missing";
      const { struct, isFresh } = found;
      if (struct instanceof Y.GC) return "gc";
      // A parent that is no longer a type (deleted and collected): Yjs collects this one too.
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentType)) return "gc";
      return { container: isFresh ? { created: struct } : { stored: struct.content.type }, parentSub: item.parentSub };
    }
    // Typed next to another struct: Yjs takes the parent of the left one, else the right one.
    const left = item.origin ? this.structAt(item.origin) : undefined;
    const right = item.rightOrigin ? this.structAt(item.rightOrigin) : undefined;
    if ((item.origin && !left) || (item.rightOrigin && !right)) return "missing";
    if (left?.struct instanceof Y.GC || right?.struct instanceof Y.GC) return "gc";
    const neighbour = left ?? right;
    if (!neighbour || !(neighbour.struct instanceof Y.Item)) return "gc";
    if (neighbour.isFresh) return neighbour.struct;
    const neighbourParent = neighbour.struct.parent;
    if (!(neighbourParent instanceof Y.AbstractType)) return "gc";
    return { container: { stored: neighbourParent }, parentSub: neighbour.struct.parentSub };
  }

  /** What a container is (iteratively through types the update creates inside each other). */
  private placeOf(container: Container): Place | "gc" | "missing" {
    if ("root" in container) {
      return container.root === PLAN_FRAGMENT ? { kind: "fragment", nodeType: this.schema.topNodeType, depth: 0 } : { kind: "foreign" };
    }
    if ("stored" in container) return this.storedPlace(container.stored);
    const chain: Y.Item[] = [];
    const seen = new Set<Y.Item>();
    let current = container.created;
    let base: Place | "gc" | "missing";
    for (;;) {
      const known = this.places.get(current);
      if (known) {
        base = known;
        break;
      }
      if (seen.has(current)) {
        // Types that each name the other as parent never integrate: Yjs holds them back.
        base = "missing";
        break;
      }
      seen.add(current);
      const placement = this.placementOf(current);
      if (placement === "gc" || placement === "missing") {
        base = placement;
        this.places.set(current, base);
        break;
      }
      chain.push(current);
      if ("created" in placement.container) {
        current = placement.container.created;
        continue;
      }
      base = "root" in placement.container ? this.placeOf(placement.container) : this.storedPlace(placement.container.stored);
      // `base` is the place of the last link's parent: step down from it below.
      const last = chain.pop()!;
      base = this.childPlace(base, last, placement.parentSub);
      this.places.set(last, base);
      break;
    }
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      const link = chain[i]!;
      const placement = this.placementOf(link) as Exclude<Placement, "gc" | "missing">;
      base = this.childPlace(base, link, placement.parentSub);
      this.places.set(link, base);
    }
    return base;
  }

  /** The place of the type `item` creates, inside a parent at `parent`. */
  private childPlace(parent: Place | "gc" | "missing", item: Y.Item, parentSub: string | null): Place | "gc" | "missing" {
    if (parent === "gc" || parent === "missing") return parent;
    if (parent.kind === "foreign" || parent.kind === "text" || parentSub !== null) return { kind: "foreign" };
    const type = (item.content as Y.ContentType).type;
    if (type.constructor === Y.XmlText) return { kind: "text", nodeType: parent.nodeType };
    if (type.constructor !== Y.XmlElement) return { kind: "foreign" };
    const nodeType = this.schema.nodes[(type as Y.XmlElement).nodeName];
    // An element the schema refuses is reported where it is added; what it holds is foreign.
    return nodeType ? { kind: "element", nodeType, depth: parent.depth + 1 } : { kind: "foreign" };
  }

  private storedPlace(type: YType): Place {
    const known = this.places.get(type);
    if (known) return known as Place;
    let place: Place;
    if (type instanceof Y.XmlElement) {
      const nodeType = this.schema.nodes[type.nodeName];
      let depth = 0;
      for (let ancestor: YType | null = type; ancestor instanceof Y.XmlElement; ancestor = ancestor.parent) depth += 1;
      place = nodeType ? { kind: "element", nodeType, depth } : { kind: "foreign" };
    } else if (type instanceof Y.XmlText) {
      const parent = type.parent;
      place = { kind: "text", nodeType: parent instanceof Y.XmlElement ? (this.schema.nodes[parent.nodeName] ?? null) : null };
    } else if (type === this.doc.share.get(PLAN_FRAGMENT)) {
      place = { kind: "fragment", nodeType: this.schema.topNodeType, depth: 0 };
    } else {
      place = { kind: "foreign" };
    }
    this.places.set(type, place);
    return place;
  }
}
