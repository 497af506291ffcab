// Who hears of a change to a section's details (docs/workflow.md): the member it is newly
// assigned to, and, when its status moves, the member it is assigned to and the plan's members
// of its lead institution.
import { getDb } from "../../db";
import { notify } from "./notification.server";
import type { ChangedSection } from "./section.server";

export async function notifySectionChanged(event: {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  sectionId: string;
  changedFields: string[];
  section: ChangedSection;
}): Promise<void> {
  const { plan, actor, section } = event;
  const url = `/plans/${plan.id}#section-${event.sectionId}`;
  const assignedNow = event.changedFields.includes("assignee") && section.assigneeUserId !== null;
  if (assignedNow || (event.changedFields.includes("dueDate") && section.assigneeUserId !== null)) {
    await notify({
      kind: "assigned",
      planId: plan.id,
      actorId: actor.id,
      recipients: [section.assigneeUserId!],
      url,
      data: { actor: actor.name, plan: plan.title, what: "section", title: section.title, dueDate: section.dueDate },
    });
  }
  if (!event.changedFields.includes("status")) return;
  const leads =
    section.leadOrganisationId === null
      ? []
      : await getDb()
          .selectFrom("plan_members")
          .innerJoin("users", "users.id", "plan_members.user_id")
          .select("users.id")
          .where("plan_members.plan_id", "=", plan.id)
          .where("users.organisation_id", "=", section.leadOrganisationId)
          .execute();
  await notify({
    kind: "status",
    planId: plan.id,
    actorId: actor.id,
    recipients: [...(section.assigneeUserId === null ? [] : [section.assigneeUserId]), ...leads.map((row) => row.id)],
    url,
    data: { actor: actor.name, plan: plan.title, section: section.title, from: section.statusBefore, to: section.status },
  });
}
