// Section details (lead, assignee, status, due date) and the plan's activity list.
// The sections themselves, their order and text, live in the Yjs document.
import { getDb } from "../../db";
import { lockForTransaction } from "../../db/locks";
import { canChangeStatus, can, type Role, type SectionStatus } from "./roles";

import type { SectionDetails } from "./views";
import { isCalendarDate } from "../utils/deadline";

export type { SectionDetails };

/** Keeps plan_sections in step with the document: new ids get a row, titles and order are
 * refreshed, ids no longer in the document are marked removed (their details are kept). */
export async function syncSectionIndex(planId: string, outline: { id: string; title: string }[]): Promise<void> {
  const now = Date.now();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      // Each instance with the plan open writes its outline: one at a time.
      await lockForTransaction(trx, "sections", planId);
      for (const [position, section] of outline.entries()) {
        await trx
          .insertInto("plan_sections")
          .values({ plan_id: planId, section_id: section.id, title: section.title, position, updated_at: now })
          .onConflict((oc) => oc.columns(["plan_id", "section_id"]).doUpdateSet({ title: section.title, position, removed_at: null }))
          .execute();
      }
      let removed = trx.updateTable("plan_sections").set({ removed_at: now }).where("plan_id", "=", planId).where("removed_at", "is", null);
      if (outline.length > 0)
        removed = removed.where(
          "section_id",
          "not in",
          outline.map((s) => s.id),
        );
      await removed.execute();
    });
}

export async function setSectionGuidance(planId: string, guidance: Record<string, string>): Promise<void> {
  for (const [sectionId, text] of Object.entries(guidance)) {
    await getDb()
      .updateTable("plan_sections")
      .set({ guidance: text })
      .where("plan_id", "=", planId)
      .where("section_id", "=", sectionId)
      .execute();
  }
}

export async function listSections(planId: string): Promise<SectionDetails[]> {
  return getDb()
    .selectFrom("plan_sections")
    .leftJoin("organisations", "organisations.id", "plan_sections.lead_organisation_id")
    .leftJoin("users", "users.id", "plan_sections.assignee_user_id")
    .select([
      "plan_sections.section_id as id",
      "plan_sections.title as title",
      "plan_sections.position as position",
      "plan_sections.status as status",
      "plan_sections.lead_organisation_id as leadOrganisationId",
      "organisations.short_name as leadOrganisationName",
      "plan_sections.assignee_user_id as assigneeUserId",
      "users.name as assigneeName",
      "plan_sections.due_date as dueDate",
      "plan_sections.guidance as guidance",
    ])
    .where("plan_sections.plan_id", "=", planId)
    .where("plan_sections.removed_at", "is", null)
    .orderBy("plan_sections.position")
    .execute();
}

export class SectionRuleError extends Error {
  constructor(
    readonly reason: "forbidden" | "notFound" | "statusNotAllowed" | "notAMember" | "assigneeCannotEdit" | "noSuchOrganisation" | "badDate",
  ) {
    super(reason);
  }
}

export interface SectionChanges {
  status?: SectionStatus;
  leadOrganisationId?: number | null;
  assigneeUserId?: number | null;
  dueDate?: string | null;
}

/** Applies the changes a member asked for, if their role allows each one; records each
 * changed field in the activity list. Throws SectionRuleError otherwise, changing nothing. */
export async function updateSectionDetails(
  planId: string,
  sectionId: string,
  actor: { id: number; role: Role },
  changes: SectionChanges,
): Promise<{ changedFields: string[]; section?: ChangedSection }> {
  if (!can(actor.role, "plan.editText")) throw new SectionRuleError("forbidden");
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const section = await trx
        .selectFrom("plan_sections")
        .selectAll()
        .where("plan_id", "=", planId)
        .where("section_id", "=", sectionId)
        .where("removed_at", "is", null)
        .executeTakeFirst();
      if (!section) throw new SectionRuleError("notFound");

      const update: Partial<Pick<typeof section, "status" | "lead_organisation_id" | "assignee_user_id" | "due_date">> = {};
      const activity: { field: string; from: string | null; to: string | null }[] = [];

      if (changes.status !== undefined && changes.status !== section.status) {
        if (!canChangeStatus(actor.role, section.status, changes.status)) throw new SectionRuleError("statusNotAllowed");
        update.status = changes.status;
        activity.push({ field: "status", from: section.status, to: changes.status });
      }
      if (changes.leadOrganisationId !== undefined && changes.leadOrganisationId !== section.lead_organisation_id) {
        const name = async (id: number | null) =>
          id === null
            ? null
            : ((await trx.selectFrom("organisations").select("short_name").where("id", "=", id).executeTakeFirst())?.short_name ?? null);
        const to = await name(changes.leadOrganisationId);
        if (changes.leadOrganisationId !== null && to === null) throw new SectionRuleError("noSuchOrganisation");
        update.lead_organisation_id = changes.leadOrganisationId;
        activity.push({ field: "lead", from: await name(section.lead_organisation_id), to });
      }
      if (changes.assigneeUserId !== undefined && changes.assigneeUserId !== section.assignee_user_id) {
        const memberName = async (id: number | null) =>
          id === null
            ? null
            : ((
                await trx
                  .selectFrom("plan_members")
                  .innerJoin("users", "users.id", "plan_members.user_id")
                  .select("users.name")
                  .where("plan_members.plan_id", "=", planId)
                  .where("plan_members.user_id", "=", id)
                  .executeTakeFirst()
              )?.name ?? null);
        const to = await memberName(changes.assigneeUserId);
        if (changes.assigneeUserId !== null && to === null) throw new SectionRuleError("notAMember");
        // The assignee writes the section: commenters and viewers cannot.
        if (changes.assigneeUserId !== null) {
          const assignee = await trx
            .selectFrom("plan_members")
            .select("role")
            .where("plan_id", "=", planId)
            .where("user_id", "=", changes.assigneeUserId)
            .executeTakeFirstOrThrow();
          if (!can(assignee.role, "plan.editText")) throw new SectionRuleError("assigneeCannotEdit");
        }
        update.assignee_user_id = changes.assigneeUserId;
        activity.push({ field: "assignee", from: await memberName(section.assignee_user_id), to });
      }
      if (changes.dueDate !== undefined && changes.dueDate !== section.due_date) {
        if (changes.dueDate !== null && !isCalendarDate(changes.dueDate)) throw new SectionRuleError("badDate");
        update.due_date = changes.dueDate;
        activity.push({ field: "dueDate", from: section.due_date, to: changes.dueDate });
      }
      if (activity.length === 0) return { changedFields: [] };

      const now = Date.now();
      await trx
        .updateTable("plan_sections")
        .set({ ...update, updated_at: now })
        .where("plan_id", "=", planId)
        .where("section_id", "=", sectionId)
        .execute();
      await trx
        .insertInto("plan_activity")
        .values(
          activity.map((a) => ({
            plan_id: planId,
            user_id: actor.id,
            section_id: sectionId,
            field: a.field,
            from_value: a.from,
            to_value: a.to,
            created_at: now,
          })),
        )
        .execute();
      const after = { ...section, ...update };
      return {
        changedFields: activity.map((a) => a.field),
        section: {
          title: section.title,
          statusBefore: section.status,
          status: after.status,
          assigneeUserId: after.assignee_user_id,
          leadOrganisationId: after.lead_organisation_id,
          dueDate: after.due_date,
        },
      };
    });
}

/** A section's details after a change, and its status before (for those told of it). */
export interface ChangedSection {
  title: string;
  statusBefore: SectionStatus;
  status: SectionStatus;
  assigneeUserId: number | null;
  leadOrganisationId: number | null;
  dueDate: string | null;
}

export async function listActivity(planId: string, limit = 50) {
  return getDb()
    .selectFrom("plan_activity")
    .leftJoin("users", "users.id", "plan_activity.user_id")
    .leftJoin("plan_sections", (join) =>
      join.onRef("plan_sections.plan_id", "=", "plan_activity.plan_id").onRef("plan_sections.section_id", "=", "plan_activity.section_id"),
    )
    .select([
      "plan_activity.id as id",
      "users.name as userName",
      "plan_activity.section_id as sectionId",
      "plan_sections.title as sectionTitle",
      "plan_activity.field as field",
      "plan_activity.from_value as fromValue",
      "plan_activity.to_value as toValue",
      "plan_activity.created_at as createdAt",
    ])
    .where("plan_activity.plan_id", "=", planId)
    .orderBy("plan_activity.id", "desc")
    .limit(limit)
    .execute();
}

/** Sections by status for each plan, for the dashboard. */
export async function sectionProgress(planIds: string[]): Promise<Map<string, Record<SectionStatus, number>>> {
  const progress = new Map<string, Record<SectionStatus, number>>();
  if (planIds.length === 0) return progress;
  const rows = await getDb()
    .selectFrom("plan_sections")
    .select(["plan_id", "status", (eb) => eb.fn.countAll<number>().as("count")])
    .where("plan_id", "in", planIds)
    .where("removed_at", "is", null)
    .groupBy(["plan_id", "status"])
    .execute();
  for (const row of rows) {
    const entry = progress.get(row.plan_id) ?? { draft: 0, in_review: 0, approved: 0 };
    entry[row.status] = Number(row.count);
    progress.set(row.plan_id, entry);
  }
  return progress;
}

export async function sectionsAssignedTo(userId: number) {
  return getDb()
    .selectFrom("plan_sections")
    .innerJoin("plans", "plans.id", "plan_sections.plan_id")
    .innerJoin("plan_members", (join) =>
      join.onRef("plan_members.plan_id", "=", "plan_sections.plan_id").on("plan_members.user_id", "=", userId),
    )
    .select([
      "plans.id as planId",
      "plans.title as planTitle",
      "plan_sections.section_id as sectionId",
      "plan_sections.title as title",
      "plan_sections.status as status",
      "plan_sections.due_date as dueDate",
    ])
    .where("plan_sections.assignee_user_id", "=", userId)
    .where("plan_sections.removed_at", "is", null)
    .orderBy("plan_sections.due_date")
    .execute();
}
