// The one check every plan page and action starts with: who is asking, and may they?
import { can, type PlanAction } from "./roles";
import { getPlanForMember } from "./plan.server";
import { requireUser } from "./session.server";

/** The signed-in user and the plan, if they may do `action` on it. Signed out: redirect to
 * sign-in; not a member (or no such plan): 404, so a plan's existence is not revealed;
 * a member whose role is too low: 403. */
export async function requirePlanPermission(request: Request, planId: string, action: PlanAction) {
  const user = await requireUser(request);
  const plan = await getPlanForMember(planId, user.id);
  if (!plan) throw new Response("Plan not found", { status: 404 });
  if (!can(plan.role, action)) throw new Response("Forbidden", { status: 403 });
  return { user, plan };
}
