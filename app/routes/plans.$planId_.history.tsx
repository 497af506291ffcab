// A plan's version history: every member sees it; editors and owners restore from it. The
// versions come from the JSON API (docs/versions.md), fetched by the page.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SignOffHistory } from "../components/history/SignOffHistory";
import { VersionList } from "../components/history/VersionList";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { can } from "../models/roles";
import { signOffHistory } from "../models/sign-off.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Gotong` : "Gotong" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  return { plan: { id: plan.id, title: plan.title, role: plan.role }, signOffs: await signOffHistory(plan.id), now: Date.now() };
}

export default function History() {
  const { t } = useTranslation();
  const { plan, signOffs, now } = useLoaderData<typeof loader>();
  return (
    <div className="history-page">
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
      </nav>
      <h1>{t("versions.title")}</h1>
      <p className="muted">{t("versions.help")}</p>
      <VersionList planId={plan.id} canRestore={can(plan.role, "plan.editText")} />
      <SignOffHistory planId={plan.id} events={signOffs} now={now} />
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
