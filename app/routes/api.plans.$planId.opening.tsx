// GET: what the plan page opens the plan from before its socket has synced (app/collab/opening.ts):
// the compacted state and its document. 204 when the state has none stored yet; the page then
// waits for its socket as before. Members only, as the socket is: it holds the same text.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadPlanOpening } from "../models/plan-opening.server";
import { requireApiPlan } from "../utils/api.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { plan } = await requireApiPlan(request, params.planId, "plan.view");
  const opening = await loadPlanOpening(plan.id);
  if (!opening) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  return new Response(opening, { headers: { "Content-Type": "application/octet-stream", "Cache-Control": "no-store" } });
}
