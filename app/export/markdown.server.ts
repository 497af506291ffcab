// A plan (or one of its versions) as GitHub-flavoured Markdown. Every piece of user text is
// escaped, so what someone typed comes out as text and never as Markdown of its own.
import type { Mark, Node as PMNode } from "@tiptap/pm/model";
import { TableMap } from "@tiptap/pm/tables";
import type { TFunction } from "i18next";
import { STATUS_LABEL_KEYS } from "../components/Outline";
import { ACTION_COLUMNS } from "../editor/action-matrix";
import { isSafeLinkUrl } from "../editor/extensions";
import { formatDeadline } from "../utils/deadline";
import type { PlanSource } from "./plan-source.server";

export interface MarkdownOptions {
  t: TFunction;
  language: string;
  /** True when the source is a saved version (a checkpoint has no name). */
  isVersion: boolean;
}

export function planMarkdown(source: PlanSource, { t, language, isVersion }: MarkdownOptions): string {
  const date = formatDeadline(source.date, language);
  const dateLine = !isVersion
    ? t("planExport.currentText", { date })
    : source.versionName
      ? t("planExport.version", { name: source.versionName, date })
      : t("planExport.checkpoint", { date });
  const details = new Map(source.details.map((detail) => [detail.id, detail]));
  const columnLabels = ACTION_COLUMNS.map((column) => t(`actions.columns.${column}`));
  const blocks = [`# ${plainText(source.title, HEADING)}`, `*${plainText(dateLine, HEADING)}*`];
  source.doc.forEach((section) => {
    if (section.type.name !== "section") return;
    const detail = details.get(section.attrs.id as string);
    section.forEach((child, _offset, index) => {
      if (index === 0 && child.type.name === "heading") {
        blocks.push(`## ${inline(child, HEADING) || plainText(t("outline.untitled"), HEADING)}`);
        if (detail) {
          const line = t("exports.sectionDetails", {
            lead: detail.lead ?? t("section.noLead"),
            status: t(STATUS_LABEL_KEYS[detail.status]),
          });
          blocks.push(`*${plainText(line, HEADING)}*`);
        }
        return;
      }
      const markdown = block(child, columnLabels);
      if (markdown) blocks.push(markdown);
    });
  });
  return `${blocks.join("\n\n")}\n`;
}

/** How inline content is written where it lands: a paragraph, a one-line heading, a table cell. */
interface InlineContext {
  hardBreak: string;
  inTable: boolean;
  /** Whether each line could start a block (a paragraph's lines can; a heading's cannot). */
  isAtLineStart: boolean;
}
const BLOCK: InlineContext = { hardBreak: "\\\n", inTable: false, isAtLineStart: true };
const HEADING: InlineContext = { hardBreak: " ", inTable: false, isAtLineStart: false };
const CELL: InlineContext = { hardBreak: "<br>", inTable: true, isAtLineStart: false };
/** Stands for a hard break until the edges of a block are trimmed. */
const BREAK = "\uE000";

function block(node: PMNode, columnLabels: string[]): string {
  switch (node.type.name) {
    case "paragraph":
      return inline(node, BLOCK);
    case "heading": {
      const text = inline(node, HEADING);
      return text ? `${"#".repeat(Math.max(2, node.attrs.level as number))} ${text}` : "";
    }
    case "bulletList":
      return list(node, () => "-", columnLabels);
    case "orderedList": {
      const start = (node.attrs.start as number) ?? 1;
      return list(node, (index) => `${start + index}.`, columnLabels);
    }
    case "blockquote":
      return childBlocks(node, columnLabels)
        .split("\n")
        .map((line) => (line ? `> ${line}` : ">"))
        .join("\n");
    case "horizontalRule":
      return "---";
    case "table":
      return table(node);
    case "actionMatrix":
      return actionMatrix(node, columnLabels);
    default:
      return plainText(node.textContent, BLOCK);
  }
}

function childBlocks(node: PMNode, columnLabels: string[]): string {
  const blocks: string[] = [];
  node.forEach((child) => {
    const markdown = block(child, columnLabels);
    if (markdown) blocks.push(markdown);
  });
  return blocks.join("\n\n");
}

/** One item to a line; an item's further blocks (a nested list, another paragraph) are indented under it. */
function list(node: PMNode, marker: (index: number) => string, columnLabels: string[]): string {
  const items: string[] = [];
  node.forEach((item, _offset, index) => {
    const prefix = `${marker(index)} `;
    const parts: string[] = [];
    item.forEach((child) => {
      const markdown = block(child, columnLabels);
      if (!markdown) return;
      const isList = child.type.name === "bulletList" || child.type.name === "orderedList";
      parts.push(parts.length === 0 ? markdown : `${isList ? "\n" : "\n\n"}${markdown}`);
    });
    const body = parts.join("");
    const indent = " ".repeat(prefix.length);
    items.push(
      (
        prefix +
        body
          .split("\n")
          .map((line, i) => (i === 0 || line === "" ? line : indent + line))
          .join("\n")
      ).trimEnd(),
    );
  });
  return items.join("\n");
}

function table(node: PMNode): string {
  const map = TableMap.get(node);
  const rows: string[][] = [];
  for (let row = 0; row < map.height; row++) {
    const cells: string[] = [];
    for (let column = 0; column < map.width; column++) {
      const index = row * map.width + column;
      const position = map.map[index]!;
      // A merged cell is written once, in its top-left slot; the slots it covers stay empty.
      const isOrigin = (column === 0 || map.map[index - 1] !== position) && (row === 0 || map.map[index - map.width] !== position);
      cells.push(isOrigin ? cellText(node.nodeAt(position)!) : "");
    }
    rows.push(cells);
  }
  const [header = [], ...body] = rows;
  return gfmTable(header, body);
}

function actionMatrix(node: PMNode, columnLabels: string[]): string {
  const body: string[][] = [];
  node.forEach((row) => {
    const cells: string[] = [];
    row.forEach((cell) => cells.push(cellText(cell)));
    body.push(cells);
  });
  return gfmTable(
    columnLabels.map((label) => plainText(label, CELL)),
    body,
  );
}

function gfmTable(header: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

/** A cell's blocks on one line: paragraphs and list items separated by line breaks. */
function cellText(cell: PMNode): string {
  const lines: string[] = [];
  cell.descendants((node) => {
    if (!node.isTextblock) return true;
    const text = inline(node, CELL);
    if (text) lines.push(text);
    return false;
  });
  return lines.join("<br>");
}

/** Marks in nesting order, outermost first; underline and comment anchors have no Markdown. */
const MARK_ORDER = ["link", "bold", "italic", "strike", "code"] as const;
type MarkName = (typeof MARK_ORDER)[number];
const DELIMITERS: Record<Exclude<MarkName, "link" | "code">, string> = { bold: "**", italic: "*", strike: "~~" };

interface Piece {
  node: PMNode;
  marks: readonly Mark[];
}

/** A textblock's content as one Markdown line (or, in a paragraph, lines joined by hard breaks). */
function inline(node: PMNode, context: InlineContext): string {
  const pieces: Piece[] = [];
  node.forEach((child) => pieces.push({ node: child, marks: child.marks }));
  return finish(runs(pieces, 0, context), context);
}

/** Text we write ourselves around user text (titles, detail lines): escaped the same way. */
function plainText(text: string, context: InlineContext): string {
  return finish(escapeText(text), context);
}

/** Trims the block's edges (breaks included), writes its breaks and guards its line starts. */
function finish(markdown: string, context: InlineContext): string {
  const trimmed = markdown.replace(new RegExp(`^[\\s${BREAK}]+|[\\s${BREAK}]+$`, "g"), "");
  const lines = trimmed.split(BREAK).map((line) => line.trim());
  if (context.isAtLineStart) return lines.map(escapeLineStart).join(context.hardBreak);
  const text = lines.join(context.hardBreak);
  // "## Title #" would lose its last "#" as a closing sequence.
  return context === HEADING ? text.replace(/(\s)(#+)$/, "$1\\$2") : text;
}

function markOf(piece: Piece, name: MarkName): Mark | undefined {
  return piece.marks.find((mark) => mark.type.name === name);
}

function sameMark(a: Mark | undefined, b: Mark | undefined): boolean {
  return a === b || (!!a && !!b && a.eq(b));
}

/** Splits pieces into runs that share mark `MARK_ORDER[level]` and wraps each run in it. */
function runs(pieces: Piece[], level: number, context: InlineContext): string {
  if (level === MARK_ORDER.length) return pieces.map((piece) => leaf(piece.node)).join("");
  const name = MARK_ORDER[level]!;
  let output = "";
  let start = 0;
  while (start < pieces.length) {
    const mark = markOf(pieces[start]!, name);
    let end = start + 1;
    while (end < pieces.length && sameMark(markOf(pieces[end]!, name), mark)) end++;
    const run = pieces.slice(start, end);
    output += mark ? wrap(run, name, mark, level, context) : runs(run, level + 1, context);
    start = end;
  }
  return output;
}

function wrap(run: Piece[], name: MarkName, mark: Mark, level: number, context: InlineContext): string {
  if (name === "code") return codeSpan(run.map((piece) => (piece.node.isText ? piece.node.text! : " ")).join(""), context);
  const inner = runs(run, level + 1, context);
  // Delimiters must touch the text they wrap, so surrounding spaces and breaks go outside them.
  const [, before = "", core = "", after = ""] = new RegExp(`^([\\s${BREAK}]*)([\\s\\S]*?)([\\s${BREAK}]*)$`).exec(inner) ?? [];
  if (!core) return inner;
  if (name === "link") {
    const href = String(mark.attrs.href ?? "");
    return isSafeLinkUrl(href) ? `${before}[${core}](${linkDestination(href)})${after}` : inner;
  }
  const delimiter = DELIMITERS[name];
  return `${before}${delimiter}${core}${delimiter}${after}`;
}

function leaf(node: PMNode): string {
  if (node.isText) return escapeText(node.text!);
  if (node.type.name === "hardBreak") return BREAK;
  return "";
}

/** Characters that start inline markup anywhere in a line (CommonMark and GFM); a newline
 * in text is a line break. */
function escapeText(text: string): string {
  return text
    .replaceAll(BREAK, "")
    .replace(/[\\`*_[\]<>|~]/g, "\\$&")
    .replace(/&(?=#?\w+;)/g, "\\&")
    .replace(/\r\n?|\n/g, BREAK);
}

/** What would make a line a heading, quote, list item, rule or setext underline. */
function escapeLineStart(line: string): string {
  const ordered = /^(\d{1,9})([.)])/.exec(line);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${line.slice(ordered[0].length)}`;
  return /^[#>+\-=]/.test(line) ? `\\${line}` : line;
}

function codeSpan(code: string, context: InlineContext): string {
  let text = code.replace(/\r\n?|\n/g, " ").replaceAll(BREAK, "");
  // In a table a pipe ends the cell even inside code unless escaped (GFM unescapes it there).
  if (context.inTable) text = text.replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padding = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${padding}${text}${padding}${fence}`;
}

/** A link target that cannot end early or break the table it is in. */
function linkDestination(href: string): string {
  return href.trim().replace(/[\s()<>|\\]/g, (character) => {
    const code = character.codePointAt(0)!;
    return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : encodeURIComponent(character);
  });
}
