import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PlanWorkspace } from "../components/PlanWorkspace";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { can } from "../models/roles";
import { userColor } from "../utils/colors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { user, plan } = await requirePlanPermission(request, planId, "plan.view");
  return {
    plan: { id: plan.id, title: plan.title, description: plan.description, role: plan.role },
    user: { id: user.id, name: user.name, color: userColor(user.id) },
  };
}

export default function PlanPage() {
  const { t } = useTranslation();
  const { plan, user } = useLoaderData<typeof loader>();
  const canEdit = can(plan.role, "plan.editText");
  return (
    <div className="plan-page">
      <nav className="breadcrumb">
        <Link to="/plans">← {t("plan.backToPlans")}</Link>
      </nav>
      <div className="plan-heading">
        <h1>{plan.title}</h1>
        {canEdit ? null : (
          <span className="readonly-badge" title={t("plan.viewOnlyHelp")} data-testid="readonly-badge">
            {plan.role === "commenter" ? t("plan.commentOnly") : t("plan.viewOnly")}
          </span>
        )}
      </div>
      {plan.description ? <p className="muted">{plan.description}</p> : null}
      <PlanWorkspace key={plan.id} planId={plan.id} user={user} canEdit={canEdit} />
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
