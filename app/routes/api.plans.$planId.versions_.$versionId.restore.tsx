// POST: restore a version, or one section of it ({ sectionId }), as a forward change.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getVersion, versionIdFrom } from "../versions/version.server";
import { jsonError, requireApiPlan } from "../utils/api.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.editText");
  const versionId = versionIdFrom(params.versionId);
  const version = versionId === null ? undefined : await getVersion(plan.id, versionId);
  if (!version) return jsonError(404, t("api.versionNotFound"));
  // An empty body restores the whole version; anything else must name a section properly.
  const raw = await request.text();
  const parsed = raw.trim() ? parseJson(raw) : {};
  const input = z
    .object({ sectionId: z.string().max(100).optional() })
    .strict()
    .safeParse(parsed);
  if (!input.success) return jsonError(422, t("api.invalidBody", { detail: input.error.issues[0]?.message ?? "" }));
  const result = await context.collab.restoreVersion(plan.id, user.id, { state: version.state, name: version.name }, input.data.sectionId);
  if (!result.ok) {
    if (result.reason === "noSuchSection") return jsonError(422, t("api.noSuchSectionInVersion"));
    if (result.reason === "tooLarge") return jsonError(413, t("api.anchor.tooLarge"));
    if (result.reason === "rateLimited") return jsonError(429, t("api.versionTooOften"));
    return Response.json({ restored: false, unchanged: true });
  }
  context.collab.notifyPlanChanged(plan.id);
  return Response.json({ restored: true });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol("not JSON"); // fails the schema check: a 422
  }
}
