// Two versions of a plan compared (?from=<version>&to=<version or "current">): a summary and
// a redline that says who changed what.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CompareView } from "../components/history/CompareView";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  return { plan: { id: plan.id, title: plan.title } };
}

export default function ComparePage() {
  const { t } = useTranslation();
  const { plan } = useLoaderData<typeof loader>();
  return (
    <div className="history-page compare-page">
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
        <Link to={`/plans/${plan.id}/history`}>{t("versions.backToHistory")}</Link>
      </nav>
      <h1>{t("versions.compareTitle")}</h1>
      <CompareView planId={plan.id} />
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
