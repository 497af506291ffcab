// The dashboard's "Sign-offs asked of you": requests waiting for the person's answer, soonest
// due first, each leading to the plan where they approve or refuse.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { SignOffAskedOfYou } from "../../models/sign-off-types";
import { formatCalendarDate } from "../RelativeTime";

export function SignOffsAskedOfYou({ signOffs }: { signOffs: SignOffAskedOfYou[] }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="assigned sign-offs-asked" aria-labelledby="sign-offs-asked-heading">
      <h2 id="sign-offs-asked-heading">{t("signOff.dashboard.title")}</h2>
      {signOffs.length === 0 ? <p className="muted">{t("signOff.dashboard.empty")}</p> : null}
      <ul>
        {signOffs.map((signOff) => (
          <li key={signOff.id}>
            <Link to={`/plans/${signOff.planId}?signOff=${signOff.id}`}>
              {t("signOff.dashboard.item", {
                target:
                  signOff.sectionId === null ? t("signOff.targetPlan") : t("signOff.targetSection", { title: signOff.sectionTitle ?? "" }),
                plan: signOff.planTitle,
              })}
            </Link>
            <span className="muted">
              {" · "}
              {t("signOff.dashboard.due", { date: formatCalendarDate(signOff.dueDate, i18n.language) })}
              {signOff.requestedBy ? ` · ${t("signOff.dashboard.askedBy", { name: signOff.requestedBy })}` : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
