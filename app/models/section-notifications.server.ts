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
  await notifyStatusMoves(plan.id, actor.id, [
    { sectionId: event.sectionId, title: section.title, from: section.statusBefore, to: section.status },
  ]);
}

/** Tells, for each section whose status moved (on its details form, or by a sign-off), the
 * member it is assigned to and the plan's members of its lead institution. */
export async function notifyStatusMoves(
  planId: string,
  actorId: number | null,
  moves: { sectionId: string; title: string; from: string; to: string }[],
): Promise<void> {
  if (moves.length === 0) return;
  const db = getDb();
  const [plan, actor, sections] = await Promise.all([
    db.selectFrom("plans").select("title").where("id", "=", planId).executeTakeFirst(),
    actorId === null ? undefined : db.selectFrom("users").select("name").where("id", "=", actorId).executeTakeFirst(),
    db
      .selectFrom("plan_sections")
      .select(["section_id", "assignee_user_id", "lead_organisation_id"])
      .where("plan_id", "=", planId)
      .where(
        "section_id",
        "in",
        moves.map((move) => move.sectionId),
      )
      .execute(),
  ]);
  const leadIds = [...new Set(sections.flatMap((row) => (row.lead_organisation_id === null ? [] : [row.lead_organisation_id])))];
  const leadMembers = leadIds.length
    ? await db
        .selectFrom("plan_members")
        .innerJoin("users", "users.id", "plan_members.user_id")
        .select(["users.id as id", "users.organisation_id as organisationId"])
        .where("plan_members.plan_id", "=", planId)
        .where("users.organisation_id", "in", leadIds)
        .execute()
    : [];
  for (const move of moves) {
    const section = sections.find((row) => row.section_id === move.sectionId);
    if (!section) continue;
    const leads = leadMembers.filter((member) => member.organisationId === section.lead_organisation_id).map((member) => member.id);
    await notify({
      kind: "status",
      planId,
      actorId,
      recipients: [...(section.assignee_user_id === null ? [] : [section.assignee_user_id]), ...leads],
      url: `/plans/${planId}#section-${move.sectionId}`,
      data: { actor: actor?.name ?? "", plan: plan?.title ?? "", section: move.title, from: move.from, to: move.to },
    });
  }
}
