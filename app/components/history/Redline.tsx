// The redline of a comparison, section by section: inline (insertions underlined in green,
// deletions struck through in red, each with its author) or side by side (the older text
// with its deletions on the left, the newer with its insertions on the right).
import type { TFunction } from "i18next";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { cellLabel } from "../../versions/labels";
import type { ComparedBlock, ComparedSection, Comparison, Part, PartMarks, Person } from "../../versions/types";
import { isSafeLinkUrl } from "../../editor/extensions";
import { userColor } from "../../utils/colors";
import { personName, personWithOrganisation } from "./people";

export interface AuthorFilter {
  /** "" for everyone, "unknown" for changes with no known author, else a person's id. */
  personId: string;
  /** "" for every organisation. */
  organisation: string;
  /** What becomes of everyone else's changes: dimmed, or shown as plain text. */
  others: "dim" | "hide";
}

export function matchesFilter(author: Person | null, filter: AuthorFilter): boolean {
  if (filter.personId && (author ? String(author.id) : "unknown") !== filter.personId) return false;
  if (filter.organisation && author?.organisation !== filter.organisation) return false;
  return true;
}

type Column = "inline" | "from" | "to";

export function Redline({ comparison, view, filter }: { comparison: Comparison; view: "inline" | "sideBySide"; filter: AuthorFilter }) {
  const { t } = useTranslation();
  const wordsBySection = new Map(comparison.summary.bySection.map((entry) => [entry.sectionId, entry]));
  return (
    <div className={`redline redline-${view}`} data-view={view}>
      {view === "sideBySide" ? (
        <div className="sbs-columns" aria-hidden="true">
          <div>{comparison.from.name || t("versions.checkpoint")}</div>
          <div>{comparison.to.id === "current" ? t("versions.current") : comparison.to.name || t("versions.checkpoint")}</div>
        </div>
      ) : null}
      {comparison.sections.map((section) => {
        const words = wordsBySection.get(section.id);
        const heading = (
          <SectionHeading section={section} wordsAdded={words?.wordsAdded ?? 0} wordsRemoved={words?.wordsRemoved ?? 0} filter={filter} />
        );
        if (section.state === "unchanged" && !section.moved) {
          return (
            <details key={section.id} className="redline-section is-unchanged" data-section-id={section.id}>
              <summary>{heading}</summary>
              <SectionBody section={section} view={view} filter={filter} />
            </details>
          );
        }
        return (
          <section key={section.id} className={`redline-section is-${section.state}`} data-section-id={section.id}>
            {heading}
            <SectionBody section={section} view={view} filter={filter} />
          </section>
        );
      })}
    </div>
  );
}

function SectionHeading({
  section,
  wordsAdded,
  wordsRemoved,
  filter,
}: {
  section: ComparedSection;
  wordsAdded: number;
  wordsRemoved: number;
  filter: AuthorFilter;
}) {
  const { t, i18n } = useTranslation();
  const count = new Intl.NumberFormat(i18n.language);
  const title = section.titleTo ?? section.titleFrom ?? t("outline.untitled");
  const isRenamed = section.titleFrom !== null && section.titleTo !== null && section.titleFrom !== section.titleTo;
  return (
    <div className="redline-heading">
      {/* A new title reads as its changes, each with who made it; others as plain text. */}
      <h3>
        {isRenamed
          ? section.titleParts.map((part, index) => (
              <PartView key={index} part={part} next={section.titleParts[index + 1]} column="inline" filter={filter} />
            ))
          : title || t("outline.untitled")}
      </h3>
      {section.state === "added" ? <span className="change-badge is-added">{t("versions.stateAdded")}</span> : null}
      {section.state === "removed" ? <span className="change-badge is-removed">{t("versions.stateRemoved")}</span> : null}
      {section.moved ? <span className="change-badge is-moved">{t("versions.stateMoved")}</span> : null}
      {isRenamed ? <span className="change-badge is-renamed">{t("versions.stateRenamed", { title: section.titleFrom })}</span> : null}
      {section.state === "unchanged" ? <span className="muted">{t("versions.unchanged")}</span> : null}
      {wordsAdded > 0 ? <span className="words-added">+{count.format(wordsAdded)}</span> : null}
      {wordsRemoved > 0 ? <span className="words-removed">−{count.format(wordsRemoved)}</span> : null}
    </div>
  );
}

function SectionBody({ section, view, filter }: { section: ComparedSection; view: "inline" | "sideBySide"; filter: AuthorFilter }) {
  const { t } = useTranslation();
  if (view === "inline") {
    return (
      <div className="redline-blocks">
        {section.blocks.map((block, index) => (
          <Block key={index} cell={block.cell} style={block.style} parts={block.parts} column="inline" filter={filter} />
        ))}
      </div>
    );
  }
  const absent = <p className="muted sbs-absent">{t("versions.absent")}</p>;
  return (
    <div className="sbs-blocks">
      {section.blocks.map((block, index) => (
        <div key={index} className="sbs-row">
          <div className="sbs-cell sbs-from">
            {section.state === "added" ? (
              index === 0 ? (
                absent
              ) : null
            ) : (
              <Block cell={block.cell} style={block.style} parts={block.parts} column="from" filter={filter} />
            )}
          </div>
          <div className="sbs-cell sbs-to">
            {section.state === "removed" ? (
              index === 0 ? (
                absent
              ) : null
            ) : (
              <Block cell={block.cell} style={block.style} parts={block.parts} column="to" filter={filter} />
            )}
          </div>
        </div>
      ))}
    </div>
  );
}

/** One paragraph, list item or matrix cell ("Row 2 · Target") of the redline. */
function Block({
  cell,
  style,
  parts,
  column,
  filter,
}: {
  cell: ComparedBlock["cell"];
  style: ComparedBlock["style"];
  parts: Part[];
  column: Column;
  filter: AuthorFilter;
}) {
  const { t } = useTranslation();
  const shown = parts.filter((part) => (column === "from" ? part.type !== "insert" : column === "to" ? part.type !== "delete" : true));
  // Headings and list items read as such, as in the plan (they were all plain lines).
  const styleClass = !style
    ? ""
    : style.kind === "heading"
      ? ` is-heading is-h${style.level}`
      : style.ordered
        ? " is-list-item is-ordered"
        : " is-list-item";
  // An ordered list's number is text of its own, so it reads (and copies) as in the plan.
  const number =
    style?.kind === "listItem" && style.number !== undefined ? <span className="redline-list-number">{style.number}.</span> : null;
  const text = (
    <p className={`redline-text${styleClass}${number ? " is-numbered" : ""}`}>
      {number}
      {shown.map((part, index) => (
        <PartView key={index} part={part} next={shown[index + 1]} column={column} filter={filter} />
      ))}
    </p>
  );
  if (cell === null) return text;
  return (
    <div className="redline-cell">
      <span className="redline-cell-label">{cellLabel(cell, t)}</span>
      {text}
    </div>
  );
}

function sameAuthor(a: Person | null, b: Person | null): boolean {
  return (a?.id ?? null) === (b?.id ?? null);
}

function PartView({ part, next, column, filter }: { part: Part; next: Part | undefined; column: Column; filter: AuthorFilter }) {
  const { t } = useTranslation();
  if (part.type === "equal") return <Formatted marks={part.marks}>{part.text}</Formatted>;
  const isOthers = !matchesFilter(part.author, filter);
  if (isOthers && filter.others === "hide") {
    // Inline, someone else's changes read as if accepted: their insertions as text, their
    // deletions gone. Side by side, each column already holds only its own text.
    return column === "inline" && part.type === "delete" ? null : <Formatted marks={part.marks}>{part.text}</Formatted>;
  }
  // One label for a run of changes by the same person (a replaced word is a deletion and an insertion).
  const isLastOfRun = !(next && next.type !== "equal" && sameAuthor(next.author, part.author));
  const Tag = part.type === "insert" ? "ins" : "del";
  return (
    <>
      <Tag className={isOthers ? "is-dimmed" : undefined} title={changeTitle(part, t)} data-author-id={part.author?.id ?? ""}>
        <Formatted marks={part.marks}>{part.text}</Formatted>
      </Tag>
      {isLastOfRun ? (
        <span
          className={isOthers ? "redline-author is-dimmed" : "redline-author"}
          style={part.author ? { borderColor: userColor(part.author.id) } : undefined}
        >
          {personName(part.author, t)}
          {part.acceptedBy !== undefined ? ` · ${acceptance(part.acceptedBy, t)}` : null}
        </span>
      ) : null}
    </>
  );
}

/** Text with its bold, italics and the rest, as in the plan; a link only to a safe address
 * (the server keeps no other, and the page checks again). */
function Formatted({ marks, children }: { marks: PartMarks | undefined; children: string }) {
  if (!marks) return <>{children}</>;
  let content: ReactNode = children;
  if (marks.code) content = <code>{content}</code>;
  if (marks.strike) content = <s>{content}</s>;
  if (marks.underline) content = <u>{content}</u>;
  if (marks.italic) content = <em>{content}</em>;
  if (marks.bold) content = <strong>{content}</strong>;
  if (marks.link && isSafeLinkUrl(marks.link)) {
    content = (
      <a href={marks.link} target="_blank" rel="noopener noreferrer nofollow">
        {content}
      </a>
    );
  }
  return <>{content}</>;
}

function changeTitle(part: Part, t: TFunction): string {
  const name = personWithOrganisation(part.author, t);
  // An accepted suggestion: who suggested it, and who accepted it.
  if (part.acceptedBy !== undefined) return `${t("versions.suggestedBy", { name })}, ${acceptance(part.acceptedBy, t)}`;
  return part.type === "insert" ? t("versions.insertedBy", { name }) : t("versions.deletedBy", { name });
}

function acceptance(acceptedBy: Person | null, t: TFunction): string {
  return acceptedBy ? t("versions.acceptedBy", { name: acceptedBy.name }) : t("versions.acceptedSuggestion");
}
