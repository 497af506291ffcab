// A reviewed copy of a plan's Word export, read for what its reviewers did (docs/suggestions.md,
// "Reviewed Word files back in"): each paragraph's accepted text (the text as Gotong wrote it:
// deletions still in, insertions out), its tracked changes, the comments and their ranges, and
// the bookmarks that name its section. The zip goes through the same checks as the new-plan
// import; the XML through a parser that expands no entities and fetches nothing, and a file
// that declares a DOCTYPE at all is refused (Word never writes one). The parser (xmldom) loads
// with the first reviewed file, not when the server starts.
import type { DOMParser } from "@xmldom/xmldom";
import { checkDocxZip, oneImportAtATime } from "./docx-import.server";
import { DocxImportError } from "./upload.server";

/** The same ceiling as the new-plan import's text: about a thousand pages. */
export const MAX_REVIEW_TEXT_CHARS = 1_000_000;

const W_NAMESPACES = new Set([
  "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
  // Strict Open XML, which Word can save as.
  "http://purl.oclc.org/ooxml/wordprocessingml/main",
]);
const W14 = "http://schemas.microsoft.com/office/word/2010/wordml";
const W15 = "http://schemas.microsoft.com/office/word/2012/wordml";

export interface TrackedChange {
  kind: "insert" | "delete";
  /** Word's w:id: unique in the file, renumbered whenever it is saved again. */
  wordId: string;
  author: string;
  /** As Word writes it (ISO 8601), or null. */
  date: string | null;
  /** In the paragraph's accepted text: an insertion goes before this character, a deletion starts at it. */
  offset: number;
  text: string;
}

export interface FormattingChange {
  author: string;
  date: string | null;
}

export interface ReviewParagraph {
  /** The text before the review: deleted runs in, inserted runs out. */
  text: string;
  /** Heading 1-9 by its style (or outline level), else null. */
  headingLevel: number | null;
  /** The bookmarks (names as in the file) that start in it or just before it: the export names
   * each section's heading with one (app/export/section-bookmarks.ts). */
  bookmarks: string[];
  changes: TrackedChange[];
  /** Its paragraph mark was inserted or deleted: the reviewer split or joined paragraphs here. */
  isMarkChanged: boolean;
  formattingChanges: FormattingChange[];
}

export interface TextPoint {
  paragraph: number;
  offset: number;
}

export interface ReviewReply {
  wordId: string;
  author: string;
  date: string | null;
  text: string;
}

export interface ReviewComment extends ReviewReply {
  /** Where its range starts and ends in accepted text; null when the document has no range for it. */
  start: TextPoint | null;
  end: TextPoint | null;
  replies: ReviewReply[];
}

export interface ReviewDocument {
  paragraphs: ReviewParagraph[];
  comments: ReviewComment[];
}

/** The review a Word file holds. Throws DocxImportError when the file is refused. */
export async function readReviewDocx(bytes: Buffer): Promise<ReviewDocument> {
  return oneImportAtATime(async () => parseReview(checkDocxZip(bytes)));
}

/** The review in a zip's checked entries (separate from the guard so tests can call it freely). */
export async function parseReview(entries: Map<string, Buffer>): Promise<ReviewDocument> {
  const { DOMParser } = await import("@xmldom/xmldom");
  const parse = (bytes: Buffer | undefined) => (bytes ? parseXml(DOMParser, bytes) : undefined);
  const headingStyles = readHeadingStyles(parse(entries.get("word/styles.xml")));
  const body = parse(entries.get("word/document.xml"))!;
  const walker = new BodyWalker(headingStyles);
  walker.walk(body.documentElement!);
  const textLength = walker.paragraphs.reduce((sum, paragraph) => sum + paragraph.text.length, 0);
  if (textLength > MAX_REVIEW_TEXT_CHARS) throw new DocxImportError("tooMuchText");
  const comments = readComments(parse(entries.get("word/comments.xml")), parse(entries.get("word/commentsExtended.xml")), walker);
  return { paragraphs: walker.paragraphs, comments };
}

/**
 * A parsed XML part. xmldom knows only XML's five predefined entities and never loads
 * anything; refusing every DOCTYPE also rules out internal entity definitions (billion laughs).
 */
function parseXml(Parser: typeof DOMParser, bytes: Buffer): Document {
  const source = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) throw new DocxImportError("damaged");
  const fail = (message: string) => {
    throw new DocxImportError("damaged", { cause: new Error(message) });
  };
  let document: Document;
  try {
    document = new Parser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(
      source,
      "application/xml",
    ) as unknown as Document;
  } catch (error) {
    if (error instanceof DocxImportError) throw error;
    throw new DocxImportError("damaged", { cause: error });
  }
  if (!document?.documentElement) throw new DocxImportError("damaged");
  return document;
}

function isW(node: Node, localName?: string): node is Element {
  return (
    node.nodeType === 1 &&
    W_NAMESPACES.has((node as Element).namespaceURI ?? "") &&
    (!localName || (node as Element).localName === localName)
  );
}

function elementChildren(node: Node): Element[] {
  const children: Element[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (child.nodeType === 1) children.push(child as Element);
  return children;
}

/** A w: attribute, whichever prefix the file binds the namespace to. */
function wAttribute(element: Element, name: string): string | null {
  for (let index = 0; index < element.attributes.length; index++) {
    const attribute = element.attributes[index]!;
    if (attribute.localName === name && W_NAMESPACES.has(attribute.namespaceURI ?? "")) return attribute.value;
  }
  return null;
}

/** styles.xml's style ids whose name is a built-in heading ("heading 1"), with their level:
 * Word in another language gives them local ids ("berschrift1"), never local names. */
function readHeadingStyles(styles: Document | undefined): Map<string, number> {
  const levels = new Map<string, number>();
  if (!styles) return levels;
  for (const style of Array.from(styles.getElementsByTagNameNS("*", "style"))) {
    if (!isW(style)) continue;
    const id = wAttribute(style, "styleId");
    const name = elementChildren(style).find((child) => isW(child, "name"));
    const match = /^heading ([1-9])$/i.exec((name && wAttribute(name, "val")) ?? "");
    if (id && match) levels.set(id, Number(match[1]));
  }
  return levels;
}

/** Elements inside a paragraph whose text is not the paragraph's: drawings and text boxes, field codes, notes. */
const SKIPPED_IN_PARAGRAPH = new Set([
  "pPr",
  "rPr",
  "drawing",
  "pict",
  "object",
  "instrText",
  "delInstrText",
  "footnoteReference",
  "endnoteReference",
]);

interface ChangeScope {
  kind: "insert" | "delete";
  change: TrackedChange;
}

/** Walks word/document.xml in reading order, paragraph by paragraph. */
class BodyWalker {
  readonly paragraphs: ReviewParagraph[] = [];
  /** Comment range ends and starts by Word comment id. */
  readonly rangeStarts = new Map<string, TextPoint>();
  readonly rangeEnds = new Map<string, TextPoint>();
  private current: ReviewParagraph | null = null;
  /** Comment ranges started between paragraphs: they start with the next one. */
  private pendingStarts: string[] = [];
  /** Bookmarks started between paragraphs: they belong to the next one. */
  private pendingBookmarks: string[] = [];

  constructor(private headingStyles: Map<string, number>) {}

  walk(node: Element): void {
    for (const child of elementChildren(node)) {
      if (isW(child, "p")) this.paragraph(child);
      else if (isW(child, "bookmarkStart")) this.pendingBookmarks.push(wAttribute(child, "name") ?? "");
      else if (isW(child, "commentRangeStart")) this.pendingStarts.push(wAttribute(child, "id") ?? "");
      else if (isW(child, "commentRangeEnd")) this.endRangeBetweenParagraphs(wAttribute(child, "id") ?? "");
      else if (!isW(child, "sectPr") && !isW(child, "tblPr") && !isW(child, "trPr") && !isW(child, "tcPr")) this.walk(child);
    }
  }

  private paragraph(element: Element): void {
    const paragraph: ReviewParagraph = {
      text: "",
      headingLevel: null,
      bookmarks: this.pendingBookmarks.splice(0),
      changes: [],
      isMarkChanged: false,
      formattingChanges: [],
    };
    this.current = paragraph;
    const index = this.paragraphs.push(paragraph) - 1;
    for (const id of this.pendingStarts.splice(0)) this.rangeStarts.set(id, { paragraph: index, offset: 0 });
    const properties = elementChildren(element).find((child) => isW(child, "pPr"));
    if (properties) this.paragraphProperties(properties, paragraph);
    this.inline(element, null);
    this.current = null;
  }

  private paragraphProperties(properties: Element, paragraph: ReviewParagraph): void {
    for (const child of elementChildren(properties)) {
      if (isW(child, "pStyle"))
        paragraph.headingLevel ??= this.headingStyles.get(wAttribute(child, "val") ?? "") ?? headingLevelOfStyleId(child);
      if (isW(child, "outlineLvl")) {
        const level = Number(wAttribute(child, "val"));
        // Level 9 is Word's "body text".
        if (Number.isInteger(level) && level >= 0 && level < 9) paragraph.headingLevel ??= level + 1;
      }
      if (isW(child, "pPrChange")) paragraph.formattingChanges.push(changeAuthor(child));
      if (isW(child, "rPr")) {
        // The paragraph mark's own run properties: a tracked w:ins or w:del here is a split or a join.
        for (const mark of elementChildren(child)) {
          if (isW(mark, "ins") || isW(mark, "del") || isW(mark, "moveFrom") || isW(mark, "moveTo")) paragraph.isMarkChanged = true;
        }
      }
    }
  }

  private inline(node: Element, scope: ChangeScope | null): void {
    const paragraph = this.current!;
    for (const child of elementChildren(node)) {
      if (!isW(child)) continue; // math, markup compatibility, other vendors' extensions
      const name = child.localName;
      if (name === "r") {
        this.run(child, scope);
      } else if (name === "ins" || name === "moveTo" || name === "del" || name === "moveFrom") {
        const kind = name === "ins" || name === "moveTo" ? "insert" : "delete";
        // A deletion of text the review itself inserted: in neither text.
        if (scope?.kind === "insert" && kind === "delete") continue;
        const { author, date } = changeAuthor(child);
        const change: TrackedChange = {
          kind,
          wordId: wAttribute(child, "id") ?? "",
          author,
          date,
          offset: paragraph.text.length,
          text: "",
        };
        paragraph.changes.push(change);
        this.inline(child, { kind, change });
      } else if (name === "bookmarkStart") {
        paragraph.bookmarks.push(wAttribute(child, "name") ?? "");
      } else if (name === "commentRangeStart") {
        this.rangeStarts.set(wAttribute(child, "id") ?? "", { paragraph: this.paragraphs.length - 1, offset: paragraph.text.length });
      } else if (name === "commentRangeEnd") {
        this.rangeEnds.set(wAttribute(child, "id") ?? "", { paragraph: this.paragraphs.length - 1, offset: paragraph.text.length });
      } else if (!SKIPPED_IN_PARAGRAPH.has(name)) {
        // Hyperlinks, smart tags, content controls, simple fields: their runs are text.
        this.inline(child, scope);
      }
    }
  }

  private run(run: Element, scope: ChangeScope | null): void {
    const paragraph = this.current!;
    for (const child of elementChildren(run)) {
      if (!isW(child)) continue;
      if (child.localName === "rPr") {
        const change = elementChildren(child).find((property) => isW(property, "rPrChange"));
        if (change) paragraph.formattingChanges.push(changeAuthor(change));
        continue;
      }
      const text = runText(child);
      if (!text) continue;
      // Deleted text is w:delText; a w:t inside a deletion is still the deleted text to Word.
      if (scope) scope.change.text += text;
      if (scope?.kind !== "insert") paragraph.text += text;
    }
  }

  private endRangeBetweenParagraphs(id: string): void {
    const index = this.paragraphs.length - 1;
    if (index >= 0) this.rangeEnds.set(id, { paragraph: index, offset: this.paragraphs[index]!.text.length });
  }
}

function runText(element: Element): string {
  switch (element.localName) {
    case "t":
    case "delText":
      return element.textContent ?? "";
    case "tab":
    case "ptab":
      return "\t";
    case "br":
    case "cr":
      return "\n";
    case "noBreakHyphen":
      return "-";
    default:
      return "";
  }
}

function headingLevelOfStyleId(style: Element): number | null {
  const match = /^heading ?([1-9])$/i.exec(wAttribute(style, "val") ?? "");
  return match ? Number(match[1]) : null;
}

function changeAuthor(element: Element): { author: string; date: string | null } {
  return { author: (wAttribute(element, "author") ?? "").trim(), date: wAttribute(element, "date") };
}

/** comments.xml's comments, replies (commentsExtended's paraIdParent) gathered under the comment they answer. */
function readComments(commentsXml: Document | undefined, extendedXml: Document | undefined, walker: BodyWalker): ReviewComment[] {
  if (!commentsXml) return [];
  const parentOf = new Map<string, string>();
  if (extendedXml) {
    for (const entry of Array.from(extendedXml.getElementsByTagNameNS(W15, "commentEx"))) {
      const paraId = entry.getAttributeNS(W15, "paraId");
      const parent = entry.getAttributeNS(W15, "paraIdParent");
      if (paraId && parent) parentOf.set(paraId, parent);
    }
  }
  const all: (ReviewComment & { paraId: string | null })[] = [];
  for (const comment of Array.from(commentsXml.getElementsByTagNameNS("*", "comment"))) {
    if (!isW(comment)) continue;
    const wordId = wAttribute(comment, "id") ?? "";
    const paragraphs = Array.from(comment.getElementsByTagNameNS("*", "p")).filter((paragraph) => isW(paragraph));
    const text = paragraphs
      .map((paragraph) =>
        Array.from(paragraph.getElementsByTagNameNS("*", "t"))
          .filter((t) => isW(t))
          .map((t) => t.textContent ?? "")
          .join(""),
      )
      .join("\n")
      .trim();
    // The comment's own id for threading is its last paragraph's.
    const paraId = paragraphs.at(-1)?.getAttributeNS(W14, "paraId") || null;
    all.push({
      wordId,
      ...changeAuthor(comment),
      text,
      start: walker.rangeStarts.get(wordId) ?? null,
      end: walker.rangeEnds.get(wordId) ?? null,
      replies: [],
      paraId,
    });
  }
  const byParaId = new Map(all.filter((comment) => comment.paraId).map((comment) => [comment.paraId!, comment]));
  const rootOf = (comment: (typeof all)[number]) => {
    let root = comment;
    const seen = new Set<string>();
    // Up to the first comment that answers nothing (a loop in a hostile file ends it too).
    while (root.paraId && parentOf.has(root.paraId) && !seen.has(root.paraId)) {
      seen.add(root.paraId);
      const parent = byParaId.get(parentOf.get(root.paraId)!);
      if (!parent) break;
      root = parent;
    }
    return root;
  };
  for (const comment of all) {
    const root = rootOf(comment);
    if (root !== comment) root.replies.push({ wordId: comment.wordId, author: comment.author, date: comment.date, text: comment.text });
  }
  return all.filter((comment) => rootOf(comment) === comment).map(({ paraId: _paraId, ...comment }) => comment);
}
