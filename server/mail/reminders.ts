// A consultation round's deadline, two days ahead and on the day (WIB days): the members of its
// invited organisations who have not yet commented on every one of its sections are reminded,
// each once (notify's onceKey; instances racing insert it once). Runs with or without SMTP: the
// reminder is an inbox entry first, and mailed as each person chose for "deadline".
import { getDb } from "../../db";
import { notify } from "../../app/models/notification.server";
import { wibDay } from "./wib";

const DAY_MS = 24 * 3600_000;
/** Roles that can comment: a viewer is reminded by their invitation, not by this. */
const COMMENTING_ROLES = ["commenter", "editor", "owner"] as const;

/** Makes the reminders due at `now`; returns how many people were reminded. */
export async function remindOfDeadlines(now = Date.now()): Promise<number> {
  const db = getDb();
  const rounds = await db
    .selectFrom("consultation_rounds")
    .innerJoin("plans", "plans.id", "consultation_rounds.plan_id")
    .select([
      "consultation_rounds.id as id",
      "consultation_rounds.plan_id as planId",
      "consultation_rounds.name as name",
      "consultation_rounds.deadline as deadline",
      "consultation_rounds.created_at as createdAt",
      "plans.title as plan",
    ])
    .where("consultation_rounds.closed_at", "is", null)
    .where("consultation_rounds.deadline", ">", now)
    .where("consultation_rounds.deadline", "<", now + 3 * DAY_MS)
    .execute();
  let reminded = 0;
  for (const round of rounds) {
    const deadline = Number(round.deadline);
    const daysLeft = wibDay(deadline) - wibDay(now);
    const when = daysLeft === 0 ? "today" : daysLeft <= 2 ? "soon" : null;
    if (when === null) continue;
    // The deadline is in the key: a round whose deadline moves reminds again of the new one.
    const onceKey = `deadline:${round.id}:${when}:${deadline}`;
    const people = await notYetCommentedOnEverySection({ ...round, createdAt: Number(round.createdAt) });
    if (people.length === 0) continue;
    const alreadyReminded = await db
      .selectFrom("notifications")
      .select("user_id")
      .where("once_key", "=", onceKey)
      .where("user_id", "in", people)
      .execute();
    const done = new Set(alreadyReminded.map((row) => row.user_id));
    const recipients = people.filter((id) => !done.has(id));
    if (recipients.length === 0) continue;
    reminded += await notify({
      kind: "deadline",
      planId: round.planId,
      actorId: null,
      recipients,
      data: { plan: round.plan, round: round.name, deadline, when },
      url: `/plans/${encodeURIComponent(round.planId)}`,
      onceKey,
    });
  }
  return reminded;
}

/** Members of the round's organisations, able to comment, who have not commented (a thread, a
 * reply, a suggestion) since the round opened on each of its sections. */
async function notYetCommentedOnEverySection(round: { id: number; planId: string; createdAt: number }): Promise<number[]> {
  const db = getDb();
  const sections = await db.selectFrom("consultation_round_sections").select("section_id").where("round_id", "=", round.id).execute();
  if (sections.length === 0) return [];
  const sectionIds = sections.map((row) => row.section_id);
  const members = await db
    .selectFrom("plan_members")
    .innerJoin("users", "users.id", "plan_members.user_id")
    .innerJoin("consultation_round_organisations", "consultation_round_organisations.organisation_id", "users.organisation_id")
    .select("users.id as id")
    .where("consultation_round_organisations.round_id", "=", round.id)
    .where("plan_members.plan_id", "=", round.planId)
    .where("plan_members.role", "in", [...COMMENTING_ROLES])
    .execute();
  if (members.length === 0) return [];
  const memberIds = members.map((row) => row.id);
  const [comments, suggestions] = await Promise.all([
    db
      .selectFrom("comments")
      .innerJoin("comment_threads", "comment_threads.id", "comments.thread_id")
      .select(["comments.user_id as userId", "comment_threads.section_id as sectionId"])
      .distinct()
      .where("comment_threads.plan_id", "=", round.planId)
      .where("comment_threads.section_id", "in", sectionIds)
      .where("comments.user_id", "in", memberIds)
      .where("comments.deleted_at", "is", null)
      .where("comments.created_at", ">=", round.createdAt)
      .execute(),
    db
      .selectFrom("suggestions")
      .select(["author_id as userId", "section_id as sectionId"])
      .distinct()
      .where("plan_id", "=", round.planId)
      .where("round_id", "=", round.id)
      .where("section_id", "in", sectionIds)
      .where("author_id", "in", memberIds)
      .execute(),
  ]);
  const commented = new Map<number, Set<string>>();
  for (const row of [...comments, ...suggestions]) {
    const sectionsOfPerson = commented.get(row.userId) ?? new Set<string>();
    sectionsOfPerson.add(row.sectionId);
    commented.set(row.userId, sectionsOfPerson);
  }
  return memberIds.filter((id) => (commented.get(id)?.size ?? 0) < sectionIds.length);
}
