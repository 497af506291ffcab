// GET: what others changed since the caller last left the plan (docs/workflow.md, "Since your
// last visit"): `{ since: SinceLastVisit | null }`. Every member may ask (viewers too); the plan
// page asks after it has loaded, so the compare never slows the page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonError, requireApiPlan } from "../utils/api.server";
import { sinceLastVisit } from "../versions/since-visit.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.view");
  const result = await sinceLastVisit(context, plan, user.id);
  if (!result.ok) {
    const busy = jsonError(429, t("api.compareBusy"));
    busy.headers.set("Retry-After", String(result.retryAfterSeconds));
    return busy;
  }
  return Response.json({ since: result.since }, { headers: { "Cache-Control": "no-store" } });
}
