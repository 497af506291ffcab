// What changed between two versions, in numbers and lists: sections, words, people, details.
import type { TFunction } from "i18next";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Comparison } from "../../versions/types";
import { SECTION_STATUSES, type SectionStatus } from "../../models/roles";
import { STATUS_LABEL_KEYS } from "../Outline";
import { formatCalendarDate } from "../RelativeTime";
import { personWithOrganisation } from "./people";

const FIELD_KEYS = { lead: "activity.fieldLead", assignee: "activity.fieldAssignee", dueDate: "activity.fieldDueDate" } as const;

function statusLabel(status: string, t: TFunction): string {
  return (SECTION_STATUSES as readonly string[]).includes(status) ? t(STATUS_LABEL_KEYS[status as SectionStatus]) : status;
}

export function CompareSummary({ comparison, onPickPerson }: { comparison: Comparison; onPickPerson(personId: string): void }) {
  const { t, i18n } = useTranslation();
  const count = new Intl.NumberFormat(i18n.language);
  const detailValue = (field: keyof typeof FIELD_KEYS, value: string | null) =>
    value === null ? t("section.none") : field === "dueDate" ? formatCalendarDate(value, i18n.language) : value;
  const { summary } = comparison;
  const titles = new Map(comparison.sections.map((section) => [section.id, section.titleTo ?? section.titleFrom ?? ""]));
  for (const entry of summary.bySection) if (!titles.get(entry.sectionId)) titles.set(entry.sectionId, entry.title);
  const titleOf = (sectionId: string) => titles.get(sectionId) || t("outline.untitled");
  const sectionLists = [
    ["versions.sectionsAdded", summary.sectionsAdded],
    ["versions.sectionsRemoved", summary.sectionsRemoved],
    ["versions.sectionsChanged", summary.sectionsChanged],
    ["versions.sectionsMoved", summary.sectionsMoved],
  ] as const;
  const hasChanges =
    summary.wordsAdded + summary.wordsRemoved > 0 ||
    sectionLists.some(([, ids]) => ids.length > 0) ||
    summary.sectionsRenamed.length + summary.statusChanges.length + summary.detailChanges.length > 0;
  const sectionsWithWords = summary.bySection.filter((entry) => entry.wordsAdded + entry.wordsRemoved > 0);

  return (
    <section className="compare-summary" aria-labelledby="compare-summary-heading">
      <h2 id="compare-summary-heading">{t("versions.summary")}</h2>
      {hasChanges ? null : <p className="muted">{t("versions.noChanges")}</p>}
      <p className="compare-totals">
        <span className="words-added">{t("versions.wordsAdded", { count: summary.wordsAdded })}</span>
        <span className="words-removed">{t("versions.wordsRemoved", { count: summary.wordsRemoved })}</span>
      </p>
      <dl className="compare-lists">
        {sectionLists.map(([key, ids]) =>
          ids.length > 0 ? (
            <div key={key}>
              <dt>{t(key)}</dt>
              {/* One title a line: long titles joined by dots were squeezed into a narrow column. */}
              <dd>
                <ul className="compare-section-list">
                  {ids.map((id) => (
                    <li key={id}>{titleOf(id)}</li>
                  ))}
                </ul>
              </dd>
            </div>
          ) : null,
        )}
        {summary.sectionsRenamed.length > 0 ? (
          <div>
            <dt>{t("versions.sectionsRenamed")}</dt>
            {summary.sectionsRenamed.map((rename) => (
              <dd key={rename.sectionId}>{t("versions.renamedFromTo", { from: rename.from, to: rename.to })}</dd>
            ))}
          </div>
        ) : null}
        {summary.statusChanges.length > 0 ? (
          <div>
            <dt>{t("versions.statusChanges")}</dt>
            {summary.statusChanges.map((change) => (
              <dd key={change.sectionId}>
                {t("versions.change", { section: change.title, from: statusLabel(change.from, t), to: statusLabel(change.to, t) })}
              </dd>
            ))}
          </div>
        ) : null}
        {summary.detailChanges.length > 0 ? (
          <div>
            <dt>{t("versions.detailChanges")}</dt>
            {summary.detailChanges.map((change) => (
              <dd key={`${change.sectionId}-${change.field}`}>
                {t("versions.detailChange", {
                  section: change.title,
                  field: t(FIELD_KEYS[change.field]),
                  from: detailValue(change.field, change.from),
                  to: detailValue(change.field, change.to),
                })}
              </dd>
            ))}
          </div>
        ) : null}
      </dl>
      <div className="compare-tables">
        <WordCountTable
          caption={t("versions.bySection")}
          firstColumn={t("versions.section")}
          rows={sectionsWithWords.map((entry) => ({ key: entry.sectionId, label: entry.title || titleOf(entry.sectionId), ...entry }))}
          format={count.format}
        />
        <WordCountTable
          caption={t("versions.byPerson")}
          firstColumn={t("versions.person")}
          rows={summary.byPerson.map((entry) => ({
            key: String(entry.person?.id ?? "unknown"),
            label: (
              <button
                type="button"
                className="link-button"
                onClick={() => onPickPerson(entry.person ? String(entry.person.id) : "unknown")}
              >
                {personWithOrganisation(entry.person, t)}
              </button>
            ),
            ...entry,
          }))}
          format={count.format}
        />
      </div>
    </section>
  );
}

/** Words added and removed, a row per section or per person (nothing when there are none). */
function WordCountTable({
  caption,
  firstColumn,
  rows,
  format,
}: {
  caption: string;
  firstColumn: string;
  rows: { key: string; label: ReactNode; wordsAdded: number; wordsRemoved: number }[];
  format: (value: number) => string;
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return null;
  return (
    <table className="compare-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{firstColumn}</th>
          <th scope="col">{t("versions.added")}</th>
          <th scope="col">{t("versions.removed")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td>{row.label}</td>
            <td className="words-added">+{format(row.wordsAdded)}</td>
            <td className="words-removed">−{format(row.wordsRemoved)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
