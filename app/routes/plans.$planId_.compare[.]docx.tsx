// GET ?from=<versionId>&to=<versionId or "current">: the redline between two versions as a
// Word document with tracked changes, each under its author's name (app/versions/compare-docx.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { compareDocx } from "../versions/compare-docx.server";
import { runBounded } from "../versions/comparison-cache.server";
import { loadComparison } from "../versions/comparison.server";
import { DOCX_CONTENT_TYPE } from "../export/docx-layout.server";
import { attachmentHeaders, exportFileName } from "../export/plan-source.server";
import { i18next } from "../i18n/i18next.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  const url = new URL(request.url);
  const [t, locale] = await Promise.all([i18next.getFixedT(request), i18next.getLocale(request)]);
  const result = await loadComparison(context, plan.id, url.searchParams.get("from"), url.searchParams.get("to"));
  if (!result.ok && result.reason === "busy") throw busy(t("api.compareBusy"), result.retryAfterSeconds);
  if (!result.ok) {
    const message = result.reason === "needsTwo" ? t("api.compareNeedsTwo") : t("api.versionNotFound");
    throw new Response(message, {
      status: result.reason === "needsTwo" ? 422 : 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  // Writing the Word file of a large redline is costly too: it counts against the same bounds.
  const written = await runBounded(plan.id, () => compareDocx(result.comparison, { t, locale, planTitle: plan.title }));
  if (!written.ok) throw busy(t("api.compareBusy"), written.retryAfterSeconds);
  const file = written.value;
  return new Response(file, {
    headers: attachmentHeaders(DOCX_CONTENT_TYPE, exportFileName(plan.title, t("versions.compareTitle"), "docx"), "comparison.docx"),
  });
}

function busy(message: string, retryAfterSeconds: number): Response {
  return new Response(message, {
    status: 429,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(retryAfterSeconds) },
  });
}
