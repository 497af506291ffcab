// Decides, before any Yjs message, whether an upgrade to /collab/<planId> may proceed:
// same origin, a live session, and a membership of the plan.
import type { IncomingMessage } from "node:http";
import { getMemberRole, isPlanId } from "../../app/models/plan.server";
import type { Role } from "../../app/models/roles";
import { getUserFromCookieHeader } from "../../app/models/session.server";
import type { UserSummary } from "../../app/models/user.server";
import { isAllowedOrigin } from "../origin";

export type UpgradeDecision =
  | { ok: true; planId: string; user: UserSummary; sessionId: string; role: Role }
  | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

const COLLAB_PATH = /^\/collab\/([^/?#]+)$/;

export async function authenticateUpgrade(
  request: IncomingMessage,
  allowedOrigins: string[],
  trustProxy: string | undefined,
): Promise<UpgradeDecision> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const match = COLLAB_PATH.exec(url.pathname);
  const planId = match ? decodeURIComponent(match[1]!) : undefined;
  if (!planId || !isPlanId(planId)) return { ok: false, status: 404, reason: "No such collaboration endpoint" };
  if (!isAllowedOrigin(request, allowedOrigins, trustProxy)) {
    return { ok: false, status: 403, reason: "Origin not allowed" };
  }
  const session = await getUserFromCookieHeader(request.headers.cookie);
  if (!session) return { ok: false, status: 401, reason: "Sign in first" };
  const role = await getMemberRole(planId, session.user.id);
  if (!role) return { ok: false, status: 403, reason: "Not a member of this plan" };
  return { ok: true, planId, user: session.user, sessionId: session.sessionId, role };
}
