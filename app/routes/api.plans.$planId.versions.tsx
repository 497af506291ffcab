// GET: the plan's versions, newest first; POST: save a named version (editors and owners).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { listVersions, MAX_VERSION_NAME, MAX_VERSION_NOTE } from "../versions/version.server";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { plan } = await requireApiPlan(request, params.planId, "plan.view");
  return Response.json({ versions: await listVersions(plan.id) }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.editText");
  const input = await readJson(request, z.object({ name: z.unknown(), note: z.unknown().optional() }).strict(), t);
  const name = typeof input.name === "string" ? input.name.trim() : "";
  const note = typeof input.note === "string" ? input.note.trim() : "";
  if (!name) return jsonError(422, t("api.versionNameRequired"));
  if (name.length > MAX_VERSION_NAME || note.length > MAX_VERSION_NOTE) return jsonError(422, t("api.versionTooLong"));
  const id = await context.collab.saveNamedVersion(plan.id, user.id, name, note);
  if (id === null) return jsonError(429, t("api.versionTooOften"));
  return Response.json({ id }, { status: 201 });
}
