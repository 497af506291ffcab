// One saved version, read only: what it is, each section's details as they were, and its text
// in an editor of its own (no Collaboration: nothing here touches the live plan).
import { EditorContent, useEditor, type JSONContent } from "@tiptap/react";
import { Link } from "@remix-run/react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ACTION_COLUMNS, type ActionColumn } from "../../editor/action-matrix";
import type { VersionDetail } from "../../versions/types";
import { planExtensions } from "../../editor/extensions";
import { STATUS_LABEL_KEYS } from "../Outline";
import { formatCalendarDate } from "../RelativeTime";
import { fetchVersion } from "./api";
import { VersionMeta, versionTitle } from "./people";
import { RestoreDialog } from "./RestoreDialog";
import { useApi } from "./use-api";
import { versionContent } from "./version-content";

export function VersionView({ planId, versionId, canRestore }: { planId: string; versionId: number; canRestore: boolean }) {
  const { t } = useTranslation();
  const [loaded, reload] = useApi(`${planId}/${versionId}`, (signal) => fetchVersion(planId, versionId, signal));
  if (loaded.status === "loading") return <p className="muted">{t("versions.opening")}</p>;
  if (loaded.status === "failed") {
    return (
      <p className="form-error" role="alert">
        {loaded.error ?? t("versions.openFailed")}{" "}
        {loaded.httpStatus === 404 ? null : (
          <button type="button" className="link-button" onClick={reload}>
            {t("versions.retry")}
          </button>
        )}
      </p>
    );
  }
  return <LoadedVersion planId={planId} version={loaded.value} now={loaded.now} canRestore={canRestore} />;
}

function LoadedVersion({ planId, version, now, canRestore }: { planId: string; version: VersionDetail; now: number; canRestore: boolean }) {
  const { t, i18n } = useTranslation();
  const [restoring, setRestoring] = useState<{ section?: { id: string; title: string } } | null>(null);
  const content = useMemo(() => {
    try {
      return versionContent(version.state);
    } catch {
      return null;
    }
  }, [version.state]);
  const title = versionTitle(version, t);

  const showSection = (sectionId: string) =>
    document
      .querySelector(`.version-document section[data-section-id="${CSS.escape(sectionId)}"]`)
      ?.scrollIntoView({ behavior: "smooth", block: "start" });

  return (
    <div className="version-view" data-version-id={version.id}>
      <header className="version-header">
        <h1 className={`version-name is-${version.kind}`}>{title}</h1>
        {version.note ? <p className="version-note">{version.note}</p> : null}
        <VersionMeta version={version} now={now} />
        <p className="muted">{t("versions.readOnlyNote")}</p>
        <div className="version-buttons">
          <Link className="button-link" to={`/plans/${planId}/compare?from=${version.id}&to=current`}>
            {t("versions.compareWithCurrent")}
          </Link>
          {canRestore ? (
            <button type="button" className="primary small" onClick={() => setRestoring({})}>
              {t("versions.restore")}
            </button>
          ) : null}
        </div>
      </header>
      <div className="plan-layout">
        <aside className="plan-sidebar">
          <h2 className="version-sections-heading">{t("versions.sections")}</h2>
          <ol className="version-sections">
            {version.sections.map((section) => {
              const sectionTitle = section.title || t("outline.untitled");
              return (
                <li key={section.id} data-section-id={section.id}>
                  <button type="button" className="outline-title" onClick={() => showSection(section.id)}>
                    {sectionTitle}
                  </button>
                  <div className="outline-meta">
                    <span className={`status-badge status-${section.status}`}>{t(STATUS_LABEL_KEYS[section.status])}</span>
                    <span className="muted">{section.lead ?? t("section.noLead")}</span>
                    {section.assignee ? <span className="muted">· {section.assignee}</span> : null}
                    {section.dueDate ? (
                      <span className="muted">· {t("section.due", { date: formatCalendarDate(section.dueDate, i18n.language) })}</span>
                    ) : null}
                  </div>
                  {canRestore ? (
                    <button
                      type="button"
                      className="link-button restore-section"
                      onClick={() => setRestoring({ section: { id: section.id, title: sectionTitle } })}
                    >
                      {t("versions.restoreSection", { title: sectionTitle })}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </aside>
        <div className="editor-frame version-document">
          {content ? (
            <ReadOnlyPlan content={content} label={title} />
          ) : (
            <p className="form-error" role="alert">
              {t("versions.openFailed")}
            </p>
          )}
        </div>
      </div>
      {restoring ? (
        <RestoreDialog
          planId={planId}
          versionId={version.id}
          versionName={title}
          section={restoring.section}
          onClose={() => setRestoring(null)}
        />
      ) : null}
    </div>
  );
}

function ReadOnlyPlan({ content, label }: { content: JSONContent; label: string }) {
  const { t } = useTranslation();
  const actionColumnLabels = Object.fromEntries(ACTION_COLUMNS.map((column) => [column, t(`actions.columns.${column}`)])) as Record<
    ActionColumn,
    string
  >;
  const editor = useEditor(
    {
      extensions: planExtensions({ actionColumnLabels }),
      editable: false,
      content,
      immediatelyRender: false,
      // A document to read, not a text box that refuses typing (axe: aria-readonly is not allowed here).
      editorProps: { attributes: { class: "plan-editor", role: "document", "aria-label": label } },
    },
    [content],
  );
  return <EditorContent editor={editor} />;
}
