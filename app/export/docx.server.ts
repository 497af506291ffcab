// A plan (as it is now, or a saved version) as a Word document: a title page, then each section
// under a Heading 1 with its lead institution and status, its text in Word's own paragraphs,
// lists, links and tables, action matrices as tables whose header row repeats on every page, and
// the open comment threads as Word comments on their passages. Everything is written through
// the docx library, never as hand-made XML.
import {
  AlignmentType,
  BorderStyle,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  Document,
  ExternalHyperlink,
  Footer,
  HeadingLevel,
  LevelFormat,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ICommentOptions,
  type ILevelsOptions,
  type IParagraphOptions,
  type IPropertiesOptions,
  type IRunOptions,
  type ISectionOptions,
  type ParagraphChild,
} from "docx";
import type { TFunction } from "i18next";
import type { Mark, Node as PMNode } from "@tiptap/pm/model";
import { ACTION_COLUMNS } from "../editor/action-matrix";
import { COMMENT_MARK } from "../editor/comment-mark";
import { safeLinkHref } from "../editor/extensions";
import type { Person, ThreadView } from "../models/comment.server";
import type { SectionDetail } from "../versions/version.server";
import { formatDeadline } from "../utils/deadline";
import type { PlanSource } from "./plan-source.server";

export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** The words a document is written with, in the reader's language. */
export interface DocxLanguage {
  t: TFunction;
  locale: string;
}

export interface PlanDocxOptions extends DocxLanguage {
  /** The line under the title: the version's name, "Automatic checkpoint" or "Current text". */
  versionLabel: string;
  /** Threads to write as Word comments; those whose passage is not in the document are left out. */
  threads?: ThreadView[];
}

/** The plan as a .docx file. */
export async function planDocx(source: PlanSource, options: PlanDocxOptions): Promise<ArrayBuffer> {
  return Packer.pack(new PlanWriter(source, options).document(), "arraybuffer");
}

// ---------------------------------------------------------------------------------------------
// What both Word files share: page, styles, title page, lists.

const BULLETS = "bullets";
const NUMBERS = "numbers";

/** A4 with 2.5 cm margins: the page of Indonesian government documents. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = 1418;

const GREY = "595959";

/**
 * A run of pages: A4 portrait, or landscape for a wide action matrix. The first one starts with
 * the title page, which has no page number.
 */
export function documentSection(children: ISectionOptions["children"], { isFirst = true, isLandscape = false } = {}): ISectionOptions {
  return {
    properties: {
      titlePage: isFirst,
      page: {
        size: { ...A4, orientation: isLandscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
        margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      },
    },
    footers: {
      default: new Footer({
        children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], color: GREY, size: 18 })] })],
      }),
    },
    children,
  };
}

export function documentProperties(input: { title: string; description: string }): Omit<IPropertiesOptions, "sections"> {
  return {
    title: input.title,
    description: input.description,
    creator: "Gotong",
    styles: {
      default: {
        document: { run: { font: "Calibri", size: 22 }, paragraph: { spacing: { after: 120, line: 276, lineRule: LineRuleType.AUTO } } },
        title: { run: { font: "Calibri", size: 52, bold: true, color: "1F3864" }, paragraph: { spacing: { before: 3600, after: 240 } } },
        heading1: { run: { font: "Calibri", size: 32, bold: true, color: "1F3864" }, paragraph: { spacing: { before: 360, after: 60 }, keepNext: true, keepLines: true } },
        heading2: { run: { font: "Calibri", size: 26, bold: true, color: "1F3864" }, paragraph: { spacing: { before: 240, after: 60 }, keepNext: true, keepLines: true } },
        heading3: { run: { font: "Calibri", size: 23, bold: true, color: "1F3864" }, paragraph: { spacing: { before: 200, after: 60 }, keepNext: true, keepLines: true } },
      },
      paragraphStyles: [
        { id: "Subtitle", name: "Subtitle", basedOn: "Normal", next: "Normal", run: { size: 30, color: GREY }, paragraph: { spacing: { after: 120 } } },
        { id: "SectionDetails", name: "Section details", basedOn: "Normal", next: "Normal", run: { size: 18, color: GREY }, paragraph: { spacing: { after: 200 }, keepNext: true } },
        {
          id: "BlockQuote",
          name: "Block quote",
          basedOn: "Normal",
          run: { italics: true, color: "404040" },
          paragraph: { indent: { left: 567 }, border: { left: { style: BorderStyle.SINGLE, size: 12, color: "BFBFBF", space: 8 } } },
        },
        { id: "TableText", name: "Table text", basedOn: "Normal", run: { size: 18 }, paragraph: { spacing: { after: 40, line: 240, lineRule: LineRuleType.AUTO } } },
      ],
    },
    numbering: {
      config: [
        { reference: BULLETS, levels: listLevels((level) => ({ format: LevelFormat.BULLET, text: ["•", "◦", "▪"][level % 3]! })) },
        { reference: NUMBERS, levels: numberedLevels(1) },
      ],
    },
  };
}

function numberedLevels(start: number): ILevelsOptions[] {
  const formats = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];
  return listLevels((level) => ({ format: formats[level % 3]!, text: `%${level + 1}.` }), start);
}

function listLevels(shape: (level: number) => Pick<ILevelsOptions, "format" | "text">, start = 1): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    ...shape(level),
    start: level === 0 ? start : 1,
    alignment: AlignmentType.START,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
  }));
}

/** The title and the lines under it (which version, its date), at the top of the first page. */
export function titlePage(title: string, lines: string[]): Paragraph[] {
  return [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title)] }),
    ...lines.map((line) => new Paragraph({ style: "Subtitle", children: [new TextRun(line)] })),
  ];
}

/** "Tendy Gunawan (ILO)": how a person is named as a comment's or a change's author. */
export function personName(person: Pick<Person, "name" | "organisation">): string {
  return person.organisation ? `${person.name} (${person.organisation})` : person.name;
}

export function statusLabel(status: string, t: TFunction): string {
  return ({ draft: t("section.statusDraft"), in_review: t("section.statusInReview"), approved: t("section.statusApproved") } as Record<string, string>)[status] ?? status;
}

/** The small line under a section's heading: who leads it, and its status. */
export function sectionDetailsLine(detail: SectionDetail | undefined, { t }: DocxLanguage): Paragraph | null {
  if (!detail) return null;
  const text = t("exports.sectionDetails", { lead: detail.lead ?? t("section.noLead"), status: statusLabel(detail.status, t) });
  return new Paragraph({ style: "SectionDetails", children: [new TextRun(text)] });
}

/** A table cell with room around its text; a header cell shaded. */
export function tableCell(children: (Paragraph | Table)[], options: { header?: boolean; columnSpan?: number; rowSpan?: number } = {}): TableCell {
  // A cell must end with a paragraph (Word refuses a cell that ends with a table).
  const content = children[children.length - 1] instanceof Paragraph ? children : [...children, new Paragraph({ style: "TableText" })];
  return new TableCell({
    children: content,
    columnSpan: options.columnSpan,
    rowSpan: options.rowSpan,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    ...(options.header ? { shading: { type: ShadingType.CLEAR, fill: "DCE3EE", color: "auto" } } : {}),
  });
}

/** The column labels, as a header row Word repeats at the top of every page the matrix runs over. */
export function actionMatrixHeader({ t }: DocxLanguage): TableRow {
  return new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: ACTION_COLUMNS.map((column) =>
      tableCell([new Paragraph({ style: "TableText", children: [new TextRun({ text: t(`actions.columns.${column}`), bold: true })] })], { header: true }),
    ),
  });
}

export function fullWidthTable(rows: TableRow[]): Table {
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
}

// ---------------------------------------------------------------------------------------------
// The plan.

interface BlockContext {
  /** Inside a list: its reference and instance, and how deep. */
  list: { reference: string; instance: number; level: number } | null;
  /** Paragraph style for text that is neither heading nor list (quote, table). */
  style: string | undefined;
  run: IRunOptions;
}

interface CommentAnchor {
  /** Word comment ids: the thread's first comment, then its replies. */
  ids: number[];
  /** Positions of the first and last text node the thread's mark is on. */
  first: number;
  last: number;
}

type Block = Paragraph | Table;

class PlanWriter {
  private lists = 0;
  private numberings = new Map<number, string>();
  private comments: ICommentOptions[] = [];
  private textAnchors = new Map<string, CommentAnchor>();
  private sectionAnchors = new Map<string, number[][]>();
  private pages: { isLandscape: boolean; children: Block[] }[] = [];

  constructor(
    private source: PlanSource,
    private options: PlanDocxOptions,
  ) {
    this.placeComments();
  }

  document(): Document {
    const { source, options } = this;
    const details = new Map(source.details.map((detail) => [detail.id, detail]));
    this.add(titlePage(source.title, [options.versionLabel, formatDeadline(source.date, options.locale)]));
    let isFirst = true;
    source.doc.forEach((section, offset) => {
      if (section.type.name !== "section") return;
      this.section(section, offset, details.get(section.attrs.id as string), isFirst);
      isFirst = false;
    });
    // Word always ends a document with a paragraph; LibreOffice loses the last page setup without one.
    const last = this.pages[this.pages.length - 1]!;
    if (last.children.at(-1) instanceof Table) this.add([new Paragraph({})], last.isLandscape);
    const properties = documentProperties({ title: source.title, description: options.versionLabel });
    return new Document({
      ...properties,
      numbering: { config: [...properties.numbering!.config, ...this.startedNumberings()] },
      comments: { children: this.comments },
      sections: this.pages.map((pages, index) => documentSection(pages.children, { isFirst: index === 0, isLandscape: pages.isLandscape })),
    });
  }

  /** Blocks at the end of the document: on portrait pages, or on landscape ones. */
  private add(blocks: Block[], isLandscape = false): void {
    let last = this.pages[this.pages.length - 1];
    if (!last || last.isLandscape !== isLandscape) this.pages.push((last = { isLandscape, children: [] }));
    last.children.push(...blocks);
  }

  private section(section: PMNode, pos: number, detail: SectionDetail | undefined, isFirst: boolean): void {
    const heading = section.firstChild;
    const threads = this.sectionAnchors.get(section.attrs.id as string) ?? [];
    const runs = heading ? this.inline(heading, pos + 1, {}) : [];
    this.add([
      new Paragraph({
        heading: HeadingLevel.HEADING_1,
        pageBreakBefore: isFirst,
        children: threads.length ? [...commentStarts(threads.flat()), ...runs, ...commentEnds(threads)] : runs,
      }),
    ]);
    const line = sectionDetailsLine(detail, this.options);
    if (line) this.add([line]);
    section.forEach((child, offset, index) => {
      if (index === 0) return;
      // Nine columns need the width of a landscape page, as in printed action plans.
      if (child.type.name === "actionMatrix") this.add([this.actionMatrix(child, pos + 1 + offset)], true);
      else this.add(this.block(child, pos + 1 + offset, { list: null, style: undefined, run: {} }));
    });
  }

  private block(node: PMNode, pos: number, context: BlockContext): Block[] {
    const children = (childContext: BlockContext) => {
      const blocks: Block[] = [];
      node.forEach((child, offset) => blocks.push(...this.block(child, pos + 1 + offset, childContext)));
      return blocks;
    };
    switch (node.type.name) {
      case "paragraph":
        return [this.paragraph(node, pos, context, {})];
      case "heading": {
        // Heading 1 is for section titles; subheadings (levels 2 and 3 in the editor) are Heading 2, level 4 Heading 3.
        const level = node.attrs.level === 4 ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_2;
        return [this.paragraph(node, pos, context.list ? context : { ...context, style: undefined }, { heading: level })];
      }
      case "blockquote":
        return children({ ...context, style: "BlockQuote" });
      case "bulletList":
      case "orderedList": {
        const reference = node.type.name === "bulletList" ? BULLETS : this.numberingFrom(Number(node.attrs.start ?? 1));
        const list = { reference, instance: this.lists++, level: context.list ? Math.min(context.list.level + 1, 8) : 0 };
        return children({ ...context, list });
      }
      case "listItem": {
        const blocks: Block[] = [];
        node.forEach((child, offset, index) => {
          const childPos = pos + 1 + offset;
          if (child.type.name === "paragraph" && context.list) {
            // The item's first paragraph carries the number; the others line up under it.
            const { list } = context;
            const properties: Partial<IParagraphOptions> =
              index === 0
                ? { numbering: { reference: list.reference, level: list.level, instance: list.instance } }
                : { indent: { left: 720 * (list.level + 1) } };
            blocks.push(this.paragraph(child, childPos, context, properties));
          } else {
            blocks.push(...this.block(child, childPos, context));
          }
        });
        return blocks;
      }
      case "horizontalRule":
        return [new Paragraph({ thematicBreak: true })];
      case "table":
        return [this.table(node, pos)];
      case "actionMatrix":
        return [this.actionMatrix(node, pos)];
      default:
        // Anything else the schema may hold later: its text, not lost.
        if (node.isTextblock) return [this.paragraph(node, pos, context, {})];
        return children(context);
    }
  }

  private paragraph(node: PMNode, pos: number, context: BlockContext, properties: Partial<IParagraphOptions>): Paragraph {
    return new Paragraph({ style: context.style, ...properties, children: this.inline(node, pos, context.run) });
  }

  private table(node: PMNode, pos: number): Table {
    const context: BlockContext = { list: null, style: "TableText", run: {} };
    const rows: TableRow[] = [];
    node.forEach((row, rowOffset, rowIndex) => {
      const rowPos = pos + 1 + rowOffset;
      const cells: TableCell[] = [];
      let isHeaderRow = true;
      row.forEach((cell, cellOffset) => {
        const isHeader = cell.type.name === "tableHeader";
        isHeaderRow &&= isHeader;
        const blocks: Block[] = [];
        cell.forEach((child, offset) =>
          blocks.push(...this.block(child, rowPos + 1 + cellOffset + 1 + offset, isHeader ? { ...context, run: { bold: true } } : context)),
        );
        cells.push(tableCell(blocks, { header: isHeader, columnSpan: Number(cell.attrs.colspan ?? 1), rowSpan: Number(cell.attrs.rowspan ?? 1) }));
      });
      // A first row of header cells repeats at the top of every page the table runs over.
      // Only set when true: docx writes tableHeader false as <w:tblHeader w:val="off"/>, which
      // readers such as mammoth take for a header all the same.
      rows.push(new TableRow({ children: cells, ...(rowIndex === 0 && isHeaderRow ? { tableHeader: true } : {}) }));
    });
    return fullWidthTable(rows);
  }

  private actionMatrix(node: PMNode, pos: number): Table {
    const context: BlockContext = { list: null, style: "TableText", run: {} };
    const rows = [actionMatrixHeader(this.options)];
    node.forEach((row, rowOffset) => {
      const rowPos = pos + 1 + rowOffset;
      const cells: TableCell[] = [];
      row.forEach((cell, cellOffset) => {
        const blocks: Block[] = [];
        cell.forEach((child, offset) => blocks.push(...this.block(child, rowPos + 1 + cellOffset + 1 + offset, context)));
        cells.push(tableCell(blocks));
      });
      rows.push(new TableRow({ children: cells }));
    });
    return fullWidthTable(rows);
  }

  /** A text block's runs: marks as run formatting, links as hyperlinks, comment ranges around. */
  private inline(node: PMNode, pos: number, run: IRunOptions): ParagraphChild[] {
    const children: ParagraphChild[] = [];
    node.forEach((child, offset) => {
      const childPos = pos + 1 + offset;
      if (child.type.name === "hardBreak") {
        children.push(new TextRun({ ...run, break: 1 }));
        return;
      }
      if (!child.isText || !child.text) return;
      const threads = threadIdsOf(child.marks).flatMap((threadId) => {
        const anchor = this.textAnchors.get(threadId);
        return anchor ? [anchor] : [];
      });
      children.push(...commentStarts(threads.filter((anchor) => anchor.first === childPos).flatMap((anchor) => anchor.ids)));
      const href = safeLinkHref(child.marks.find((mark) => mark.type.name === "link")?.attrs.href);
      const text = new TextRun({ ...run, ...runFormatting(child.marks), text: child.text, ...(href ? { style: "Hyperlink" } : {}) });
      children.push(href ? new ExternalHyperlink({ link: href, children: [text] }) : text);
      children.push(...commentEnds(threads.filter((anchor) => anchor.last === childPos).map((anchor) => anchor.ids)));
    });
    return children;
  }

  /** An ordered list's numbering: the shared one, or one that starts at `start`. */
  private numberingFrom(start: number): string {
    if (!Number.isSafeInteger(start) || start <= 1) return NUMBERS;
    let reference = this.numberings.get(start);
    if (!reference) this.numberings.set(start, (reference = `${NUMBERS}-from-${start}`));
    return reference;
  }

  private startedNumberings() {
    return [...this.numberings].map(([start, reference]) => ({ reference, levels: numberedLevels(start) }));
  }

  /** Which threads become Word comments, on which passages, under which ids. */
  private placeComments(): void {
    const threads = this.options.threads ?? [];
    if (threads.length === 0) return;
    const textRanges = new Map<string, { first: number; last: number }>();
    this.source.doc.descendants((node, pos) => {
      if (!node.isText) return true;
      for (const threadId of threadIdsOf(node.marks)) {
        const range = textRanges.get(threadId);
        if (range) range.last = pos;
        else textRanges.set(threadId, { first: pos, last: pos });
      }
      return false;
    });
    const sectionIds = new Set<string>();
    this.source.doc.forEach((section) => sectionIds.add(section.attrs.id as string));

    for (const thread of threads) {
      const range = thread.anchor === "text" ? textRanges.get(thread.id) : undefined;
      const onSection = thread.anchor === "section" && sectionIds.has(thread.sectionId);
      const comments = thread.comments.filter((comment) => !comment.deleted);
      if ((!range && !onSection) || comments.length === 0) continue;
      const ids: number[] = [];
      for (const comment of comments) {
        const id = this.comments.length;
        this.comments.push({
          id,
          author: personName(comment.author),
          initials: initials(comment.author.name),
          date: new Date(comment.createdAt),
          ...(ids.length > 0 ? { parentId: ids[0] } : {}),
          children: comment.body.split("\n").map((line) => new Paragraph({ children: [new TextRun(line)] })),
        });
        ids.push(id);
      }
      if (range) this.textAnchors.set(thread.id, { ids, ...range });
      else this.sectionAnchors.set(thread.sectionId, [...(this.sectionAnchors.get(thread.sectionId) ?? []), ids]);
    }
  }
}

function runFormatting(marks: readonly Mark[]): IRunOptions {
  const names = new Set(marks.map((mark) => mark.type.name));
  return {
    ...(names.has("bold") ? { bold: true } : {}),
    ...(names.has("italic") ? { italics: true } : {}),
    ...(names.has("strike") ? { strike: true } : {}),
    ...(names.has("underline") ? { underline: {} } : {}),
    ...(names.has("code") ? { font: "Consolas" } : {}),
  };
}

function threadIdsOf(marks: readonly Mark[]): string[] {
  return marks.flatMap((mark) => (mark.type.name === COMMENT_MARK && typeof mark.attrs.threadId === "string" ? [mark.attrs.threadId] : []));
}

function commentStarts(ids: number[]): ParagraphChild[] {
  return ids.map((id) => new CommentRangeStart(id));
}

/** Where threads end: every range end first, then the references (Word's order for replies). */
function commentEnds(threads: number[][]): ParagraphChild[] {
  const ids = threads.flat();
  return [...ids.map((id) => new CommentRangeEnd(id)), ...ids.map((id) => new TextRun({ children: [new CommentReference(id)] }))];
}

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 3)
      .map((word) => word[0]!.toUpperCase())
      .join("") || "?"
  );
}
