// After a restore, on the plan page: says what was restored (read out by screen readers) and,
// for one section, brings the reader to it with the caret at its start once the text is there.
import { useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/** What RestoreDialog passes to the plan page in the history entry's state. */
export interface RestoredState {
  restored: { versionName: string; section?: { id: string; title: string } };
}

const WAIT_FOR_SECTION_MS = 10_000;
/** Save states that mean the text has synced with the server (PlanWorkspace's status line). */
const SYNCED_STATUSES = new Set(["connected", "editing", "saving", "saved"]);

// The section may be on the page before the text has synced (the restored text arrives live):
// a caret placed then is lost when the synced content replaces it.
function isTextSynced(): boolean {
  const status = document.querySelector<HTMLElement>(".connection-status")?.dataset.status;
  return status !== undefined && SYNCED_STATUSES.has(status);
}

export function RestoredNotice() {
  const { t } = useTranslation();
  const location = useLocation();
  const restored = (location.state as Partial<RestoredState> | null)?.restored;
  const [dismissedKey, setDismissedKey] = useState<string | null>(null);
  const sectionId = restored?.section?.id;

  useEffect(() => {
    if (!sectionId) return;
    const selector = `.ProseMirror section[data-section-id="${CSS.escape(sectionId)}"]`;
    const startedAt = Date.now();
    let timer = 0;
    const reveal = () => {
      const element = document.querySelector<HTMLElement>(selector);
      if (!element || !isTextSynced()) {
        if (Date.now() - startedAt < WAIT_FOR_SECTION_MS) timer = window.setTimeout(reveal, 100);
        return;
      }
      element.scrollIntoView({ block: "start" });
      const editable = element.closest<HTMLElement>(".ProseMirror");
      const start = element.querySelector("h1, h2, h3, h4, p") ?? element;
      // The editor takes the browser's selection as its own when it gets focus.
      editable?.focus({ preventScroll: true });
      document.getSelection()?.collapse(start, 0);
    };
    reveal();
    return () => window.clearTimeout(timer);
  }, [location.key, sectionId]);

  if (!restored || dismissedKey === location.key) return null;
  const message = restored.section
    ? t("versions.restoredSection", { title: restored.section.title, name: restored.versionName })
    : t("versions.restoredPlan", { name: restored.versionName });
  return (
    <p className="restored-notice" role="status">
      {message}{" "}
      <button type="button" className="link-button" onClick={() => setDismissedKey(location.key)}>
        {t("versions.dismiss")}
      </button>
    </p>
  );
}
