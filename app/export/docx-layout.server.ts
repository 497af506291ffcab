// What the plan's Word file (docx.server.ts) and the Word redline (app/versions/compare-docx.server.ts)
// share: page, styles, properties, the title page, lists, tables and the words of section details.
import type * as Docx from "docx";
import type { ILevelsOptions, IPropertiesOptions, ISectionOptions, Paragraph, Table, TableCell, TableRow } from "docx";
import type { TFunction } from "i18next";
import { ACTION_COLUMNS } from "../editor/action-matrix";
import type { Person } from "../models/comment.server";
import type { SectionDetail } from "../versions/version.server";

export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** The docx library: a megabyte of JavaScript, loaded when the first Word file is written rather
 * than when the server starts. Everything here that makes Word objects is handed it. */
export type DocxLibrary = typeof Docx;
export const loadDocx = (): Promise<DocxLibrary> => import("docx");

/** The words a document is written with, in the reader's language. */
export interface DocxLanguage {
  t: TFunction;
  locale: string;
}

export const BULLETS = "bullets";
export const NUMBERS = "numbers";

/** A4 with 2.5 cm margins: the page of Indonesian government documents. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = 1418;

const GREY = "595959";

/**
 * A run of pages: A4 portrait, or landscape for a wide action matrix. The first one starts with
 * the title page, which has no page number.
 */
export function documentSection(
  docx: DocxLibrary,
  children: ISectionOptions["children"],
  { isFirst = true, isLandscape = false } = {},
): ISectionOptions {
  const { AlignmentType, Footer, PageNumber, PageOrientation, Paragraph, TextRun } = docx;
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
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [new TextRun({ children: [PageNumber.CURRENT], color: GREY, size: 18 })],
          }),
        ],
      }),
    },
    children,
  };
}

export function documentProperties(docx: DocxLibrary, input: { title: string; description: string }): Omit<IPropertiesOptions, "sections"> {
  const { BorderStyle, LevelFormat, LineRuleType } = docx;
  return {
    title: input.title,
    description: input.description,
    creator: "Gotong",
    styles: {
      default: {
        document: { run: { font: "Calibri", size: 22 }, paragraph: { spacing: { after: 120, line: 276, lineRule: LineRuleType.AUTO } } },
        title: { run: { font: "Calibri", size: 52, bold: true, color: "1F3864" }, paragraph: { spacing: { before: 3600, after: 240 } } },
        heading1: {
          run: { font: "Calibri", size: 32, bold: true, color: "1F3864" },
          paragraph: { spacing: { before: 360, after: 60 }, keepNext: true, keepLines: true },
        },
        heading2: {
          run: { font: "Calibri", size: 26, bold: true, color: "1F3864" },
          paragraph: { spacing: { before: 240, after: 60 }, keepNext: true, keepLines: true },
        },
        heading3: {
          run: { font: "Calibri", size: 23, bold: true, color: "1F3864" },
          paragraph: { spacing: { before: 200, after: 60 }, keepNext: true, keepLines: true },
        },
      },
      paragraphStyles: [
        {
          id: "Subtitle",
          name: "Subtitle",
          basedOn: "Normal",
          next: "Normal",
          run: { size: 30, color: GREY },
          paragraph: { spacing: { after: 120 } },
        },
        {
          id: "SectionDetails",
          name: "Section details",
          basedOn: "Normal",
          next: "Normal",
          run: { size: 18, color: GREY },
          paragraph: { spacing: { after: 200 }, keepNext: true },
        },
        {
          id: "BlockQuote",
          name: "Block quote",
          basedOn: "Normal",
          run: { italics: true, color: "404040" },
          paragraph: { indent: { left: 567 }, border: { left: { style: BorderStyle.SINGLE, size: 12, color: "BFBFBF", space: 8 } } },
        },
        {
          id: "TableText",
          name: "Table text",
          basedOn: "Normal",
          run: { size: 18 },
          paragraph: { spacing: { after: 40, line: 240, lineRule: LineRuleType.AUTO } },
        },
      ],
    },
    numbering: {
      config: [
        { reference: BULLETS, levels: listLevels(docx, (level) => ({ format: LevelFormat.BULLET, text: ["•", "◦", "▪"][level % 3]! })) },
        { reference: NUMBERS, levels: numberedLevels(docx, 1) },
      ],
    },
  };
}

export function numberedLevels(docx: DocxLibrary, start: number): ILevelsOptions[] {
  const { LevelFormat } = docx;
  const formats = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];
  return listLevels(docx, (level) => ({ format: formats[level % 3]!, text: `%${level + 1}.` }), start);
}

function listLevels(docx: DocxLibrary, shape: (level: number) => Pick<ILevelsOptions, "format" | "text">, start = 1): ILevelsOptions[] {
  const { AlignmentType } = docx;
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    ...shape(level),
    start: level === 0 ? start : 1,
    alignment: AlignmentType.START,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
  }));
}

/** The title and the lines under it (which version, its date), at the top of the first page. */
export function titlePage(docx: DocxLibrary, title: string, lines: string[]): Paragraph[] {
  const { HeadingLevel, Paragraph, TextRun } = docx;
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
  return (
    (
      { draft: t("section.statusDraft"), in_review: t("section.statusInReview"), approved: t("section.statusApproved") } as Record<
        string,
        string
      >
    )[status] ?? status
  );
}

/** The small line under a section's heading: who leads it, and its status. */
export function sectionDetailsLine(docx: DocxLibrary, detail: SectionDetail | undefined, { t }: DocxLanguage): Paragraph | null {
  if (!detail) return null;
  const { Paragraph, TextRun } = docx;
  const text = t("exports.sectionDetails", { lead: detail.lead ?? t("section.noLead"), status: statusLabel(detail.status, t) });
  return new Paragraph({ style: "SectionDetails", children: [new TextRun(text)] });
}

/** A table cell with room around its text; a header cell shaded. */
export function tableCell(
  docx: DocxLibrary,
  children: (Paragraph | Table)[],
  options: { header?: boolean; columnSpan?: number; rowSpan?: number } = {},
): TableCell {
  const { Paragraph, ShadingType, TableCell } = docx;
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
export function actionMatrixHeader(docx: DocxLibrary, { t }: DocxLanguage): TableRow {
  const { Paragraph, TableRow, TextRun } = docx;
  return new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: ACTION_COLUMNS.map((column) =>
      tableCell(
        docx,
        [new Paragraph({ style: "TableText", children: [new TextRun({ text: t(`actions.columns.${column}`), bold: true })] })],
        {
          header: true,
        },
      ),
    ),
  });
}

export function fullWidthTable(docx: DocxLibrary, rows: TableRow[]): Table {
  const { Table, WidthType } = docx;
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
}
