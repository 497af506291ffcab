import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { STATUS_LABEL_KEYS } from "../components/Outline";
import { RestoredNotice } from "../components/history/RestoredNotice";
import { SignOffPanel, SignOffProvider } from "../components/SignOffs";
import { PlanWorkspace } from "../components/PlanWorkspace";
import { openingUrl } from "../collab/opening";
import { formatCalendarDate, RelativeTime } from "../components/RelativeTime";
import { useSectionFromAddress } from "../components/reveal-section";
import { SinceLastVisit } from "../components/SinceLastVisit";
import { i18next } from "../i18n/i18next.server";
import { listRounds, type RoundSummary } from "../models/consultation.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId, listMembers } from "../models/plan.server";
import { can, SECTION_STATUSES, type SectionStatus } from "../models/roles";
import { listActivity, listSections } from "../models/section.server";
import { listSignOffs } from "../models/sign-off.server";
import { listOrganisations } from "../models/user.server";
import { userColor } from "../utils/colors";
import { formatDeadline, formatTitleList } from "../utils/deadline";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { user, plan } = await requirePlanPermission(request, planId, "plan.view");
  const [sections, organisations, members, activity, rounds, locale, signOffs] = await Promise.all([
    listSections(planId),
    listOrganisations(),
    listMembers(planId),
    listActivity(planId),
    listRounds(planId),
    i18next.getLocale(request),
    listSignOffs(planId, { id: user.id, role: plan.role }),
  ]);
  return {
    plan: { id: plan.id, title: plan.title, description: plan.description, role: plan.role },
    user: { id: user.id, name: user.name, color: userColor(user.id) },
    sections,
    organisations: organisations.map(({ id, shortName }) => ({ id, shortName })),
    // The people a section can be assigned to: those who can write it.
    members: members.filter(({ role }) => can(role, "plan.editText")).map(({ userId, name }) => ({ userId, name })),
    activity,
    signOffs,
    // Whom an owner may ask for sign-off: any member.
    signOffCandidates: can(plan.role, "plan.manage")
      ? members.map(({ userId, name, organisationName }) => ({ userId, name, organisationName }))
      : null,
    rounds: bannerRounds(rounds, sections).map((round) => ({
      id: round.id,
      name: round.name,
      isOpen: round.isOpen,
      deadline: formatDeadline(round.deadline, locale),
      sections: formatTitleList(round.sectionTitles, locale),
    })),
    now: Date.now(),
  };
}

/** Every open round, and each closed round with the current sections it shut: those no open
 * round covers and no newer closed round names (the rule commenting follows). */
function bannerRounds(rounds: RoundSummary[], sections: { id: string; title: string }[]) {
  const named = new Set(rounds.filter((round) => round.isOpen).flatMap((round) => round.sectionIds));
  return rounds.flatMap((round) => {
    // Newest first, so a section goes to the latest closed round that names it.
    const sectionIds = round.isOpen ? round.sectionIds : round.sectionIds.filter((sectionId) => !named.has(sectionId));
    for (const sectionId of sectionIds) named.add(sectionId);
    const titles = sections.filter((section) => sectionIds.includes(section.id)).map((section) => section.title);
    return titles.length > 0 ? [{ ...round, sectionTitles: titles }] : [];
  });
}

export default function PlanPage() {
  const { t } = useTranslation();
  const { plan, user, sections, organisations, members, activity, rounds, signOffs, signOffCandidates, now } =
    useLoaderData<typeof loader>();
  const canEdit = can(plan.role, "plan.editText");
  useSectionFromAddress();
  return (
    <div className="plan-page">
      {/* Asked for while the page's code loads: the editor opens from it (app/collab/opening.ts). */}
      <link rel="preload" href={openingUrl(plan.id)} as="fetch" crossOrigin="anonymous" />
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to="/plans">← {t("plan.backToPlans")}</Link>
        <Link to={`/plans/${plan.id}/members`}>{t("members.link")}</Link>
        <Link to={`/plans/${plan.id}/rounds`}>{t("rounds.link")}</Link>
        <Link to={`/plans/${plan.id}/history`}>{t("versions.link")}</Link>
        <span className="plan-exports">
          <Link to={`/plans/${plan.id}/print`}>{t("planExport.print")}</Link>
          <a href={`/plans/${plan.id}/export.docx`} download>
            {t("planExport.downloadWord")}
          </a>
          <a href={`/plans/${plan.id}/export.md`} download>
            {t("planExport.downloadMarkdown")}
          </a>
          {can(plan.role, "plan.suggest") ? <Link to={`/plans/${plan.id}/import-review`}>{t("reviewImport.link")}</Link> : null}
        </span>
      </nav>
      <div className="plan-heading">
        <h1>{plan.title}</h1>
        {canEdit ? null : (
          <span
            className="readonly-badge"
            title={plan.role === "commenter" ? t("plan.suggestOnlyHelp") : t("plan.viewOnlyHelp")}
            data-testid="readonly-badge"
          >
            {plan.role === "commenter" ? t("plan.commentOnly") : t("plan.viewOnly")}
          </span>
        )}
      </div>
      {plan.description ? <p className="muted">{plan.description}</p> : null}
      <RoundsBanner planId={plan.id} rounds={rounds} />
      <SinceLastVisit planId={plan.id} />
      <RestoredNotice />
      <SignOffProvider planId={plan.id} signOffs={signOffs} candidates={signOffCandidates} sections={sections}>
        <SignOffPanel />
        <PlanWorkspace
          key={plan.id}
          planId={plan.id}
          planTitle={plan.title}
          user={user}
          canEdit={canEdit}
          details={{ planId: plan.id, role: plan.role, details: sections, organisations, members }}
        />
      </SignOffProvider>
      <ActivityList activity={activity} now={now} />
    </div>
  );
}

/** Open rounds with their deadline, and which sections closed rounds shut to partners. */
function RoundsBanner({
  planId,
  rounds,
}: {
  planId: string;
  rounds: { id: number; name: string; isOpen: boolean; deadline: string; sections: string }[];
}) {
  const { t } = useTranslation();
  if (rounds.length === 0) return null;
  return (
    <ul className="rounds-banner" aria-label={t("rounds.title")}>
      {rounds.map((round) => (
        <li key={round.id} className={round.isOpen ? "round-open" : "round-closed"}>
          {round.isOpen
            ? t("rounds.bannerOpenShort", { sections: round.sections, deadline: round.deadline })
            : t("rounds.bannerClosedShort", { sections: round.sections })}{" "}
          <Link to={`/plans/${planId}/rounds/${round.id}`}>{t("rounds.bannerLink", { name: round.name })}</Link>
        </li>
      ))}
    </ul>
  );
}

const FIELD_KEYS = {
  status: "activity.fieldStatus",
  lead: "activity.fieldLead",
  assignee: "activity.fieldAssignee",
  dueDate: "activity.fieldDueDate",
} as const;

function ActivityList({
  activity,
  now,
}: {
  activity: {
    id: number;
    userName: string | null;
    sectionTitle: string | null;
    field: string;
    fromValue: string | null;
    toValue: string | null;
    createdAt: number;
  }[];
  now: number;
}) {
  const { t, i18n } = useTranslation();
  const value = (field: string, raw: string | null) => {
    if (raw === null) return t("section.none");
    if (field === "dueDate") return formatCalendarDate(raw, i18n.language);
    if (field === "status" && (SECTION_STATUSES as readonly string[]).includes(raw)) return t(STATUS_LABEL_KEYS[raw as SectionStatus]);
    return raw;
  };
  return (
    <section className="activity" aria-labelledby="activity-heading">
      <h2 id="activity-heading">{t("activity.title")}</h2>
      {activity.length === 0 ? <p className="muted">{t("activity.empty")}</p> : null}
      <ul>
        {activity.map((entry) => (
          <li key={entry.id}>
            {t("activity.change", {
              user: entry.userName ?? "",
              field: t(FIELD_KEYS[entry.field as keyof typeof FIELD_KEYS] ?? "activity.fieldStatus"),
              section: entry.sectionTitle ?? "",
              from: value(entry.field, entry.fromValue),
              to: value(entry.field, entry.toValue),
            })}{" "}
            <span className="muted">
              <RelativeTime time={entry.createdAt} now={now} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
