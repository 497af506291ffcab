// When each person last left each plan, and the version holding the text as they saw it then
// (docs/workflow.md, "Since your last visit"). The collaboration server records a visit when a
// person's last socket on a plan closes (server/collab/plan-visits.ts); the plan page and the
// dashboard read them.
import { getDb } from "../../db";

export interface PlanVisit {
  seenAt: number;
  /** A version of the plan holding the text as the person left it; null if it was deleted. */
  versionId: number | null;
}

/** Newest update rows and versions looked at for "has someone else changed it": bounded, so
 * the dashboard costs the same however long someone has been away. */
const NEWEST_ROWS_CHECKED = 200;
const NEWEST_VERSIONS_CHECKED = 50;

/** Records that these people left the plan at these times, having seen `versionId`'s text. */
export async function recordVisits(planId: string, visits: { userId: number; seenAt: number }[], versionId: number | null): Promise<void> {
  if (visits.length === 0) return;
  await getDb()
    .insertInto("plan_visits")
    .values(visits.map(({ userId, seenAt }) => ({ user_id: userId, plan_id: planId, seen_at: seenAt, version_id: versionId })))
    .onConflict((conflict) =>
      conflict.columns(["user_id", "plan_id"]).doUpdateSet((eb) => ({
        seen_at: eb.ref("excluded.seen_at"),
        version_id: eb.ref("excluded.version_id"),
      })),
    )
    .execute();
}

export async function getVisit(userId: number, planId: string): Promise<PlanVisit | undefined> {
  const row = await getDb()
    .selectFrom("plan_visits")
    .select(["seen_at", "version_id"])
    .where("user_id", "=", userId)
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  return row ? { seenAt: Number(row.seen_at), versionId: row.version_id } : undefined;
}

/**
 * The plans (of those the person is on) changed by someone else since the person last left
 * them: edited after their visit (plans.last_edited_at), and by another account, as the newest
 * stored updates since the visit or the authors of the versions kept since tell (compaction
 * folds updates away, never a version). A plan never visited has no news: all of it is new.
 */
export async function plansWithNews(userId: number): Promise<Set<string>> {
  const db = getDb();
  const edited = await db
    .selectFrom("plan_visits")
    .innerJoin("plans", "plans.id", "plan_visits.plan_id")
    .innerJoin("plan_members", (join) =>
      join.onRef("plan_members.plan_id", "=", "plan_visits.plan_id").onRef("plan_members.user_id", "=", "plan_visits.user_id"),
    )
    .select(["plan_visits.plan_id as planId", "plan_visits.seen_at as seenAt", "plan_visits.version_id as versionId"])
    .where("plan_visits.user_id", "=", userId)
    .whereRef("plans.last_edited_at", ">", "plan_visits.seen_at")
    .execute();
  const withNews = await Promise.all(
    edited.map(async ({ planId, seenAt: seenAtStored, versionId }) => {
      const seenAt = Number(seenAtStored);
      const [rows, versions] = await Promise.all([
        db
          .selectFrom("plan_updates")
          .select(["user_id", "created_at"])
          .where("plan_id", "=", planId)
          // Newest first through the (plan_id, id) index; the time is checked here, since a
          // condition on it in SQL would read every older row before giving up.
          .orderBy("id", "desc")
          .limit(NEWEST_ROWS_CHECKED)
          .execute(),
        db
          .selectFrom("plan_versions")
          .select("authors")
          .where("plan_id", "=", planId)
          .where("id", ">", versionId ?? 0)
          .orderBy("id", "desc")
          .limit(NEWEST_VERSIONS_CHECKED)
          .execute(),
      ]);
      const byOthers =
        rows.some((row) => Number(row.created_at) > seenAt && row.user_id !== null && row.user_id !== userId) ||
        versions.some((version) => (JSON.parse(version.authors) as number[]).some((author) => author !== userId));
      return byOthers ? [planId] : [];
    }),
  );
  return new Set(withNews.flat());
}
