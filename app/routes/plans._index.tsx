import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { Avatar } from "../components/Avatar";
import { AssignedToMe } from "../components/dashboard/AssignedToMe";
import { NewsBadge } from "../components/dashboard/NewsBadge";
import { OpenRounds } from "../components/dashboard/OpenRounds";
import { UnreadMentions } from "../components/dashboard/UnreadMentions";
import { SignOffsAskedOfYou } from "../components/dashboard/SignOffsAskedOfYou";
import { ImportPlanFields } from "../components/ImportPlanFields";
import { RelativeTime } from "../components/RelativeTime";
import { planTemplate, TEMPLATE_IDS } from "../editor/templates";
import { fallbackLanguage, isLanguage } from "../i18n/config";
import { i18next } from "../i18n/i18next.server";
import { MAX_UPLOAD_BYTES } from "../import/upload.server";
import { listPendingInvitations, MAX_LISTED_INVITATIONS, type PendingInvitation } from "../models/invitation.server";
import { createPlan, listPlansForUser } from "../models/plan.server";
import { roleAtLeast, type Role } from "../models/roles";
import { listNotifications } from "../models/notification.server";
import { notificationWords } from "../models/notification-text";
import { sectionProgress, sectionsAssignedTo } from "../models/section.server";
import { requireUser } from "../models/session.server";
import { isOverdue, openRoundsFor, threadsAssignedTo, TODO_LIMIT } from "../models/todo.server";
import { plansWithNews } from "../models/visit.server";
import { signOffsAskedOf } from "../models/sign-off.server";
import { formatDeadline } from "../utils/deadline";
import { oneLine, PLAN_TITLE_MAX_LENGTH } from "../utils/limits";
import { log } from "../utils/log.server";
import type { action as importAction } from "./plans.import";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

const DESCRIPTION_MAX = 1000;

const NewPlanForm = z.object({
  title: z.string().transform(oneLine).pipe(z.string().min(1, "plans.titleRequired").max(PLAN_TITLE_MAX_LENGTH, "plans.titleTooLong")),
  description: z.string().trim().max(DESCRIPTION_MAX, "plans.descriptionTooLong").default(""),
  template: z.enum(TEMPLATE_IDS).default("blank"),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const now = Date.now();
  const [plans, invitations, locale, t] = await Promise.all([
    listPlansForUser(user.id),
    listPendingInvitations(user.id),
    i18next.getLocale(request),
    i18next.getFixedT(request),
  ]);
  const [progress, assigned, threads, rounds, mentions, news] = await Promise.all([
    sectionProgress(plans.map((p) => p.id)),
    sectionsAssignedTo(user.id),
    threadsAssignedTo(user.id),
    openRoundsFor(user.id, now),
    listNotifications(user.id, { unreadOnly: true, kind: "mention", limit: TODO_LIMIT }),
    plansWithNews(user.id),
  ]);
  const withPresence = await Promise.all(
    plans.map(async (plan) => ({
      ...plan,
      online: await context.collab.onlineUsers(plan.id),
      progress: progress.get(plan.id) ?? { draft: 0, in_review: 0, approved: 0 },
      hasNews: news.has(plan.id),
    })),
  );
  return {
    plans: withPresence,
    invitations: invitationsByPlan(invitations, locale),
    // The list stops at the newest MAX_LISTED_INVITATIONS; answering some shows the rest.
    invitationLimit: invitations.length >= MAX_LISTED_INVITATIONS ? MAX_LISTED_INVITATIONS : null,
    assigned: assigned.map((section) => ({ ...section, isOverdue: isOverdue(section.dueDate, now) })),
    threads: threads.map((thread) => ({ ...thread, isOverdue: isOverdue(thread.dueDate, now) })),
    rounds: rounds.map((round) => ({ ...round, deadline: formatDeadline(Number(round.deadline), locale) })),
    mentions: mentions
      // Paths in the app only (the core writes them so; a stored one is never followed off it).
      .filter((entry) => entry.url.startsWith("/") && !entry.url.startsWith("//"))
      .map((entry) => ({ id: entry.id, url: entry.url, ...notificationWords(t, entry.kind, entry.data) })),
    signOffsAsked: await signOffsAskedOf(user.id),
    now,
    importLimitMegabytes: MAX_UPLOAD_BYTES / (1024 * 1024),
  };
}

/** One card per plan: what each invitation to it says, the highest role offered (what
 * accepting gives), and how many invitations each inviter has sent this person in all. */
function invitationsByPlan(invitations: PendingInvitation[], locale: string) {
  const fromInviter = new Map<number, number>();
  for (const invitation of invitations) fromInviter.set(invitation.inviter.id, (fromInviter.get(invitation.inviter.id) ?? 0) + 1);
  const plans = new Map<
    string,
    {
      planId: string;
      planTitle: string;
      role: Role;
      reasons: { id: number; inviter: PendingInvitation["inviter"]; round: { name: string; deadline: string } | null }[];
    }
  >();
  for (const invitation of invitations) {
    const plan = plans.get(invitation.planId) ?? {
      planId: invitation.planId,
      planTitle: invitation.planTitle,
      role: invitation.role,
      reasons: [],
    };
    if (!roleAtLeast(plan.role, invitation.role)) plan.role = invitation.role;
    plan.reasons.push({
      id: invitation.id,
      inviter: invitation.inviter,
      round: invitation.round ? { name: invitation.round.name, deadline: formatDeadline(invitation.round.deadline, locale) } : null,
    });
    plans.set(invitation.planId, plan);
  }
  return [...plans.values()].map((plan) => ({
    ...plan,
    // "Decline all from …" for each inviter here who sent more than this plan's invitations.
    inviters: [...new Map(plan.reasons.map((reason) => [reason.inviter.id, reason.inviter])).values()]
      .map((inviter) => ({ ...inviter, count: fromInviter.get(inviter.id) ?? 0 }))
      .filter((inviter) => inviter.count > plan.reasons.filter((reason) => reason.inviter.id === inviter.id).length),
  }));
}

type FieldErrors = { title?: "plans.titleRequired" | "plans.titleTooLong"; description?: "plans.descriptionTooLong" };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = NewPlanForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const issues = parsed.error.flatten().fieldErrors;
    return data({ fieldErrors: { title: issues.title?.[0], description: issues.description?.[0] } as FieldErrors }, { status: 400 });
  }
  const { title, description, template } = parsed.data;
  const language = await i18next.getLocale(request);
  const start = planTemplate(template, isLanguage(language) ? language : fallbackLanguage);
  const planId = await createPlan({ title, description, ownerId: user.id, content: start?.content, guidance: start?.guidance });
  log.info("plan created", { plan: planId, user: user.id });
  return redirect(`/plans/${planId}`);
}

export default function MyPlans() {
  const { t } = useTranslation();
  const { plans, invitations, invitationLimit, assigned, threads, rounds, mentions, signOffsAsked, now, importLimitMegabytes } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isCreating = useNavigation().formAction === "/plans?index";
  const errors = actionData?.fieldErrors;
  return (
    <div className="plans-page">
      <h1>{t("plans.title")}</h1>
      {invitations.length > 0 ? <Invitations invitations={invitations} limit={invitationLimit} /> : null}
      {plans.length === 0 ? <p className="muted">{t("plans.empty")}</p> : null}
      <ul className="plan-list">
        {plans.map((plan) => (
          <li key={plan.id} className="plan-card">
            <h2>
              <Link to={`/plans/${plan.id}`}>{plan.title}</Link>
            </h2>
            {plan.description ? <p>{plan.description}</p> : null}
            <p className="muted plan-meta">
              <span className={`role-badge role-${plan.role}`}>{t(`roles.${plan.role}`)}</span>
              <span>
                {t("plans.lastEdited")} <RelativeTime time={plan.lastEditedAt} now={now} />
              </span>
              {plan.hasNews ? <NewsBadge planId={plan.id} /> : null}
            </p>
            <Progress progress={plan.progress} />
            <div className="online" aria-label={t("plans.onlineNow")}>
              {plan.online.length === 0 ? (
                <span className="muted">{t("plans.nobodyOnline")}</span>
              ) : (
                <>
                  <span className="muted">{t("plans.onlineNow")}:</span>
                  {plan.online.map((person) => (
                    <Avatar key={person.id} name={person.name} color={person.color} />
                  ))}
                </>
              )}
            </div>
          </li>
        ))}
      </ul>

      <div className="todo">
        <SignOffsAskedOfYou signOffs={signOffsAsked} />
        <AssignedToMe sections={assigned} threads={threads} />
        <UnreadMentions mentions={mentions} />
        <OpenRounds rounds={rounds} />
      </div>

      <div className="new-plan-choices">
        <section className="new-plan" aria-labelledby="new-plan-heading">
          <h2 id="new-plan-heading">{t("plans.newPlan")}</h2>
          <Form method="post" className="stack" noValidate>
            <label>
              {t("plans.planTitle")}
              <input name="title" required maxLength={PLAN_TITLE_MAX_LENGTH} aria-invalid={errors?.title ? true : undefined} />
            </label>
            {errors?.title ? <p className="field-error">{t(errors.title, { max: PLAN_TITLE_MAX_LENGTH })}</p> : null}
            <label>
              {t("plans.planDescription")}
              <textarea name="description" rows={2} maxLength={DESCRIPTION_MAX} />
            </label>
            {errors?.description ? <p className="field-error">{t(errors.description, { max: DESCRIPTION_MAX })}</p> : null}
            <label>
              {t("plans.template")}
              <select name="template" defaultValue="sse">
                <option value="sse">{t("plans.templateSse")}</option>
                <option value="blank">{t("plans.templateBlank")}</option>
              </select>
            </label>
            <button type="submit" className="primary" disabled={isCreating}>
              {isCreating ? t("plans.creating") : t("plans.create")}
            </button>
          </Form>
        </section>
        <ImportPlanForm limitMegabytes={importLimitMegabytes} />
      </div>
    </div>
  );
}

type InvitationCard = ReturnType<typeof useLoaderData<typeof loader>>["invitations"][number];

/** Invitations waiting for an answer: the plan is not among the person's plans until they
 * accept. Its title is the inviter's words, so it is shown as text, never as a link. */
function Invitations({ invitations, limit }: { invitations: InvitationCard[]; limit: number | null }) {
  const { t } = useTranslation();
  const isBusy = useNavigation().formAction === "/invitations";
  return (
    <section className="invitations" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">{t("invitations.title")}</h2>
      <p className="muted">{t("invitations.intro")}</p>
      <ul className="invitation-list">
        {invitations.map((invitation) => (
          <li key={invitation.planId} className="invitation-card" data-invitation-plan={invitation.planId}>
            <h3>{invitation.planTitle}</h3>
            <ul className="invitation-reasons">
              {invitation.reasons.map((reason) => (
                <li key={reason.id}>
                  <span>
                    {reason.round
                      ? t("invitations.fromRound", { round: reason.round.name, deadline: reason.round.deadline })
                      : t("invitations.fromMembersPage")}
                  </span>{" "}
                  <span className="muted">
                    {t("invitations.invitedBy", { name: reason.inviter.name, organisation: reason.inviter.organisation })}
                  </span>
                </li>
              ))}
            </ul>
            <p className="plan-meta">
              <span className={`role-badge role-${invitation.role}`}>
                {t("invitations.roleOffered", { role: t(`roles.${invitation.role}`) })}
              </span>
            </p>
            <div className="invitation-actions">
              <Form method="post" action="/invitations">
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="planId" value={invitation.planId} />
                <button
                  type="submit"
                  className="primary"
                  disabled={isBusy}
                  aria-label={t("invitations.acceptLabel", { plan: invitation.planTitle })}
                >
                  {t("invitations.accept")}
                </button>
              </Form>
              <Form method="post" action="/invitations">
                <input type="hidden" name="intent" value="decline" />
                <input type="hidden" name="planId" value={invitation.planId} />
                <button
                  type="submit"
                  className="plain"
                  disabled={isBusy}
                  aria-label={t("invitations.declineLabel", { plan: invitation.planTitle })}
                >
                  {t("invitations.decline")}
                </button>
              </Form>
              {invitation.inviters.map((inviter) => (
                <Form method="post" action="/invitations" key={inviter.id}>
                  <input type="hidden" name="intent" value="declineFrom" />
                  <input type="hidden" name="inviterId" value={inviter.id} />
                  <button type="submit" className="link-button" disabled={isBusy}>
                    {t("invitations.declineAllFrom", { count: inviter.count, name: inviter.name })}
                  </button>
                </Form>
              ))}
            </div>
          </li>
        ))}
      </ul>
      {limit ? <p className="muted">{t("invitations.onlyNewest", { count: limit })}</p> : null}
    </section>
  );
}

/** Posts to /plans/import; a new plan redirects there, a refused file shows why here. */
function ImportPlanForm({ limitMegabytes }: { limitMegabytes: number }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof importAction>();
  const refusal = fetcher.data?.error ? fetcher.data : undefined;
  return (
    <section className="new-plan import-plan" aria-labelledby="import-plan-heading">
      <h2 id="import-plan-heading">{t("import.title")}</h2>
      <p className="muted">{t("import.intro")}</p>
      <fetcher.Form method="post" action="/plans/import" encType="multipart/form-data" className="stack">
        <ImportPlanFields limitMegabytes={limitMegabytes} refusal={refusal} isImporting={fetcher.state !== "idle"} />
      </fetcher.Form>
    </section>
  );
}

function Progress({ progress }: { progress: { draft: number; in_review: number; approved: number } }) {
  const { t } = useTranslation();
  const total = progress.draft + progress.in_review + progress.approved;
  if (total === 0) return null;
  const width = (count: number) => `${(100 * count) / total}%`;
  return (
    <div className="progress">
      <div
        className="progress-bar"
        role="img"
        aria-label={t("plans.progressLabel", { draft: progress.draft, inReview: progress.in_review, approved: progress.approved })}
      >
        <span className="status-approved" style={{ width: width(progress.approved) }} />
        <span className="status-in_review" style={{ width: width(progress.in_review) }} />
        <span className="status-draft" style={{ width: width(progress.draft) }} />
      </div>
      <span className="muted">{t("plans.progress", { approved: progress.approved, total })}</span>
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
