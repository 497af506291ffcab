// "Assigned to me" on the dashboard: the sections and the open comment threads assigned to the
// person, each a link to its place in the plan, with its due date and what is overdue.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { SectionStatus } from "../../models/roles";
import { STATUS_LABEL_KEYS } from "../Outline";
import { formatCalendarDate } from "../RelativeTime";

export interface AssignedSection {
  planId: string;
  planTitle: string;
  sectionId: string;
  title: string;
  status: SectionStatus;
  dueDate: string | null;
  isOverdue: boolean;
}

export interface AssignedThread {
  planId: string;
  planTitle: string;
  threadId: string;
  sectionTitle: string | null;
  quote: string;
  dueDate: string | null;
  isOverdue: boolean;
}

export function AssignedToMe({ sections, threads }: { sections: AssignedSection[]; threads: AssignedThread[] }) {
  const { t } = useTranslation();
  return (
    <section className="assigned todo-block" aria-labelledby="assigned-heading">
      <h2 id="assigned-heading">{t("plans.assignedToMe")}</h2>
      <h3>{t("dashboard.sections")}</h3>
      {sections.length === 0 ? <p className="muted">{t("plans.nothingAssigned")}</p> : null}
      <ul className="todo-list">
        {sections.map((section) => (
          <li key={`${section.planId}-${section.sectionId}`}>
            <Link to={`/plans/${section.planId}#section-${encodeURIComponent(section.sectionId)}`}>{section.title}</Link>{" "}
            <span className="muted">· {section.planTitle}</span>{" "}
            <span className={`status-badge status-${section.status}`}>{t(STATUS_LABEL_KEYS[section.status])}</span>
            <DueDate dueDate={section.dueDate} isOverdue={section.isOverdue} />
          </li>
        ))}
      </ul>
      <h3>{t("dashboard.threads")}</h3>
      {threads.length === 0 ? <p className="muted">{t("dashboard.noThreads")}</p> : null}
      <ul className="todo-list">
        {threads.map((thread) => (
          <li key={thread.threadId} data-assigned-thread={thread.threadId}>
            <Link to={`/plans/${thread.planId}#thread-${encodeURIComponent(thread.threadId)}`}>
              {thread.quote ? `“${thread.quote}”` : t("dashboard.sectionComment", { section: thread.sectionTitle ?? "" })}
            </Link>{" "}
            <span className="muted">
              · {thread.sectionTitle && thread.quote ? `${thread.sectionTitle} · ` : ""}
              {thread.planTitle}
            </span>
            <DueDate dueDate={thread.dueDate} isOverdue={thread.isOverdue} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "· Due 5 December 2026", and "Overdue" beside it once that day has passed. */
export function DueDate({ dueDate, isOverdue }: { dueDate: string | null; isOverdue: boolean }) {
  const { t, i18n } = useTranslation();
  if (!dueDate) return null;
  return (
    <>
      <span className="muted"> · {t("section.due", { date: formatCalendarDate(dueDate, i18n.language) })}</span>
      {isOverdue ? (
        <>
          {" "}
          <span className="overdue-badge" data-overdue="true">
            {t("dashboard.overdue")}
          </span>
        </>
      ) : null}
    </>
  );
}
