// The redline between two versions as a Word document with tracked changes: each inserted run
// a Word insertion and each deleted run a Word deletion under the name of the person who made
// it, so a reviewer reads (and accepts or rejects) the changes in Word.
import type { Document, IParagraphOptions, IParagraphRunOptions, IRunOptions, Paragraph, ParagraphChild } from "docx";
import { cellLabel } from "./labels";
import type { ComparedBlock, ComparedSection, Comparison, Part, PartMarks, Person } from "./types";
import { safeLinkHref } from "../editor/extensions";
import { formatDeadline } from "../utils/deadline";
import {
  documentProperties,
  documentSection,
  loadDocx,
  personName,
  statusLabel,
  titlePage,
  type DocxLanguage,
  type DocxLibrary,
} from "../export/docx-layout.server";

export interface CompareDocxOptions extends DocxLanguage {
  planTitle: string;
}

/** The comparison as a .docx file with tracked changes. */
export async function compareDocx(comparison: Comparison, options: CompareDocxOptions): Promise<ArrayBuffer> {
  const docx = await loadDocx();
  return docx.Packer.pack(new RedlineWriter(docx, comparison, options).document(), "arraybuffer");
}

interface Revision {
  id: number;
  author: string;
  date: string;
}

class RedlineWriter {
  private revisions = 0;
  /** Word keeps one date per change; ours is when the newer side was saved (or now). */
  private date: string;

  constructor(
    private docx: DocxLibrary,
    private comparison: Comparison,
    private options: CompareDocxOptions,
  ) {
    // Word reads xsd:dateTime without fractions of a second most reliably.
    this.date = new Date(comparison.to.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  document(): Document {
    const { docx, comparison, options } = this;
    const { t } = options;
    const side = (key: "exports.compareFrom" | "exports.compareTo", { id, name, createdAt }: Comparison["from"] | Comparison["to"]) =>
      t(key, {
        name: id === "current" ? t("versions.current") : name || t("versions.checkpoint"),
        date: formatDeadline(createdAt, options.locale),
      });
    const children: Paragraph[] = [
      ...titlePage(docx, options.planTitle, [
        t("versions.compareTitle"),
        side("exports.compareFrom", comparison.from),
        side("exports.compareTo", comparison.to),
      ]),
      ...this.summary(),
    ];
    comparison.sections.forEach((section, index) => children.push(...this.section(section, index === 0)));
    const properties = documentProperties(docx, { title: options.planTitle, description: t("versions.compareTitle") });
    return new docx.Document({
      ...properties,
      // What the reviewer changes in the file is tracked too.
      features: { trackRevisions: true },
      sections: [documentSection(docx, children)],
    });
  }

  private summary(): Paragraph[] {
    const { HeadingLevel, Paragraph, TextRun } = this.docx;
    const { summary } = this.comparison;
    const { t } = this.options;
    const paragraphs = [
      new Paragraph({ children: [new TextRun(t("exports.trackedChanges"))] }),
      new Paragraph({
        children: [
          new TextRun(
            `${t("versions.wordsAdded", { count: summary.wordsAdded })} · ${t("versions.wordsRemoved", { count: summary.wordsRemoved })}`,
          ),
        ],
      }),
    ];
    if (summary.statusChanges.length) {
      paragraphs.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t("versions.statusChanges"))] }));
      for (const change of summary.statusChanges) {
        paragraphs.push(
          new Paragraph({
            children: [
              new TextRun(
                t("versions.change", { section: change.title, from: statusLabel(change.from, t), to: statusLabel(change.to, t) }),
              ),
            ],
          }),
        );
      }
    }
    if (summary.detailChanges.length) {
      const field = { lead: t("activity.fieldLead"), assignee: t("activity.fieldAssignee"), dueDate: t("activity.fieldDueDate") };
      paragraphs.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t("versions.detailChanges"))] }));
      for (const change of summary.detailChanges) {
        const value = (text: string | null) => text ?? t("section.none");
        paragraphs.push(
          new Paragraph({
            children: [
              new TextRun(
                t("versions.detailChange", {
                  section: change.title,
                  field: field[change.field],
                  from: value(change.from),
                  to: value(change.to),
                }),
              ),
            ],
          }),
        );
      }
    }
    return paragraphs;
  }

  private section(section: ComparedSection, isFirst: boolean): Paragraph[] {
    const { HeadingLevel, Paragraph, TextRun } = this.docx;
    const { t } = this.options;
    // The title's runs carry who inserted or deleted each word of it.
    const title: ParagraphChild[] = section.titleParts.flatMap((part) => this.runs(part));
    // A whole section added or removed: its heading's paragraph mark is tracked as well, as
    // the change of whoever wrote (or removed) its text.
    const author =
      [...section.titleParts, ...section.blocks.flatMap((block) => block.parts)].find((part) => part.type !== "equal")?.author ?? null;
    const mark: IParagraphRunOptions =
      section.state === "added"
        ? { insertion: this.revision(author) }
        : section.state === "removed"
          ? { deletion: this.revision(author) }
          : {};
    const paragraphs = [new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: isFirst, run: mark, children: title })];
    if (section.moved) paragraphs.push(new Paragraph({ style: "SectionDetails", children: [new TextRun(t("versions.stateMoved"))] }));
    for (const block of section.blocks) paragraphs.push(this.block(block));
    return paragraphs;
  }

  private block(block: ComparedBlock): Paragraph {
    const { Paragraph, TextRun } = this.docx;
    const runs = block.parts.flatMap((part) => this.runs(part));
    const { t } = this.options;
    const cell = block.cell && cellLabel(block.cell, t);
    const label = cell ? [new TextRun({ text: `${cell}: `, bold: true })] : [];
    // A paragraph that is wholly new (or wholly gone) has its paragraph mark tracked too, so
    // rejecting (or accepting) the change leaves no empty paragraph behind.
    const [first] = block.parts;
    const isWhole = block.kind === "text" && first && first.type !== "equal" && block.parts.every((part) => part.type === first.type);
    const run = isWhole ? { [first.type === "insert" ? "insertion" : "deletion"]: this.revision(first.author) } : undefined;
    // A list item's bullet or number is written as text (as the compare page shows it), tracked
    // with its paragraph when the whole item is new or gone.
    const marker =
      block.style?.kind === "listItem"
        ? this.runs({
            type: isWhole ? first.type : "equal",
            text: `${block.style.number !== undefined ? `${block.style.number}.` : "•"}\t`,
            author: first?.author ?? null,
          })
        : [];
    return new Paragraph({ ...this.blockLayout(block), run, children: [...label, ...marker, ...runs] });
  }

  /** How a block reads: a heading as a subheading (Heading 1 is for section titles, as in the
   * plan's Word export), a list item indented with its marker hanging, a cell as table text. */
  private blockLayout(block: ComparedBlock): Partial<IParagraphOptions> {
    if (block.kind === "matrixCell") return { style: "TableText", indent: { left: 567 } };
    const { HeadingLevel } = this.docx;
    if (block.style?.kind === "heading") return { heading: block.style.level === 4 ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_2 };
    if (block.style?.kind === "listItem") return { indent: { left: 720, hanging: 360 }, tabStops: [{ type: "left", position: 720 }] };
    return {};
  }

  /** A part as runs with its formatting: a line break inside it (a hard break) becomes a break
   * in the run, a link a hyperlink around its runs. */
  private runs(part: Part): ParagraphChild[] {
    const { DeletedTextRun, ExternalHyperlink, InsertedTextRun, TextRun } = this.docx;
    const href = part.marks?.link ? safeLinkHref(part.marks.link) : null;
    const formatting: IRunOptions = { ...runFormatting(part.marks), ...(href ? { style: "Hyperlink" } : {}) };
    const runs = part.text.split("\n").flatMap((line, index): ParagraphChild[] => {
      if (!line && index === 0) return [];
      const text: IRunOptions = { ...formatting, text: line, ...(index > 0 ? { break: 1 } : {}) };
      if (part.type === "equal") return [new TextRun(text)];
      const revision = this.revision(part.author, part.acceptedBy);
      return [part.type === "insert" ? new InsertedTextRun({ ...text, ...revision }) : new DeletedTextRun({ ...text, ...revision })];
    });
    return href && runs.length > 0 ? [new ExternalHyperlink({ link: href, children: runs })] : runs;
  }

  /** A tracked change under its author's name; an accepted suggestion's is its suggester's, with
   * who accepted it ("Name (Org), accepted by Name"): Word keeps one name per change. */
  private revision(author: Person | null, acceptedBy?: Person | null): Revision {
    const { t } = this.options;
    const name = author ? personName(author) : t("versions.unknownPerson");
    const acceptance =
      acceptedBy === undefined
        ? ""
        : `, ${acceptedBy ? t("versions.acceptedBy", { name: acceptedBy.name }) : t("versions.acceptedSuggestion")}`;
    return { id: ++this.revisions, author: name + acceptance, date: this.date };
  }
}

/** A part's marks as Word run properties (as the plan's Word export writes them). */
function runFormatting(marks: PartMarks | undefined): IRunOptions {
  if (!marks) return {};
  return {
    ...(marks.bold ? { bold: true } : {}),
    ...(marks.italic ? { italics: true } : {}),
    ...(marks.strike ? { strike: true } : {}),
    ...(marks.underline ? { underline: {} } : {}),
    ...(marks.code ? { font: "Consolas" } : {}),
  };
}
