// Asks before a restore, says what it will change, and on success opens the plan page, where
// the restored text arrives live and RestoredNotice says what was restored. A whole version,
// or one section of it.
import { useNavigate } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { restoreVersion } from "./api";
import type { RestoredState } from "./RestoredNotice";

export function RestoreDialog({
  planId,
  versionId,
  versionName,
  section,
  onClose,
}: {
  planId: string;
  versionId: number;
  versionName: string;
  /** Restore only this section. */
  section?: { id: string; title: string };
  onClose(): void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const restore = async () => {
    setIsBusy(true);
    setError(null);
    const result = await restoreVersion(planId, versionId, section?.id);
    if (result.ok) {
      const state: RestoredState = { restored: { versionName, section } };
      navigate(`/plans/${planId}`, { state });
      return;
    }
    setIsBusy(false);
    setError(result.status === 0 ? t("versions.networkError") : (result.error ?? t("versions.restoreFailed")));
  };

  return (
    <dialog
      ref={dialog}
      className="modal-dialog restore-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!isBusy) onClose();
      }}
    >
      <h2 id={titleId}>
        {section ? t("versions.restoreSectionTitle", { title: section.title }) : t("versions.restoreTitle", { name: versionName })}
      </h2>
      <p>{section ? t("versions.restoreSectionBody", { name: versionName }) : t("versions.restoreBody")}</p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="plain" onClick={onClose} disabled={isBusy}>
          {t("versions.cancel")}
        </button>
        <button type="button" className="primary" onClick={restore} disabled={isBusy}>
          {isBusy ? t("versions.restoring") : t("versions.confirmRestore")}
        </button>
      </div>
    </dialog>
  );
}
