// A plan's versions, newest first: named ones prominent, checkpoints lighter. Each opens,
// compares with the current text, or (editors) restores; ticking two compares them.
import { Link, useNavigate } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Version } from "../../versions/types";
import { fetchVersions } from "./api";
import { VersionMeta, versionTitle } from "./people";
import { RestoreDialog } from "./RestoreDialog";
import { useApi } from "./use-api";

export function VersionList({ planId, canRestore }: { planId: string; canRestore: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [loaded, reload] = useApi(planId, (signal) => fetchVersions(planId, signal));
  // At most two; ticking a third lets go of the first.
  const [selectedIds, setSelectedIds] = useState<number[]>([]);
  const [restoring, setRestoring] = useState<Version | null>(null);

  if (loaded.status === "loading") return <p className="muted">{t("versions.loading")}</p>;
  if (loaded.status === "failed") {
    return (
      <p className="form-error" role="alert">
        {loaded.error ?? t("versions.loadFailed")}{" "}
        <button type="button" className="link-button" onClick={reload}>
          {t("versions.retry")}
        </button>
      </p>
    );
  }
  const { versions } = loaded.value;
  if (versions.length === 0) return <p className="muted">{t("versions.empty")}</p>;

  const toggle = (versionId: number) =>
    setSelectedIds((ids) => (ids.includes(versionId) ? ids.filter((id) => id !== versionId) : [...ids, versionId].slice(-2)));
  const compareSelected = () => {
    const [older, newer] = versions.filter((version) => selectedIds.includes(version.id)).sort((a, b) => a.createdAt - b.createdAt);
    if (older && newer) navigate(`/plans/${planId}/compare?from=${older.id}&to=${newer.id}`);
  };

  return (
    <>
      <div className="compare-bar">
        <button type="button" className="primary small" disabled={selectedIds.length !== 2} onClick={compareSelected}>
          {t("versions.compareSelected")}
        </button>
        <span className="muted">{t("versions.pickTwo")}</span>
      </div>
      <ol className="version-list">
        {versions.map((version) => {
          const title = versionTitle(version, t);
          return (
            <li key={version.id} className={`version-row is-${version.kind}`} data-version-id={version.id} data-kind={version.kind}>
              <input
                type="checkbox"
                className="version-pick"
                aria-label={t("versions.selectForCompare", { name: title })}
                checked={selectedIds.includes(version.id)}
                onChange={() => toggle(version.id)}
              />
              <div className="version-main">
                <Link to={`/plans/${planId}/history/${version.id}`} className="version-title">
                  {title}
                </Link>
                {version.note ? <p className="version-note">{version.note}</p> : null}
                <VersionMeta version={version} now={loaded.now} />
              </div>
              <div className="version-actions">
                <Link to={`/plans/${planId}/history/${version.id}`}>{t("versions.open")}</Link>
                <Link to={`/plans/${planId}/compare?from=${version.id}&to=current`}>{t("versions.compareWithCurrent")}</Link>
                {canRestore ? (
                  <button type="button" className="link-button" onClick={() => setRestoring(version)}>
                    {t("versions.restore")}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {restoring ? (
        <RestoreDialog
          planId={planId}
          versionId={restoring.id}
          versionName={versionTitle(restoring, t)}
          onClose={() => setRestoring(null)}
        />
      ) : null}
    </>
  );
}
