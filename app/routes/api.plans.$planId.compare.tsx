// GET ?from=<versionId>&to=<versionId or "current">: the redline between two versions, or a
// version and the current text, with who inserted and who deleted each run (docs/versions.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadComparison } from "../versions/comparison.server";
import { jsonError, requireApiPlan } from "../utils/api.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { plan, t } = await requireApiPlan(request, params.planId, "plan.view");
  const url = new URL(request.url);
  const result = await loadComparison(context, plan.id, url.searchParams.get("from"), url.searchParams.get("to"));
  if (!result.ok && result.reason === "busy") {
    const busy = jsonError(429, t("api.compareBusy"));
    busy.headers.set("Retry-After", String(result.retryAfterSeconds));
    return busy;
  }
  if (!result.ok) return result.reason === "needsTwo" ? jsonError(422, t("api.compareNeedsTwo")) : jsonError(404, t("api.versionNotFound"));
  return Response.json(result.comparison, { headers: { "Cache-Control": "no-store" } });
}
