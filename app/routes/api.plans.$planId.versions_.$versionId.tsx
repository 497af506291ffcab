// GET: one version as it was saved: its text, sections with their details, and its full Yjs
// state (the page opens it in a Y.Doc of its own, never through the live editor).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { toBase64 } from "lib0/buffer";
import { readSections } from "../editor/document.server";
import { getVersion, versionDoc, versionIdFrom } from "../versions/version.server";
import { jsonError, requireApiPlan } from "../utils/api.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { plan, t } = await requireApiPlan(request, params.planId, "plan.view");
  const versionId = versionIdFrom(params.versionId);
  const version = versionId === null ? undefined : await getVersion(plan.id, versionId);
  if (!version) return jsonError(404, t("api.versionNotFound"));
  const doc = versionDoc(version.state);
  const texts = readSections(doc);
  doc.destroy();
  const detailsById = new Map(version.details.map((detail) => [detail.id, detail]));
  const { state, details: _details, ...summary } = version;
  return Response.json(
    {
      ...summary,
      text: texts.map((section) => section.text).join("\n"),
      sections: texts.map((section) => ({
        status: "draft",
        lead: null,
        assignee: null,
        dueDate: null,
        ...detailsById.get(section.id),
        id: section.id,
        title: section.title,
        text: section.text,
      })),
      state: toBase64(state),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
