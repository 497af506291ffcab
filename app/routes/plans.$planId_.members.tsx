// A plan's members: everyone on the plan sees who is on it; owners invite existing accounts,
// change roles and remove members. A plan never loses its last owner.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requirePlanPermission } from "../models/permissions.server";
import { inviteMember, isPlanId, listMembers, MemberRuleError, setMemberRole } from "../models/plan.server";
import { can, ROLES } from "../models/roles";
import { log } from "../utils/log.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { user, plan } = await requirePlanPermission(request, planId, "plan.view");
  return {
    plan: { id: plan.id, title: plan.title, role: plan.role },
    userId: user.id,
    members: await listMembers(planId),
  };
}

const MemberAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: z.string().trim().email().max(320), role: z.enum(ROLES) }),
  z.object({ intent: z.literal("changeRole"), userId: z.coerce.number().int(), role: z.enum(ROLES) }),
  z.object({ intent: z.literal("remove"), userId: z.coerce.number().int() }),
]);

type MemberError = MemberRuleError["reason"] | "invalid";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const planId = params.planId ?? "";
  const { user } = await requirePlanPermission(request, planId, "plan.manage");
  const parsed = MemberAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "invalid" as MemberError }, { status: 422 });
  const form = parsed.data;
  try {
    const memberId =
      form.intent === "invite"
        ? await inviteMember(planId, form.email, form.role)
        : (await setMemberRole(planId, form.userId, form.intent === "remove" ? null : form.role), form.userId);
    log.info("plan members changed", { plan: planId, user: user.id, member: memberId, intent: form.intent });
    // Open sockets of that member take the new role at once; open pages reload.
    await context.collab.refreshMember(planId, memberId);
    context.collab.notifyPlanChanged(planId);
    return { error: null as MemberError | null };
  } catch (error) {
    if (!(error instanceof MemberRuleError)) throw error;
    return data({ error: error.reason as MemberError }, { status: error.reason === "notAMember" ? 404 : 422 });
  }
}

const ERROR_KEYS = {
  noSuchAccount: "members.errorNoSuchAccount",
  alreadyMember: "members.errorAlreadyMember",
  notAMember: "members.errorNotAMember",
  lastOwner: "members.errorLastOwner",
  invalid: "members.errorInvalid",
} as const;

export default function Members() {
  const { t } = useTranslation();
  const { plan, members, userId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isBusy = useNavigation().state !== "idle";
  const canManage = can(plan.role, "plan.manage");
  return (
    <div className="members-page">
      <nav className="breadcrumb">
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
      </nav>
      <h1>{t("members.title")}</h1>
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {t(ERROR_KEYS[actionData.error])}
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
            <tr key={member.userId} data-member-email={member.email}>
              <td>
                {member.name}
                {member.userId === userId ? ` (${t("plan.you")})` : ""}
                <div className="muted">{member.email}</div>
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
      {canManage ? (
        <section className="new-plan">
          <h2>{t("members.invite")}</h2>
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
              {t("members.inviteSubmit")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
