// GET ?from=<versionId>&to=<versionId or "current">: the redline between two versions, or a
// version and the current text, with who inserted and who deleted each run (docs/versions.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import * as Y from "yjs";
import { comparePlans } from "../editor/compare.server";
import type { Person } from "../models/comment.server";
import { loadClientBindings, loadDeleters, loadPlanDoc } from "../models/plan-document.server";
import { currentSectionDetails, getVersion, listPlanAuthors, versionDoc, type SectionDetail } from "../models/version.server";
import { jsonError, requireApiPlan } from "../utils/api.server";
import { versionIdFrom } from "../utils/version-api.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { plan, t } = await requireApiPlan(request, params.planId, "plan.view");
  const url = new URL(request.url);
  const fromId = versionIdFrom(url.searchParams.get("from") ?? undefined);
  const toParam = url.searchParams.get("to") ?? "current";
  const toId = toParam === "current" ? "current" : versionIdFrom(toParam);
  if (fromId === null || toId === null) return jsonError(422, t("api.compareNeedsTwo"));

  const from = await getVersion(plan.id, fromId);
  const to = toId === "current" ? undefined : await getVersion(plan.id, toId);
  if (!from || (toId !== "current" && !to)) return jsonError(404, t("api.versionNotFound"));

  const fromSide = { doc: versionDoc(from.state), details: from.details };
  let toSide: { doc: Y.Doc; details: SectionDetail[] };
  if (to) {
    toSide = { doc: versionDoc(to.state), details: to.details };
  } else {
    const [doc, details] = await Promise.all([
      context.collab.documentState(plan.id).then((state) => loadPlanDoc(plan.id, state)),
      currentSectionDetails(plan.id),
    ]);
    toSide = { doc, details };
  }

  // Attribution from the server's own records only: which account each client id and each
  // deletion belongs to (never names written by clients).
  const [bindings, deleters, people] = await Promise.all([loadClientBindings(plan.id), loadDeleters(plan.id), listPlanAuthors(plan.id)]);
  const person = (userId: number | null | undefined): Person | null => (userId == null ? null : (people.get(userId) ?? null));
  try {
    const comparison = comparePlans(fromSide, toSide, {
      authorOfClient: (clientId) => person(bindings.get(clientId)),
      deleterOf: (clientId, clock) => person(deleters(clientId, clock)),
    });
    return Response.json(
      {
        from: { id: from.id, name: from.name, createdAt: from.createdAt },
        to: to ? { id: to.id, name: to.name, createdAt: to.createdAt } : { id: "current", name: "", createdAt: Date.now() },
        ...comparison,
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  } finally {
    fromSide.doc.destroy();
    toSide.doc.destroy();
  }
}
