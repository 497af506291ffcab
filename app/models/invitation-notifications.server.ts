// Who hears of an invitation (docs/workflow.md): the invited person, who answers on their
// dashboard; for a consultation round, also the members of the invited organisations who are
// already on the plan and can comment (they need no invitation, but the round asks them too).
import { getDb } from "../../db";
import { notify } from "./notification.server";
import type { Role } from "./roles";

export async function notifyInvitedToPlan(event: {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  invitedId: number;
  role: Role;
}): Promise<void> {
  await notify({
    kind: "invited",
    planId: event.plan.id,
    actorId: event.actor.id,
    recipients: [event.invitedId],
    url: "/plans",
    data: { actor: event.actor.name, plan: event.plan.title, role: event.role, round: null },
  });
}

export async function notifyInvitedToRound(event: {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  roundId: number;
  roundName: string;
  organisationIds: number[];
}): Promise<void> {
  const db = getDb();
  const [invited, members] = await Promise.all([
    db.selectFrom("plan_invitations").select("user_id").where("round_id", "=", event.roundId).where("status", "=", "pending").execute(),
    event.organisationIds.length === 0
      ? []
      : db
          .selectFrom("plan_members")
          .innerJoin("users", "users.id", "plan_members.user_id")
          .select("users.id as user_id")
          .where("plan_members.plan_id", "=", event.plan.id)
          .where("plan_members.role", "!=", "viewer")
          .where("users.organisation_id", "in", event.organisationIds)
          .execute(),
  ]);
  const common = { kind: "invited" as const, planId: event.plan.id, actorId: event.actor.id };
  const data = { actor: event.actor.name, plan: event.plan.title, role: "commenter", round: event.roundName };
  await notify({ ...common, recipients: invited.map((row) => row.user_id), url: "/plans", data });
  await notify({ ...common, recipients: members.map((row) => row.user_id), url: `/plans/${event.plan.id}`, data });
}
