// Who signed off which text (docs/workflow.md, "Sign-off"): every request's events, newest
// first, each approval with a link to the version of the text it was given on.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { SignOffEventView } from "../../models/sign-off-types";
import { RelativeTime } from "../RelativeTime";

export function SignOffHistory({ planId, events, now }: { planId: string; events: SignOffEventView[]; now: number }) {
  const { t } = useTranslation();
  return (
    <section className="sign-off-history" aria-labelledby="sign-off-history-heading">
      <h2 id="sign-off-history-heading">{t("signOff.history.title")}</h2>
      <p className="muted">{t("signOff.history.help")}</p>
      {events.length === 0 ? <p className="muted">{t("signOff.history.empty")}</p> : null}
      <ol className="sign-off-events">
        {events.map((event) => {
          const target =
            event.sectionId === null ? t("signOff.targetPlan") : t("signOff.targetSection", { title: event.sectionTitle ?? "" });
          const actor = event.actor?.name ?? t("signOff.history.someone");
          const approver = event.approver ? `${event.approver.name} (${event.approver.organisation})` : "";
          const who = event.actor && event.kind !== "asked" ? `${actor} (${event.actor.organisation})` : actor;
          return (
            <li key={event.id} className={`sign-off-event is-${event.kind}`} data-kind={event.kind}>
              <span>{t(`signOff.history.${event.kind}`, { actor: who, approver, target })}</span>{" "}
              <span className="muted">
                <RelativeTime time={event.createdAt} now={now} />
              </span>
              {event.versionId !== null ? (
                <>
                  {" · "}
                  <Link to={`/plans/${planId}/history/${event.versionId}`}>{t("signOff.history.openVersion")}</Link>
                </>
              ) : null}
              {event.reason ? <p className="sign-off-reason">{t("signOff.history.reason", { reason: event.reason })}</p> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
