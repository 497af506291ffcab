// Answers to invitations, posted from the dashboard: accept one plan's (and open it), decline
// one plan's, or decline every invitation from one inviter at once.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { acceptInvitations, declineInvitations } from "../models/invitation.server";
import { isPlanId } from "../models/plan.server";
import { requireUser } from "../models/session.server";
import { log } from "../utils/log.server";

export function loader() {
  return redirect("/plans");
}

const Answer = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("accept"), planId: z.string().refine(isPlanId) }),
  z.object({ intent: z.literal("decline"), planId: z.string().refine(isPlanId) }),
  z.object({ intent: z.literal("declineFrom"), inviterId: z.coerce.number().int().positive() }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = Answer.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  const answer = parsed.data;
  if (answer.intent === "accept") {
    const role = await acceptInvitations(user.id, answer.planId);
    // Nothing pending that still counts (declined, withdrawn, round closed): as if no such plan.
    if (!role) throw new Response("Not found", { status: 404 });
    log.info("plan invitation accepted", { plan: answer.planId, user: user.id, role });
    // Open pages reload their members (for mentions); sockets of this account (none yet on
    // this plan, unless a viewer was invited to comment) take the new role.
    await context.collab.refreshMember(answer.planId, user.id);
    context.collab.notifyPlanChanged(answer.planId);
    return redirect(`/plans/${answer.planId}`);
  }
  const declined = await declineInvitations(
    user.id,
    answer.intent === "decline" ? { planId: answer.planId } : { invitedBy: answer.inviterId },
  );
  log.info("plan invitations declined", {
    user: user.id,
    count: declined,
    ...(answer.intent === "decline" ? { plan: answer.planId } : { inviter: answer.inviterId }),
  });
  return redirect("/plans");
}
