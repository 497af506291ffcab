// All action matrices of a plan as CSV: one row per action, with its section; headers in the
// account's language.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ACTION_COLUMNS, readActionRows } from "../editor/action-matrix";
import { planRoot } from "../editor/document.server";
import { attachmentHeaders, exportFileName } from "../export/plan-source.server";
import { i18next } from "../i18n/i18next.server";
import { requirePlanPermission } from "../models/permissions.server";
import { loadPlanDoc } from "../models/plan-document.server";
import { isPlanId } from "../models/plan.server";
import { toCsv } from "../utils/csv";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const [{ plan }, t] = await Promise.all([requirePlanPermission(request, planId, "plan.view"), i18next.getFixedT(request)]);
  const doc = await loadPlanDoc(planId, await context.collab.documentState(planId));
  const rows = readActionRows(planRoot(doc));
  const csv = toCsv([
    [t("actions.sectionId"), t("actions.section"), ...ACTION_COLUMNS.map((column) => t(`actions.columns.${column}`))],
    ...rows.map((row) => [row.sectionId, row.sectionTitle, ...ACTION_COLUMNS.map((column) => row.cells[column])]),
  ]);
  return new Response(csv, {
    headers: attachmentHeaders("text/csv; charset=utf-8", exportFileName(plan.title, t("exports.actionsFile"), "csv"), "actions.csv"),
  });
}
