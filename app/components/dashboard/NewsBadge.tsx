// The mark on a plan's card when someone else changed it since the person last left it
// (docs/workflow.md, "Since your last visit"); opening the plan says what changed.
import { useTranslation } from "react-i18next";

export function NewsBadge({ planId }: { planId: string }) {
  const { t } = useTranslation();
  return (
    <span className="news-badge" data-plan-news={planId}>
      {t("dashboard.news")}
    </span>
  );
}
