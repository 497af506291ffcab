// "New plan from a Word file": reads the upload under a size limit, checks the zip before
// anything is inflated, converts it with mammoth and parses the HTML with the editor's own
// schema, then groups the blocks into sections. Nothing the file refers to is fetched or run.
// mammoth, jszip and @tiptap/html (a whole DOM, happy-dom) load at the first import, not when
// the server starts.
import zlib from "node:zlib";
import type { JSONContent } from "@tiptap/core";
import Document from "@tiptap/extension-document";
import { ACTION_COLUMNS } from "../editor/action-matrix";
import { planExtensions } from "../editor/extensions";
import { newSectionId } from "../editor/section";
import en from "../i18n/locales/en";
import id from "../i18n/locales/id";
import type { ImportRefusal } from "../models/views";
import { oneLine, PLAN_TITLE_MAX_LENGTH } from "../utils/limits";
import { singleton } from "../utils/singleton.server";
import { DocxImportError } from "./upload.server";

export type { ImportRefusal };

export const MAX_UNPACKED_BYTES = 20 * 1024 * 1024;
/** Deflate rarely packs a Word file's XML more than 20-50 times; 200 is a bomb. Tiny entries
 * are left alone: they cannot grow into anything large. */
const MAX_ENTRY_RATIO = 200;
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;
/** Word writes a few dozen entries; thousands would only make the check itself slow. */
const MAX_ENTRIES = 5000;
/** Roughly a thousand pages, which take a few seconds to parse; more is not one plan. */
const MAX_HTML_CHARS = 1_000_000;
const SUBTITLE_MAX = 300;

export interface ImportedPlan {
  title: string;
  /** The title page's Subtitle lines, if any. */
  subtitle: string | null;
  /** Gotong's own export (its subtitle is a version stamp, its title a plan's that exists). */
  isGotongExport: boolean;
  /** ProseMirror JSON in the plan schema: `section+`. */
  content: JSONContent;
  imagesDropped: number;
}

/** Imports run one at a time in the process: converting holds the event loop (about a second
 * at most within these limits), and two at once would hold it twice as long for everyone else. */
const importGuard = singleton("docxImport", () => ({ isImporting: false }));

/** Words the importer's language gives a plan that has none of its own. */
export interface ImportLabels {
  /** The first section's title, for text before the first heading. */
  introduction: string;
  /** The plan's title when the file has no title, heading or name. */
  untitledPlan: string;
}

/** The plan a Word file holds. Throws DocxImportError when the file is refused. */
export async function importDocx(bytes: Buffer, fileName: string, labels: ImportLabels): Promise<ImportedPlan> {
  return oneImportAtATime(() => convertDocx(bytes, fileName, labels));
}

/** Runs `work` unless another import (a new plan or a reviewed file) is running: "busy". */
export async function oneImportAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (importGuard.isImporting) throw new DocxImportError("busy");
  importGuard.isImporting = true;
  try {
    return await work();
  } finally {
    importGuard.isImporting = false;
  }
}

async function convertDocx(bytes: Buffer, fileName: string, labels: ImportLabels): Promise<ImportedPlan> {
  // mammoth reads a zip of exactly what was checked, never the upload itself: its zip reader
  // reads past the entry count a file declares, where a hidden entry could hide a bomb.
  const entries = checkDocxZip(bytes);
  const checked = await repack(entries);
  const isGotongExport = /<dc:creator>Gotong<\/dc:creator>/.test(entries.get("docProps/core.xml")?.toString("utf8") ?? "");

  let imagesDropped = 0;
  let titlePage: TitlePage = { title: null, subtitle: null };
  let html: string;
  const { default: mammoth } = await import("mammoth");
  try {
    const result = await mammoth.convertToHtml(
      { buffer: checked },
      {
        styleMap: STYLE_MAP,
        // A file may carry its own mammoth style map; ours alone decides what comes out.
        includeEmbeddedStyleMap: false,
        ignoreEmptyParagraphs: true,
        externalFileAccess: false,
        // Never read: the image stays in the zip, and the schema has no place for an <img>.
        convertImage: mammoth.images.imgElement(() => {
          imagesDropped += 1;
          return Promise.resolve({ src: "" });
        }),
        transformDocument: (document: MammothElement) => {
          titlePage = takeTitlePage(document);
          rankHeadings(document);
          return document;
        },
      },
    );
    html = result.value;
  } catch (error) {
    throw new DocxImportError("damaged", { cause: error });
  }
  if (html.length > MAX_HTML_CHARS) throw new DocxImportError("tooMuchText");

  let blocks: JSONContent[];
  const { generateJSON } = await import("@tiptap/html/server");
  try {
    blocks = (generateJSON(html, parseExtensions()) as JSONContent).content ?? [];
  } catch (error) {
    // Nesting too deep to walk, say.
    throw new DocxImportError("damaged", { cause: error });
  }
  const documentTitle = oneLine(titlePage.title ?? "");
  const title =
    documentTitle || oneLine(textOf(blocks.find(isSectionHeading))) || oneLine(fileName.replace(/\.docx$/i, "")) || labels.untitledPlan;
  return {
    title: title.slice(0, PLAN_TITLE_MAX_LENGTH),
    subtitle: titlePage.subtitle?.slice(0, SUBTITLE_MAX) ?? null,
    isGotongExport,
    content: { type: "doc", content: intoSections(blocks, documentTitle || labels.introduction) },
    imagesDropped,
  };
}

// rankHeadings names each heading paragraph by its rank below the document's top level.
const STYLE_MAP = [
  "p.GotongSectionHeading => h2:fresh",
  "p.GotongSubheading => h3:fresh",
  "p.GotongMinorHeading => h4:fresh",
  // Gotong's own export (app/export/docx.server.ts) writes a section's lead and status under
  // its heading: details the plan keeps elsewhere, not text.
  "p.SectionDetails => !",
  "p.BlockQuote => blockquote > p:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "u => u",
];
const RANKED_STYLES = ["GotongSectionHeading", "GotongSubheading", "GotongMinorHeading"] as const;

/** The editor's own nodes and marks; only the top is a plain run of blocks, which
 * intoSections then groups (the real `section+` top would drop text before a heading).
 * createPlan checks the result against the full schema. */
function parseExtensions() {
  return [...planExtensions().filter((extension) => extension.name !== "doc"), Document.extend({ content: "block+" })];
}

function intoSections(blocks: JSONContent[], introTitle: string): JSONContent[] {
  const sections: JSONContent[] = [];
  const intro: JSONContent[] = [];
  for (const block of blocks) {
    if (isSectionHeading(block)) {
      sections.push({ type: "section", attrs: { id: newSectionId() }, content: [block] });
    } else if (!isEmptyParagraph(block)) {
      (sections.at(-1)?.content ?? intro).push(asActionMatrix(block) ?? block);
    }
  }
  if (intro.length > 0 || sections.length === 0) {
    sections.unshift({
      type: "section",
      attrs: { id: newSectionId() },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: introTitle }] },
        ...(intro.length > 0 ? intro : [{ type: "paragraph" }]),
      ],
    });
  }
  return sections;
}

/** Header rows an action matrix is exported with, in either language, normalised. */
const ACTION_MATRIX_HEADERS = [en, id].map((messages) =>
  ACTION_COLUMNS.map((column) => normalised(messages.actions.columns[column])).join("|"),
);

/**
 * A table that is an action matrix written out (its header row the matrix's columns, every
 * row one cell per column, each cell plain paragraphs) becomes one again, so its actions
 * are data once more (the CSV, the row tools). Any other table stays a table.
 */
function asActionMatrix(block: JSONContent): JSONContent | null {
  if (block.type !== "table") return null;
  const [header, ...rows] = block.content ?? [];
  if (
    !header ||
    rows.length === 0 ||
    !ACTION_MATRIX_HEADERS.includes((header.content ?? []).map((cell) => normalised(textOf(cell))).join("|"))
  ) {
    return null;
  }
  const isPlainRow = (row: JSONContent) =>
    row.content?.length === ACTION_COLUMNS.length &&
    row.content.every(
      (cell) => cell.attrs?.colspan === 1 && cell.attrs?.rowspan === 1 && (cell.content ?? []).every((child) => child.type === "paragraph"),
    );
  if (!rows.every(isPlainRow)) return null;
  return {
    type: "actionMatrix",
    content: rows.map((row) => ({
      type: "actionRow",
      content: (row.content ?? []).map((cell) => ({
        type: "actionCell",
        content: cell.content?.length ? cell.content : [{ type: "paragraph" }],
      })),
    })),
  };
}

function normalised(text: string): string {
  return oneLine(text).toLowerCase();
}

function isSectionHeading(block: JSONContent): boolean {
  return block.type === "heading" && block.attrs?.level === 2;
}

/** Images leave their paragraph behind empty. */
function isEmptyParagraph(block: JSONContent): boolean {
  return block.type === "paragraph" && !textOf(block).trim();
}

function textOf(node: JSONContent | undefined): string {
  if (!node) return "";
  return node.text ?? (node.content ?? []).map(textOf).join("");
}

/** Mammoth's document tree, as far as we read it. */
interface MammothElement {
  type: string;
  styleId?: string | null;
  styleName?: string | null;
  value?: string;
  children?: MammothElement[];
}

interface TitlePage {
  title: string | null;
  subtitle: string | null;
}

/**
 * The first top-level Title paragraph, and the Subtitle lines before the first heading (a
 * version, a date): they become the plan's title and description rather than lines of its
 * text, so their paragraphs are emptied (and so dropped).
 */
function takeTitlePage(document: MammothElement): TitlePage {
  const paragraphs = (document.children ?? []).filter((child) => child.type === "paragraph");
  const titleParagraph = paragraphs.find((paragraph) => hasStyle(paragraph, "title"));
  const firstHeading = paragraphs.findIndex((paragraph) => headingLevel(paragraph) !== null);
  const subtitles = paragraphs
    .slice(0, firstHeading < 0 ? paragraphs.length : firstHeading)
    .filter((paragraph) => hasStyle(paragraph, "subtitle"));
  const title = titleParagraph ? oneLine(mammothText(titleParagraph)) : null;
  const subtitle =
    subtitles
      .map((paragraph) => oneLine(mammothText(paragraph)))
      .filter(Boolean)
      .join(" · ") || null;
  for (const paragraph of [...(titleParagraph ? [titleParagraph] : []), ...subtitles]) paragraph.children = [];
  return { title, subtitle };
}

/**
 * The highest heading level the document uses starts sections; the next becomes a level-3
 * heading and all below level 4. So a file whose chapters are Heading 1 keeps its Heading 2
 * parts inside them (as Gotong's own export writes a plan), and one that starts at Heading 2
 * still gets sections.
 */
function rankHeadings(document: MammothElement): void {
  const topLevels = (document.children ?? []).map(headingLevel).filter((level): level is number => level !== null);
  const sectionLevel = topLevels.length > 0 ? Math.min(...topLevels) : 1;
  const visit = (element: MammothElement) => {
    const level = headingLevel(element);
    if (level !== null) {
      const style = RANKED_STYLES[Math.min(Math.max(level - sectionLevel, 0), RANKED_STYLES.length - 1)]!;
      element.styleId = style;
      element.styleName = style;
    }
    element.children?.forEach(visit);
  };
  visit(document);
}

/** Heading 1-9 (by the style's id or its built-in name, the same in every Word language). */
function headingLevel(element: MammothElement): number | null {
  if (element.type !== "paragraph") return null;
  const match = /^heading ?([1-9])$/i.exec(element.styleId ?? "") ?? /^heading ([1-9])$/i.exec(element.styleName ?? "");
  if (match) return Number(match[1]);
  // Apple Pages' one heading style.
  return hasStyle(element, "heading") ? 1 : null;
}

function hasStyle(element: MammothElement, name: string): boolean {
  return element.styleId?.toLowerCase() === name || element.styleName?.toLowerCase() === name;
}

function mammothText(element: MammothElement): string {
  if (element.type === "text") return element.value ?? "";
  return (element.children ?? []).map(mammothText).join("");
}

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

async function repack(entries: Map<string, Buffer>): Promise<Buffer> {
  const { default: JSZip } = await import("jszip");
  const zip = new JSZip();
  for (const [name, data] of entries) zip.file(name, data, { binary: true });
  return zip.generateAsync({ type: "nodebuffer", compression: "STORE" });
}

/**
 * A Word file is a zip with `[Content_Types].xml` and `word/document.xml`. Its central
 * directory is read by hand, so the declared sizes are checked before anything is inflated;
 * then every entry is inflated with a cap at its declared size, so a directory that
 * understates an entry cannot smuggle a bomb past the check.
 * Media entries come back empty: nothing reads them. The new-plan and the review import both
 * open files through here.
 */
export function checkDocxZip(bytes: Buffer): Map<string, Buffer> {
  if (bytes.length < 30 || bytes.readUInt32LE(0) !== 0x04034b50) throw new DocxImportError("notDocx");
  const entries = readCentralDirectory(bytes);
  const names = new Set(entries.map((entry) => entry.name));
  if (!names.has("[Content_Types].xml") || !names.has("word/document.xml")) throw new DocxImportError("notDocx");
  if (names.size !== entries.length) throw new DocxImportError("damaged"); // a name twice: which one counts?

  let declaredTotal = 0;
  for (const entry of entries) {
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > MAX_UNPACKED_BYTES) throw new DocxImportError("unpacksTooLarge");
    if (entry.uncompressedSize > RATIO_CHECKED_FROM_BYTES && entry.uncompressedSize > MAX_ENTRY_RATIO * entry.compressedSize) {
      throw new DocxImportError("unpacksTooLarge");
    }
    // Encrypted entries; Word encrypts whole files differently (not as a zip at all).
    if (entry.flags & 1) throw new DocxImportError("damaged");
  }
  const contents = new Map<string, Buffer>();
  for (const entry of entries) {
    // Media are never read (images are dropped): an empty file keeps the zip whole.
    contents.set(entry.name, entry.name.startsWith("word/media/") ? Buffer.alloc(0) : inflateEntry(bytes, entry));
  }
  return contents;
}

function readCentralDirectory(bytes: Buffer): ZipEntry[] {
  const endOfDirectory = findEndOfCentralDirectory(bytes);
  if (endOfDirectory < 0) throw new DocxImportError("notDocx");
  const entryCount = bytes.readUInt16LE(endOfDirectory + 10);
  const directoryOffset = bytes.readUInt32LE(endOfDirectory + 16);
  // Zip64 (0xFFFF entries or offsets): Word never needs it for a file this size.
  const directorySize = bytes.readUInt32LE(endOfDirectory + 12);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) throw new DocxImportError("damaged");
  // One disk, every entry on it, and the directory ending where the end record starts:
  // anything else is read differently by other zip readers.
  if (bytes.readUInt16LE(endOfDirectory + 4) !== 0 || bytes.readUInt16LE(endOfDirectory + 6) !== 0) throw new DocxImportError("damaged");
  if (bytes.readUInt16LE(endOfDirectory + 8) !== entryCount) throw new DocxImportError("damaged");
  if (directoryOffset + directorySize !== endOfDirectory) throw new DocxImportError("damaged");
  if (entryCount > MAX_ENTRIES) throw new DocxImportError("unpacksTooLarge");
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) throw new DocxImportError("damaged");
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    if (offset + 46 + nameLength > bytes.length) throw new DocxImportError("damaged");
    const entry: ZipEntry = {
      flags: bytes.readUInt16LE(offset + 8),
      method: bytes.readUInt16LE(offset + 10),
      compressedSize: bytes.readUInt32LE(offset + 20),
      uncompressedSize: bytes.readUInt32LE(offset + 24),
      localHeaderOffset: bytes.readUInt32LE(offset + 42),
      name: bytes.toString("utf8", offset + 46, offset + 46 + nameLength),
    };
    if (entry.compressedSize === 0xffffffff || entry.uncompressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff) {
      throw new DocxImportError("unpacksTooLarge");
    }
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  if (offset !== endOfDirectory) throw new DocxImportError("damaged"); // entries beyond the count
  return entries;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  // 22 fixed bytes, then a comment of at most 65,535.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let offset = bytes.length - 22; offset >= lowest; offset--) {
    if (bytes.readUInt32LE(offset) === 0x06054b50) return offset;
  }
  return -1;
}

function inflateEntry(bytes: Buffer, entry: ZipEntry): Buffer {
  const header = entry.localHeaderOffset;
  if (header + 30 > bytes.length || bytes.readUInt32LE(header) !== 0x04034b50) throw new DocxImportError("damaged");
  const dataStart = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > bytes.length) throw new DocxImportError("damaged");
  const data = bytes.subarray(dataStart, dataEnd);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw new DocxImportError("damaged");
    return Buffer.from(data);
  }
  if (entry.method !== 8) throw new DocxImportError("damaged");
  let inflated: Buffer;
  try {
    inflated = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    if (error instanceof RangeError) throw new DocxImportError("unpacksTooLarge");
    throw new DocxImportError("damaged", { cause: error });
  }
  if (inflated.length !== entry.uncompressedSize) throw new DocxImportError("damaged");
  return inflated;
}
