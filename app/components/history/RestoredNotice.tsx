// After a restore, on the plan page: says what was restored (read out by screen readers) and,
// for one section, brings the reader to it with the caret at its start once the text is there.
import { useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { revealSection } from "../reveal-section";

/** What RestoreDialog passes to the plan page in the history entry's state. */
export interface RestoredState {
  restored: { versionName: string; section?: { id: string; title: string } };
}

export function RestoredNotice() {
  const { t } = useTranslation();
  const location = useLocation();
  const restored = (location.state as Partial<RestoredState> | null)?.restored;
  const [dismissedKey, setDismissedKey] = useState<string | null>(null);
  const sectionId = restored?.section?.id;

  useEffect(() => (sectionId ? revealSection(sectionId) : undefined), [location.key, sectionId]);

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
