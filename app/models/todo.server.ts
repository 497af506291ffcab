// The dashboard as a to-do list (docs/workflow.md, "The dashboard"): what needs the person,
// across the plans they are on, each with where it leads.
import { sql } from "kysely";
import { getDb } from "../../db";
import { jakartaToday } from "../utils/deadline";

/** Items listed per block: the rest are on the plans. */
export const TODO_LIMIT = 50;

export function isOverdue(dueDate: string | null, now: number): boolean {
  return dueDate !== null && dueDate < jakartaToday(now);
}

/** Open threads assigned to the person, on plans they are still on; soonest due first. */
export async function threadsAssignedTo(userId: number) {
  return (
    getDb()
      .selectFrom("comment_threads")
      .innerJoin("plans", "plans.id", "comment_threads.plan_id")
      .innerJoin("plan_members", (join) =>
        join.onRef("plan_members.plan_id", "=", "comment_threads.plan_id").on("plan_members.user_id", "=", userId),
      )
      .leftJoin("plan_sections", (join) =>
        join
          .onRef("plan_sections.plan_id", "=", "comment_threads.plan_id")
          .onRef("plan_sections.section_id", "=", "comment_threads.section_id"),
      )
      .select([
        "comment_threads.id as threadId",
        "plans.id as planId",
        "plans.title as planTitle",
        "plan_sections.title as sectionTitle",
        "comment_threads.quote as quote",
        "comment_threads.due_date as dueDate",
      ])
      .where("comment_threads.assignee_id", "=", userId)
      .where("comment_threads.status", "=", "open")
      .where("comment_threads.deleted_at", "is", null)
      // Dated ones by date, then the undated (SQLite and PostgreSQL place nulls differently).
      .orderBy(sql`case when comment_threads.due_date is null then 1 else 0 end`)
      .orderBy("comment_threads.due_date")
      .orderBy("comment_threads.created_at")
      .limit(TODO_LIMIT)
      .execute()
  );
}

/** Consultation rounds still open on the person's plans, nearest deadline first. */
export async function openRoundsFor(userId: number, now: number) {
  return getDb()
    .selectFrom("consultation_rounds")
    .innerJoin("plans", "plans.id", "consultation_rounds.plan_id")
    .innerJoin("plan_members", (join) =>
      join.onRef("plan_members.plan_id", "=", "consultation_rounds.plan_id").on("plan_members.user_id", "=", userId),
    )
    .select([
      "consultation_rounds.id as roundId",
      "consultation_rounds.name as name",
      "consultation_rounds.deadline as deadline",
      "plans.id as planId",
      "plans.title as planTitle",
    ])
    .where("consultation_rounds.closed_at", "is", null)
    .where("consultation_rounds.deadline", ">", now)
    .orderBy("consultation_rounds.deadline")
    .limit(TODO_LIMIT)
    .execute();
}
