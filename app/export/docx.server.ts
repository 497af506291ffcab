// A plan (as it is now, or a saved version) as a Word document: a title page, then each section
// under a Heading 1 with its lead institution and status, its text in Word's own paragraphs,
// lists, links and tables, action matrices as tables whose header row repeats on every page, and
// the open comment threads as Word comments on their passages, open suggestions as Word tracked
// changes under their suggester's name, and each section heading in a bookmark named from the
// section's id (section-bookmarks.ts) so a reviewed copy finds its sections again. Everything is
// written through the docx library, never as hand-made XML.
import type {
  Document,
  ICommentOptions,
  IParagraphOptions,
  IRunOptions,
  Paragraph,
  ParagraphChild,
  Table,
  TableCell,
  TableRow,
} from "docx";
import type { Mark, Node as PMNode } from "@tiptap/pm/model";
import { COMMENT_MARK } from "../editor/comment-mark";
import { safeLinkHref } from "../editor/extensions";
import { deleteMarksOf, insertMarkOf } from "../editor/suggestion-marks";
import type { ThreadView } from "../models/comment.server";
import type { SectionDetail } from "../versions/version.server";
import { formatDeadline } from "../utils/deadline";
import {
  BULLETS,
  NUMBERS,
  numberedLevels,
  actionMatrixHeader,
  documentProperties,
  documentSection,
  fullWidthTable,
  personName,
  sectionDetailsLine,
  tableCell,
  titlePage,
  loadDocx,
  type DocxLanguage,
  type DocxLibrary,
} from "./docx-layout.server";
import type { PlanSource } from "./plan-source.server";
import { sectionBookmarkName } from "./section-bookmarks";
import type { SuggestionCredit } from "./suggestion-credits.server";

export { DOCX_CONTENT_TYPE } from "./docx-layout.server";

export interface PlanDocxOptions extends DocxLanguage {
  /** The line under the title: the version's name, "Automatic checkpoint" or "Current text". */
  versionLabel: string;
  /** Threads to write as Word comments; those whose passage is not in the document are left out. */
  threads?: ThreadView[];
  /** Who made each open suggestion and when (suggestion-credits.server.ts); a suggestion not
   * here is written under "unknown" at the document's date. */
  suggestions?: ReadonlyMap<string, SuggestionCredit>;
}

/** The plan as a .docx file. */
export async function planDocx(source: PlanSource, options: PlanDocxOptions): Promise<ArrayBuffer> {
  const docx = await loadDocx();
  return docx.Packer.pack(new PlanWriter(docx, source, options).document(), "arraybuffer");
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
  /** Word numbers tracked changes once per document. */
  private revisions = 0;

  constructor(
    private docx: DocxLibrary,
    private source: PlanSource,
    private options: PlanDocxOptions,
  ) {
    this.placeComments();
  }

  document(): Document {
    const { docx, source, options } = this;
    const { Document, Paragraph, Table } = docx;
    const details = new Map(source.details.map((detail) => [detail.id, detail]));
    this.add(titlePage(docx, source.title, [options.versionLabel, formatDeadline(source.date, options.locale)]));
    let isFirst = true;
    source.docWithSuggestions.forEach((section, offset) => {
      if (section.type.name !== "section") return;
      this.section(section, offset, details.get(section.attrs.id as string), isFirst);
      isFirst = false;
    });
    // Word always ends a document with a paragraph; LibreOffice loses the last page setup without one.
    const last = this.pages[this.pages.length - 1]!;
    if (last.children.at(-1) instanceof Table) this.add([new Paragraph({})], last.isLandscape);
    const properties = documentProperties(docx, { title: source.title, description: options.versionLabel });
    return new Document({
      ...properties,
      numbering: { config: [...properties.numbering!.config, ...this.startedNumberings()] },
      comments: { children: this.comments },
      // A reviewer's changes to the file are tracked, so they can come back as suggestions.
      features: { trackRevisions: true },
      sections: this.pages.map((pages, index) =>
        documentSection(docx, pages.children, { isFirst: index === 0, isLandscape: pages.isLandscape }),
      ),
    });
  }

  /** Blocks at the end of the document: on portrait pages, or on landscape ones. */
  private add(blocks: Block[], isLandscape = false): void {
    let last = this.pages[this.pages.length - 1];
    if (!last || last.isLandscape !== isLandscape) this.pages.push((last = { isLandscape, children: [] }));
    last.children.push(...blocks);
  }

  private section(section: PMNode, pos: number, detail: SectionDetail | undefined, isFirst: boolean): void {
    const { docx } = this;
    const { Bookmark, HeadingLevel, Paragraph } = docx;
    const heading = section.firstChild;
    const threads = this.sectionAnchors.get(section.attrs.id as string) ?? [];
    const runs = heading ? this.inline(heading, pos + 1, {}) : [];
    const title = threads.length ? [...commentStarts(docx, threads.flat()), ...runs, ...commentEnds(docx, threads)] : runs;
    this.add([
      new Paragraph({
        heading: HeadingLevel.HEADING_1,
        pageBreakBefore: isFirst,
        children: [new Bookmark({ id: sectionBookmarkName(String(section.attrs.id ?? "")), children: title })],
      }),
    ]);
    const line = sectionDetailsLine(docx, detail, this.options);
    if (line) this.add([line]);
    section.forEach((child, offset, index) => {
      if (index === 0) return;
      // Nine columns need the width of a landscape page, as in printed action plans.
      if (child.type.name === "actionMatrix") this.add([this.actionMatrix(child, pos + 1 + offset)], true);
      else this.add(this.block(child, pos + 1 + offset, { list: null, style: undefined, run: {} }));
    });
  }

  private block(node: PMNode, pos: number, context: BlockContext): Block[] {
    const { HeadingLevel, Paragraph } = this.docx;
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
    return new this.docx.Paragraph({ style: context.style, ...properties, children: this.inline(node, pos, context.run) });
  }

  private table(node: PMNode, pos: number): Table {
    const { docx } = this;
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
        cells.push(
          tableCell(docx, blocks, {
            header: isHeader,
            columnSpan: Number(cell.attrs.colspan ?? 1),
            rowSpan: Number(cell.attrs.rowspan ?? 1),
          }),
        );
      });
      // A first row of header cells repeats at the top of every page the table runs over.
      // Only set when true: docx writes tableHeader false as <w:tblHeader w:val="off"/>, which
      // readers such as mammoth take for a header all the same.
      rows.push(new docx.TableRow({ children: cells, ...(rowIndex === 0 && isHeaderRow ? { tableHeader: true } : {}) }));
    });
    return fullWidthTable(docx, rows);
  }

  private actionMatrix(node: PMNode, pos: number): Table {
    const { docx } = this;
    const context: BlockContext = { list: null, style: "TableText", run: {} };
    const rows = [actionMatrixHeader(docx, this.options)];
    node.forEach((row, rowOffset) => {
      const rowPos = pos + 1 + rowOffset;
      const cells: TableCell[] = [];
      row.forEach((cell, cellOffset) => {
        const blocks: Block[] = [];
        cell.forEach((child, offset) => blocks.push(...this.block(child, rowPos + 1 + cellOffset + 1 + offset, context)));
        cells.push(tableCell(docx, blocks));
      });
      rows.push(new docx.TableRow({ children: cells }));
    });
    return fullWidthTable(docx, rows);
  }

  /** A text block's runs: marks as run formatting, links as hyperlinks, comment ranges around. */
  private inline(node: PMNode, pos: number, run: IRunOptions): ParagraphChild[] {
    const { docx } = this;
    const { ExternalHyperlink, TextRun } = docx;
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
      children.push(
        ...commentStarts(
          docx,
          threads.filter((anchor) => anchor.first === childPos).flatMap((anchor) => anchor.ids),
        ),
      );
      const href = safeLinkHref(child.marks.find((mark) => mark.type.name === "link")?.attrs.href);
      const text = this.textRun(child, {
        ...run,
        ...runFormatting(child.marks),
        text: child.text,
        ...(href ? { style: "Hyperlink" } : {}),
      });
      if (text) children.push(href ? new ExternalHyperlink({ link: href, children: [text] }) : text);
      children.push(
        ...commentEnds(
          docx,
          threads.filter((anchor) => anchor.last === childPos).map((anchor) => anchor.ids),
        ),
      );
    });
    return children;
  }

  /**
   * A text node as a run: a suggested insertion as a Word insertion, a suggested deletion as a
   * Word deletion, under the suggester's name, formatting kept inside. Text that one suggestion
   * inserts and another deletes is left out: it is in neither the accepted text nor the text with
   * every suggestion accepted, and Word's change cannot say both (docs/suggestions.md).
   */
  private textRun(node: PMNode, options: IRunOptions): ParagraphChild | null {
    const { DeletedTextRun, InsertedTextRun, TextRun } = this.docx;
    const insertion = insertMarkOf(node);
    // Several people proposing the same deletion: Word keeps one author per change, the first.
    const [deletion] = deleteMarksOf(node);
    if (insertion && deletion) return null;
    if (insertion) return new InsertedTextRun({ ...options, ...this.revision(insertion) });
    if (deletion) return new DeletedTextRun({ ...options, ...this.revision(deletion) });
    return new TextRun(options);
  }

  private revision(mark: Mark): { id: number; author: string; date: string } {
    const credit = this.options.suggestions?.get(String(mark.attrs.id));
    return {
      id: ++this.revisions,
      author: credit?.author ? personName(credit.author) : this.options.t("versions.unknownPerson"),
      // Word reads xsd:dateTime without fractions of a second most reliably.
      date: new Date(credit?.createdAt ?? this.source.date).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
  }

  /** An ordered list's numbering: the shared one, or one that starts at `start`. */
  private numberingFrom(start: number): string {
    if (!Number.isSafeInteger(start) || start <= 1) return NUMBERS;
    let reference = this.numberings.get(start);
    if (!reference) this.numberings.set(start, (reference = `${NUMBERS}-from-${start}`));
    return reference;
  }

  private startedNumberings() {
    return [...this.numberings].map(([start, reference]) => ({ reference, levels: numberedLevels(this.docx, start) }));
  }

  /** Which threads become Word comments, on which passages, under which ids. */
  private placeComments(): void {
    const { Paragraph, TextRun } = this.docx;
    const threads = this.options.threads ?? [];
    if (threads.length === 0) return;
    const textRanges = new Map<string, { first: number; last: number }>();
    this.source.docWithSuggestions.descendants((node, pos) => {
      if (!node.isText) return true;
      for (const threadId of threadIdsOf(node.marks)) {
        const range = textRanges.get(threadId);
        if (range) range.last = pos;
        else textRanges.set(threadId, { first: pos, last: pos });
      }
      return false;
    });
    const sectionIds = new Set<string>();
    this.source.docWithSuggestions.forEach((section) => sectionIds.add(section.attrs.id as string));

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

function commentStarts(docx: DocxLibrary, ids: number[]): ParagraphChild[] {
  return ids.map((id) => new docx.CommentRangeStart(id));
}

/** Where threads end: every range end first, then the references (Word's order for replies). */
function commentEnds(docx: DocxLibrary, threads: number[][]): ParagraphChild[] {
  const { CommentRangeEnd, CommentReference, TextRun } = docx;
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
