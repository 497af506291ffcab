// A plan's members: everyone on the plan sees who is on it (names and organisations; email
// addresses only for owners); owners invite existing accounts (who become members when they
// accept), withdraw open invitations, change roles and remove members. A plan never loses its
// last owner.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requirePlanPermission } from "../models/permissions.server";
import { notifyInvitedToPlan } from "../models/invitation-notifications.server";
import { InvitationRuleError, inviteToPlan, listOpenDirectInvitations, withdrawInvitation } from "../models/invitation.server";
import { isPlanId, listMembers, MemberRuleError, setMemberRole } from "../models/plan.server";
import { can, ROLES } from "../models/roles";
import { log } from "../utils/log.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { user, plan } = await requirePlanPermission(request, planId, "plan.view");
  const seesEmails = can(plan.role, "plan.seeEmails");
  const [members, invitations] = await Promise.all([
    listMembers(planId),
    can(plan.role, "plan.manage") ? listOpenDirectInvitations(planId) : [],
  ]);
  return {
    plan: { id: plan.id, title: plan.title, role: plan.role },
    userId: user.id,
    members: members.map(({ email, ...member }) => ({ ...member, email: seesEmails || member.userId === user.id ? email : null })),
    invitations,
  };
}

const MemberAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: z.string().trim().email().max(320), role: z.enum(ROLES) }),
  z.object({ intent: z.literal("changeRole"), userId: z.coerce.number().int(), role: z.enum(ROLES) }),
  z.object({ intent: z.literal("remove"), userId: z.coerce.number().int() }),
  z.object({ intent: z.literal("withdraw"), invitationId: z.coerce.number().int() }),
]);

type MemberError = MemberRuleError["reason"] | InvitationRuleError["reason"] | "invalid" | "gone";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const planId = params.planId ?? "";
  const { user, plan } = await requirePlanPermission(request, planId, "plan.manage");
  const parsed = MemberAction.safeParse(Object.fromEntries(await request.formData()));
  const done = { error: null as MemberError | null, invited: null as string | null };
  if (!parsed.success) return data({ ...done, error: "invalid" as MemberError }, { status: 422 });
  const form = parsed.data;
  try {
    if (form.intent === "invite") {
      // An invitation: nobody's role changes until they accept it on their dashboard.
      const invitedId = await inviteToPlan({ planId, invitedBy: user.id, email: form.email, role: form.role });
      log.info("plan invitation sent", { plan: planId, user: user.id, invited: invitedId, role: form.role });
      await notifyInvitedToPlan({ plan, actor: { id: user.id, name: user.name }, invitedId, role: form.role });
      return { ...done, invited: form.email };
    }
    if (form.intent === "withdraw") {
      if (!(await withdrawInvitation(planId, form.invitationId))) return data({ ...done, error: "gone" as MemberError }, { status: 404 });
      log.info("plan invitation withdrawn", { plan: planId, user: user.id, invitation: form.invitationId });
      return done;
    }
    await setMemberRole(planId, form.userId, form.intent === "remove" ? null : form.role);
    log.info("plan members changed", { plan: planId, user: user.id, member: form.userId, intent: form.intent });
    // Open sockets of that member take the new role at once; open pages reload.
    await context.collab.refreshMember(planId, form.userId);
    context.collab.notifyPlanChanged(planId);
    return done;
  } catch (error) {
    if (!(error instanceof MemberRuleError) && !(error instanceof InvitationRuleError)) throw error;
    return data({ ...done, error: error.reason as MemberError }, { status: error.reason === "notAMember" ? 404 : 422 });
  }
}

const ERROR_KEYS = {
  noSuchAccount: "members.errorNoSuchAccount",
  alreadyMember: "members.errorAlreadyMember",
  notAMember: "members.errorNotAMember",
  lastOwner: "members.errorLastOwner",
  invalid: "members.errorInvalid",
  alreadyInvited: "invitations.errorAlreadyInvited",
  roleTooHigh: "invitations.errorRoleTooHigh",
  gone: "invitations.errorGone",
} as const;

export default function Members() {
  const { t } = useTranslation();
  const { plan, members, userId, invitations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isBusy = useNavigation().state !== "idle";
  const canManage = can(plan.role, "plan.manage");
  return (
    <div className="members-page">
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
      </nav>
      <h1>{t("members.title")}</h1>
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {t(ERROR_KEYS[actionData.error])}
        </p>
      ) : null}
      {actionData?.invited ? (
        <p className="form-success" role="status">
          {t("invitations.sent", { name: actionData.invited })}
        </p>
      ) : null}
      <table className="members-table">
        <thead>
          <tr>
            <th>{t("members.name")}</th>
            <th>{t("members.organisation")}</th>
            <th>{t("members.role")}</th>
            {canManage ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId} data-member-id={member.userId}>
              <td>
                {member.name}
                {member.userId === userId ? ` (${t("plan.you")})` : ""}
                {member.email ? <div className="muted">{member.email}</div> : null}
              </td>
              <td>{member.organisationName}</td>
              <td>
                {canManage ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="changeRole" />
                    <input type="hidden" name="userId" value={member.userId} />
                    <select name="role" defaultValue={member.role} aria-label={t("members.role")}>
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`roles.${role}`)}
                        </option>
                      ))}
                    </select>
                    <button type="submit" disabled={isBusy}>
                      {t("members.changeRole")}
                    </button>
                  </Form>
                ) : (
                  t(`roles.${member.role}`)
                )}
              </td>
              {canManage ? (
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="userId" value={member.userId} />
                    <button type="submit" className="link-button" disabled={isBusy}>
                      {t("members.remove")}
                    </button>
                  </Form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && invitations.length > 0 ? (
        <section className="open-invitations" aria-labelledby="open-invitations-heading">
          <h2 id="open-invitations-heading">{t("invitations.openTitle")}</h2>
          <ul className="plain-list">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="open-invitation" data-invitation-id={invitation.id}>
                <span>
                  {invitation.name}{" "}
                  <span className="muted">
                    · {invitation.organisation} · {invitation.email}
                  </span>{" "}
                  <span className={`role-badge role-${invitation.role}`}>{t(`roles.${invitation.role}`)}</span>
                </span>
                <Form method="post">
                  <input type="hidden" name="intent" value="withdraw" />
                  <input type="hidden" name="invitationId" value={invitation.id} />
                  <button
                    type="submit"
                    className="link-button"
                    disabled={isBusy}
                    aria-label={t("invitations.withdrawLabel", { name: invitation.name })}
                  >
                    {t("invitations.withdraw")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {canManage ? (
        <section className="new-plan" aria-labelledby="invite-heading">
          <h2 id="invite-heading">{t("invitations.memberFormTitle")}</h2>
          <p className="muted">{t("invitations.memberFormHelp")}</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="invite" />
            <label>
              {t("members.email")}
              <input type="email" name="email" required />
            </label>
            <label>
              {t("members.role")}
              <select name="role" defaultValue="commenter">
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {t(`roles.${role}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={isBusy}>
              {t("invitations.send")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
