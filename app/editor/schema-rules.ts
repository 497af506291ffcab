// What the plan schema allows, down to attribute values, in the terms the Yjs document uses:
// XmlElements named after nodes with their attributes, XmlText with marks as formatting
// (y-tiptap names a mark that may overlap itself `name--hash`). The server checks every
// client update against these rules before storing it (server/collab/schema-guard.ts), and
// every reader of a document relies on them (docs/security.md).
import type { Schema } from "@tiptap/pm/model";
import { isSafeLinkUrl } from "./extensions";
import { SUGGESTION_ID_PATTERN } from "./suggestion-marks";

/** Elements deep, counting the section as 1. The deepest real plans go about 10 (lists in
 * tables in sections); past this a document is an attack, and readers would overflow the stack. */
export const MAX_NESTING_DEPTH = 32;

type ValueRule = (value: unknown) => boolean;

const text =
  (maxLength: number): ValueRule =>
  (value) =>
    typeof value === "string" && value.length <= maxLength;
const nullOr =
  (rule: ValueRule): ValueRule =>
  (value) =>
    value === null || rule(value);
const integer =
  (min: number, max: number): ValueRule =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const oneOf =
  (...allowed: unknown[]): ValueRule =>
  (value) =>
    allowed.includes(value);
const identifier: ValueRule = (value) => typeof value === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(value);

const suggestionAttributes: Record<string, ValueRule> = {
  id: (value) => typeof value === "string" && SUGGESTION_ID_PATTERN.test(value),
  authorId: integer(1, Number.MAX_SAFE_INTEGER),
};

const MAX_COLUMNS = 64;
const cellAttributes: Record<string, ValueRule> = {
  colspan: integer(1, MAX_COLUMNS),
  rowspan: integer(1, 1000),
  colwidth: nullOr(
    (value) => Array.isArray(value) && value.length <= MAX_COLUMNS && value.every((width) => width === null || integer(0, 10_000)(width)),
  ),
  align: nullOr(oneOf("left", "center", "right", "justify")),
};

/** Every attribute each node may carry, and the values it may take. */
export const NODE_ATTRIBUTES: Record<string, Record<string, ValueRule>> = {
  paragraph: {},
  blockquote: {},
  bulletList: {},
  hardBreak: {},
  heading: { level: integer(1, 6) },
  horizontalRule: {},
  listItem: {},
  orderedList: { start: integer(-1_000_000, 1_000_000), type: nullOr(text(8)) },
  section: { id: identifier },
  table: {},
  tableCell: cellAttributes,
  tableHeader: cellAttributes,
  tableRow: {},
  actionMatrix: {},
  actionRow: {},
  actionCell: {},
};

/** Every mark, and the values its attributes may take. */
export const MARK_ATTRIBUTES: Record<string, Record<string, ValueRule>> = {
  bold: {},
  italic: {},
  strike: {},
  underline: {},
  code: {},
  link: {
    href: (value) => typeof value === "string" && value.length <= 2048 && isSafeLinkUrl(value),
    target: nullOr(text(16)),
    rel: nullOr(text(100)),
    class: nullOr(text(100)),
    title: nullOr(text(1000)),
  },
  comment: { threadId: identifier },
  suggestionInsert: suggestionAttributes,
  suggestionDelete: suggestionAttributes,
};

const REQUIRED_MARK_ATTRIBUTES: Record<string, string[]> = {
  suggestionInsert: ["id", "authorId"],
  suggestionDelete: ["id", "authorId"],
};

/** The mark a formatting key stands for: y-tiptap writes overlapping marks as `name--hash`. */
export function markNameOfKey(key: string): string {
  return /^(.+)--[A-Za-z0-9+/=]{8}$/.exec(key)?.[1] ?? key;
}

export function isAllowedNodeAttribute(nodeName: string, key: string, value: unknown): boolean {
  const rule = NODE_ATTRIBUTES[nodeName]?.[key];
  return rule !== undefined && rule(value);
}

/** A mark's value as formatting: null (the mark removed) or its attributes, each allowed. */
export function isAllowedMarkValue(markName: string, value: unknown): boolean {
  const rules = MARK_ATTRIBUTES[markName];
  if (!rules) return false;
  if (value === null) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  const attributes = value as Record<string, unknown>;
  // A suggestion names its id and its author, always (the gate and every reader rely on both).
  if (REQUIRED_MARK_ATTRIBUTES[markName]?.some((key) => !(key in attributes))) return false;
  return Object.entries(attributes).every(([key, attribute]) => rules[key]?.(attribute) ?? false);
}

/** The rules above name every node and mark of `schema` and every attribute, nothing else:
 * a new extension must say what its attributes may hold (checked by a unit test). */
export function rulesMismatch(schema: Schema): string[] {
  const problems: string[] = [];
  const compare = (
    kind: string,
    specs: Record<string, { spec: { attrs?: object } }>,
    rules: Record<string, Record<string, ValueRule>>,
    skip: string[],
  ) => {
    for (const [name, type] of Object.entries(specs)) {
      if (skip.includes(name)) continue;
      const rule = rules[name];
      if (!rule) {
        problems.push(`${kind} ${name} has no rule`);
        continue;
      }
      const attributes = Object.keys(type.spec.attrs ?? {}).sort();
      if (attributes.join() !== Object.keys(rule).sort().join())
        problems.push(`${kind} ${name}: attributes ${attributes.join()} vs rules ${Object.keys(rule).sort().join()}`);
    }
    for (const name of Object.keys(rules)) if (!(name in specs)) problems.push(`${kind} ${name} is not in the schema`);
  };
  compare("node", schema.nodes as never, NODE_ATTRIBUTES, ["doc", "text"]);
  compare("mark", schema.marks as never, MARK_ATTRIBUTES, []);
  return problems;
}
