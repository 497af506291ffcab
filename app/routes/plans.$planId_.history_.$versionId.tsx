// One saved version of a plan, read only, with restore for editors and owners.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { VersionView } from "../components/history/VersionView";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { can } from "../models/roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  const versionId = params.versionId ?? "";
  if (!isPlanId(planId) || !/^\d{1,15}$/.test(versionId)) throw new Response("Not found", { status: 404 });
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  return { plan: { id: plan.id, title: plan.title, role: plan.role }, versionId: Number(versionId) };
}

export default function VersionPage() {
  const { t } = useTranslation();
  const { plan, versionId } = useLoaderData<typeof loader>();
  return (
    <div className="history-page version-page">
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
        <Link to={`/plans/${plan.id}/history`}>{t("versions.backToHistory")}</Link>
      </nav>
      <VersionView key={versionId} planId={plan.id} versionId={versionId} canRestore={can(plan.role, "plan.editText")} />
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
