// Every action row of the plan grouped by responsible institution, read live from the
// editor's document as accepted (open suggestions left out, as in the CSV), with the CSV of all
// matrices one click away.
import type { Editor } from "@tiptap/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { groupByInstitution, readActionRows, type ActionRowData } from "../editor/action-matrix";

export function ActionsByInstitution({ editor, planId }: { editor: Editor; planId: string }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<ActionRowData[]>(() => readActionRows(editor.state.doc));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      clearTimeout(timer);
      // Unchanged rows keep the same list: typing outside the matrices renders nothing.
      timer = setTimeout(() => {
        const next = readActionRows(editor.state.doc);
        setRows((previous) => (JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
      }, 150);
    };
    editor.on("update", update);
    return () => {
      clearTimeout(timer);
      editor.off("update", update);
    };
  }, [editor]);
  const groups = groupByInstitution(rows, t("actions.unassigned"));
  return (
    <section className="actions-by-institution" aria-labelledby="actions-heading" data-testid="actions-by-institution">
      <div className="actions-header">
        <h2 id="actions-heading">{t("actions.title")}</h2>
        <a href={`/plans/${planId}/actions.csv`} download>
          {t("actions.downloadCsv")}
        </a>
      </div>
      <p className="muted">{t("actions.help")}</p>
      {groups.length === 0 ? <p className="muted">{t("actions.empty")}</p> : null}
      {groups.map(([institution, actions]) => (
        // Too wide for a phone, it scrolls sideways within itself: a Tab stop, so the keyboard can
        // too (axe-core's scrollable-region-focusable; a scrolling region is the one element
        // without a widget role that WAI-ARIA's practices make focusable).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        <div key={institution} className="institution-group" role="region" aria-label={institution} tabIndex={0}>
          <h3>{institution}</h3>
          <table className="actions-table">
            <thead>
              <tr>
                <th>{t("actions.section")}</th>
                <th>{t("actions.columns.activity")}</th>
                <th>{t("actions.columns.output")}</th>
                <th>{t("actions.columns.target")}</th>
                <th>{t("actions.columns.timeline")}</th>
                <th>{t("actions.columns.supporting")}</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action, index) => (
                <tr key={`${action.sectionId}-${index}`}>
                  <td>{action.sectionTitle}</td>
                  <td>{action.cells.activity}</td>
                  <td>{action.cells.output}</td>
                  <td>{action.cells.target}</td>
                  <td>{action.cells.timeline}</td>
                  <td>{action.cells.supporting}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
