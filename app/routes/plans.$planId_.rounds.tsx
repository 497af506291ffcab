// A plan's consultation rounds: every member sees them; owners open a round (which invites the
// chosen organisations' members to comment: they accept or decline on their dashboards), see
// how those invitations stand, and close a round before its deadline.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { i18next } from "../i18n/i18next.server";
import { closeRound, getRound, listRounds, openRound } from "../models/consultation.server";
import { notifyInvitedToRound } from "../models/invitation-notifications.server";
import { countRoundInvitations } from "../models/invitation.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { can } from "../models/roles";
import { listSections } from "../models/section.server";
import { listOrganisations } from "../models/user.server";
import { formatDeadline, parseDeadline } from "../utils/deadline";
import { log } from "../utils/log.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

const NAME_MAX = 200;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  const [rounds, sections, organisations, locale] = await Promise.all([
    listRounds(planId),
    listSections(planId),
    listOrganisations(),
    i18next.getLocale(request),
  ]);
  // Who was asked and what they answered is for the plan's owners.
  const invitations = can(plan.role, "plan.manage") ? await countRoundInvitations(rounds.map((round) => round.id)) : null;
  return {
    plan: { id: plan.id, title: plan.title, role: plan.role },
    rounds: rounds.map((round) => ({
      id: round.id,
      name: round.name,
      isOpen: round.isOpen,
      deadline: formatDeadline(round.deadline, locale),
      closedOn: formatDeadline(round.closedAt ?? round.deadline, locale),
      // In the plan's order; then how many have been removed from the plan since.
      sectionTitles: sections.filter((section) => round.sectionIds.includes(section.id)).map((section) => section.title),
      removedSections: round.sectionIds.filter((sectionId) => !sections.some((section) => section.id === sectionId)).length,
      organisations: organisations
        .filter((organisation) => round.organisationIds.includes(organisation.id))
        .map((organisation) => organisation.shortName),
      invitations: invitations ? (invitations.get(round.id) ?? { pending: 0, accepted: 0, declined: 0 }) : null,
    })),
    sections: sections.map(({ id, title }) => ({ id, title })),
    organisations: organisations.map(({ id, name }) => ({ id, name })),
  };
}

const RoundAction = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("open"),
    name: z.string().trim().min(1, "rounds.nameRequired").max(NAME_MAX, "rounds.nameTooLong"),
    deadline: z
      .string()
      .transform(
        (value, ctx) =>
          parseDeadline(value) ?? (ctx.addIssue({ code: "custom", message: "rounds.deadlineRequired", fatal: true }), z.NEVER),
      )
      .refine((deadline) => deadline > Date.now(), "rounds.deadlinePast"),
    sectionIds: z.array(z.string()).min(1, "rounds.sectionsRequired"),
    organisationIds: z.array(z.coerce.number().int()).min(1, "rounds.organisationsRequired"),
  }),
  z.object({ intent: z.literal("close"), roundId: z.coerce.number().int() }),
]);

type FieldErrorKey =
  | "rounds.nameRequired"
  | "rounds.nameTooLong"
  | "rounds.deadlineRequired"
  | "rounds.deadlinePast"
  | "rounds.sectionsRequired"
  | "rounds.sectionsGone"
  | "rounds.organisationsRequired";

interface FieldErrors {
  name?: FieldErrorKey;
  deadline?: FieldErrorKey;
  sectionIds?: FieldErrorKey;
  organisationIds?: FieldErrorKey;
  /** Something no field explains: a tampered form. */
  form?: "rounds.errorInvalid";
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { user, plan } = await requirePlanPermission(request, planId, "plan.manage");
  const formData = await request.formData();
  const values = {
    intent: formData.get("intent"),
    name: formData.get("name") ?? "",
    deadline: formData.get("deadline") ?? "",
    sectionIds: formData.getAll("sectionIds"),
    organisationIds: formData.getAll("organisationIds"),
    roundId: formData.get("roundId"),
  };
  const parsed = RoundAction.safeParse(values);
  // What the owner typed, to fill the form again when it comes back with errors.
  const echo = {
    name: String(values.name),
    deadline: String(values.deadline),
    sectionIds: values.sectionIds.map(String),
    organisationIds: values.organisationIds.map(Number),
  };
  if (!parsed.success) {
    const issues = parsed.error.flatten().fieldErrors as Record<string, string[] | undefined>;
    const fieldErrors: FieldErrors = {
      name: issues.name?.[0] as FieldErrorKey | undefined,
      deadline: issues.deadline?.[0] as FieldErrorKey | undefined,
      sectionIds: issues.sectionIds?.[0] as FieldErrorKey | undefined,
      organisationIds: issues.organisationIds?.[0] as FieldErrorKey | undefined,
    };
    // A wrong intent, a non-numeric id: nothing an owner typed.
    if (!Object.values(fieldErrors).some(Boolean)) fieldErrors.form = "rounds.errorInvalid";
    return data({ fieldErrors, values: echo }, { status: 422 });
  }
  const form = parsed.data;

  if (form.intent === "close") {
    if (!(await getRound(planId, form.roundId))) throw new Response("Not found", { status: 404 });
    await closeRound(planId, form.roundId);
    log.info("consultation round closed", { plan: planId, user: user.id, round: form.roundId });
    context.collab.notifyPlanChanged(planId);
    context.collab.notifyThreadsChanged(planId);
    return redirect(`/plans/${planId}/rounds`);
  }

  // The form lists the plan's sections when it was loaded; one may have gone since.
  const [sections, organisations] = await Promise.all([listSections(planId), listOrganisations()]);
  const currentSectionIds = new Set(sections.map((section) => section.id));
  const knownOrganisationIds = new Set(organisations.map((organisation) => organisation.id));
  const fieldErrors: FieldErrors = {};
  if (!form.sectionIds.every((sectionId) => currentSectionIds.has(sectionId))) fieldErrors.sectionIds = "rounds.sectionsGone";
  if (!form.organisationIds.every((organisationId) => knownOrganisationIds.has(organisationId))) fieldErrors.form = "rounds.errorInvalid";
  if (fieldErrors.sectionIds || fieldErrors.form) return data({ fieldErrors, values: echo }, { status: 422 });

  const { roundId, invitedCount } = await openRound({
    planId,
    name: form.name,
    deadline: form.deadline,
    sectionIds: [...new Set(form.sectionIds)],
    organisationIds: [...new Set(form.organisationIds)],
    createdBy: user.id,
  });
  // Nobody's role changed: the invited become commenters only when they accept.
  log.info("consultation round opened", { plan: planId, user: user.id, round: roundId, invited: invitedCount });
  await notifyInvitedToRound({
    plan,
    actor: { id: user.id, name: user.name },
    roundId,
    roundName: form.name,
    organisationIds: [...new Set(form.organisationIds)],
  });
  context.collab.notifyPlanChanged(planId);
  context.collab.notifyThreadsChanged(planId);
  return redirect(`/plans/${planId}/rounds/${roundId}`);
}

export default function Rounds() {
  const { t } = useTranslation();
  const { plan, rounds, sections, organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const isOpening = navigation.state !== "idle" && navigation.formData?.get("intent") === "open";
  const isBusy = navigation.state !== "idle";
  const canManage = can(plan.role, "plan.manage");
  const errors = actionData?.fieldErrors;
  const typed = actionData?.values;
  return (
    <div className="rounds-page">
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
      </nav>
      <h1>{t("rounds.title")}</h1>
      <p className="muted">{t("rounds.help")}</p>
      {rounds.length === 0 ? (
        <p className="muted">{t("rounds.empty")}</p>
      ) : (
        <table className="rounds-table">
          <thead>
            <tr>
              <th>{t("rounds.name")}</th>
              <th>{t("rounds.status")}</th>
              <th>{t("rounds.sections")}</th>
              <th>{t("rounds.organisations")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rounds.map((round) => (
              <tr key={round.id} data-round-id={round.id}>
                <td>
                  <Link to={`/plans/${plan.id}/rounds/${round.id}`}>{round.name}</Link>
                </td>
                <td>
                  <span className={`round-badge ${round.isOpen ? "round-open" : "round-closed"}`}>
                    {round.isOpen ? t("rounds.isOpen") : t("rounds.isClosed")}
                  </span>
                  <div className="muted">
                    {round.isOpen ? t("rounds.untilDeadline", { deadline: round.deadline }) : t("rounds.onDate", { date: round.closedOn })}
                  </div>
                </td>
                <td>
                  <ul className="plain-list">
                    {round.sectionTitles.map((title, index) => (
                      <li key={index}>{title}</li>
                    ))}
                    {round.removedSections > 0 ? (
                      <li className="muted">{t("rounds.removedSections", { count: round.removedSections })}</li>
                    ) : null}
                  </ul>
                </td>
                <td>
                  {round.organisations.join(", ")}
                  {round.invitations ? (
                    <div className="muted" data-testid="round-invitations">
                      {t("invitations.roundCounts", round.invitations)}
                    </div>
                  ) : null}
                </td>
                <td>
                  <Link to={`/plans/${plan.id}/rounds/${round.id}`}>{t("rounds.responseMatrix")}</Link>
                  {canManage && round.isOpen ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="close" />
                      <input type="hidden" name="roundId" value={round.id} />
                      <button type="submit" className="link-button" disabled={isBusy}>
                        {t("rounds.closeNow")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {canManage ? (
        <section className="new-plan" aria-labelledby="new-round-heading">
          <h2 id="new-round-heading">{t("rounds.newRound")}</h2>
          {errors?.form ? (
            <p className="form-error" role="alert">
              {t(errors.form)}
            </p>
          ) : null}
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="open" />
            <label>
              {t("rounds.name")}
              <input
                name="name"
                required
                maxLength={NAME_MAX}
                defaultValue={typed?.name}
                aria-invalid={errors?.name ? true : undefined}
                aria-describedby={errors?.name ? "round-name-error" : undefined}
              />
            </label>
            {errors?.name ? (
              <p className="field-error" id="round-name-error">
                {t(errors.name, { max: NAME_MAX })}
              </p>
            ) : null}
            <label>
              {t("rounds.deadline")}
              <span className="field-help">{t("rounds.deadlineHelp")}</span>
              <input
                type="datetime-local"
                name="deadline"
                required
                defaultValue={typed?.deadline}
                aria-invalid={errors?.deadline ? true : undefined}
                aria-describedby={errors?.deadline ? "round-deadline-error" : undefined}
              />
            </label>
            {errors?.deadline ? (
              <p className="field-error" id="round-deadline-error">
                {t(errors.deadline)}
              </p>
            ) : null}
            <fieldset
              className="checkbox-group"
              aria-invalid={errors?.sectionIds ? true : undefined}
              aria-describedby={errors?.sectionIds ? "round-sections-error" : undefined}
            >
              <legend>{t("rounds.chooseSections")}</legend>
              {sections.map((section) => (
                <label key={section.id} className="checkbox">
                  <input type="checkbox" name="sectionIds" value={section.id} defaultChecked={typed?.sectionIds.includes(section.id)} />
                  {section.title}
                </label>
              ))}
            </fieldset>
            {errors?.sectionIds ? (
              <p className="field-error" id="round-sections-error">
                {t(errors.sectionIds)}
              </p>
            ) : null}
            <fieldset
              className="checkbox-group"
              aria-invalid={errors?.organisationIds ? true : undefined}
              aria-describedby={errors?.organisationIds ? "round-organisations-error" : undefined}
            >
              <legend>{t("rounds.chooseOrganisations")}</legend>
              <p className="muted">{t("invitations.roundHelp")}</p>
              {organisations.map((organisation) => (
                <label key={organisation.id} className="checkbox">
                  <input
                    type="checkbox"
                    name="organisationIds"
                    value={organisation.id}
                    defaultChecked={typed?.organisationIds.includes(organisation.id)}
                  />
                  {organisation.name}
                </label>
              ))}
            </fieldset>
            {errors?.organisationIds ? (
              <p className="field-error" id="round-organisations-error">
                {t(errors.organisationIds)}
              </p>
            ) : null}
            <button type="submit" className="primary" disabled={isBusy}>
              {isOpening ? t("rounds.submitting") : t("rounds.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
