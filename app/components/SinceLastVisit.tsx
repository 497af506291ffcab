// On the plan page: "N changes by <people> in <sections> since you were last here", with a link
// to the compare of the text as the person last saw it with the text now (docs/workflow.md,
// "Since your last visit"). Asked for after the page has loaded, so the compare never slows it.
import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SinceLastVisit as Since } from "../versions/types";

/** Names listed before "and N more". */
const LISTED = 3;
/** Times a busy server (429) is asked again, after the wait it names. */
const RETRIES = 3;

export function SinceLastVisit({ planId }: { planId: string }) {
  const { t, i18n } = useTranslation();
  const [since, setSince] = useState<Since | null>(null);
  const [isHidden, setIsHidden] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    let timer = 0;
    const ask = async (retriesLeft: number) => {
      try {
        const response = await fetch(`/api/plans/${encodeURIComponent(planId)}/since-last-visit`, { signal: controller.signal });
        if (response.status === 429 && retriesLeft > 0) {
          const waitSeconds = Number(response.headers.get("Retry-After")) || 2;
          timer = window.setTimeout(() => void ask(retriesLeft - 1), waitSeconds * 1000);
          return;
        }
        if (!response.ok) return;
        const body = (await response.json()) as { since: Since | null };
        setSince(body.since);
      } catch {
        // Aborted, or offline: the line is a courtesy, the page works without it.
      }
    };
    void ask(RETRIES);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [planId]);

  if (!since || since.changes === 0 || isHidden) return null;
  // "A, B, C and 2 more" in the reader's language.
  const list = (names: string[]) =>
    new Intl.ListFormat(i18n.language, { type: "conjunction" }).format(
      names.length > LISTED ? [...names.slice(0, LISTED), t("sinceVisit.more", { count: names.length - LISTED })] : names,
    );
  const people = since.people.length > 0 ? since.people.map((person) => person.name) : [t("sinceVisit.someone")];
  const sections = since.sections.map((section) => `“${section.title || t("outline.untitled")}”`);
  return (
    <p className="since-visit" role="status" data-testid="since-last-visit">
      <span>
        {t("sinceVisit.summary", {
          count: since.changes,
          people: list(people),
          sections: list(sections),
        })}
      </span>
      <Link to={since.compareUrl}>{t("sinceVisit.seeChanges")}</Link>
      <button type="button" className="link-button" onClick={() => setIsHidden(true)}>
        {t("sinceVisit.hide")}
      </button>
    </p>
  );
}
