// The JSON API's answers: the same session and role rules as the pages, but refusals are
// JSON with a status (401 signed out, 403 role, 404 not found, 422 bad input), not pages.
import type { TFunction } from "i18next";
import type { z } from "zod";
import { i18next } from "../i18n/i18next.server";
import { getPlanForMember, isPlanId } from "../models/plan.server";
import { can, type PlanAction } from "../models/roles";
import { getOptionalUser } from "../models/session.server";

export function jsonError(status: 401 | 403 | 404 | 405 | 409 | 413 | 422 | 429, error: string, code?: string): Response {
  return Response.json({ error, ...(code ? { code } : {}) }, { status, headers: { "Cache-Control": "no-store" } });
}

/** The caller, the plan and their role, with the caller's language for messages; throws a
 * JSON refusal when they are signed out, not a member, or below `action`'s role. */
export async function requireApiPlan(request: Request, planId: string | undefined, action: PlanAction) {
  const t = await i18next.getFixedT(request);
  const user = await getOptionalUser(request);
  if (!user) throw jsonError(401, t("api.signedOut"));
  const plan = planId && isPlanId(planId) ? await getPlanForMember(planId, user.id) : undefined;
  if (!plan) throw jsonError(404, t("api.planNotFound"));
  if (!can(plan.role, action)) throw jsonError(403, t("api.forbidden"));
  return { user, plan, t };
}

/** The signed-in caller with their language for messages; a JSON 401 otherwise. */
export async function requireApiUser(request: Request) {
  const t = await i18next.getFixedT(request);
  const user = await getOptionalUser(request);
  if (!user) throw jsonError(401, t("api.signedOut"));
  return { user, t };
}

/** The request's JSON body checked against `schema`; a 422 refusal otherwise. */
export async function readJson<T extends z.ZodTypeAny>(request: Request, schema: T, t: TFunction): Promise<z.infer<T>> {
  if (!(request.headers.get("Content-Type") ?? "").includes("application/json")) throw jsonError(422, t("api.expectedJson"));
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw jsonError(422, t("api.expectedJson"));
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw jsonError(422, t("api.invalidBody", { detail: parsed.error.issues[0]?.message ?? "" }));
  return parsed.data;
}
