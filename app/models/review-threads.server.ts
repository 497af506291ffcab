// What the reviewed-Word import reads of a plan's comment threads to add nothing twice
// (docs/suggestions.md, "Reviewed Word files back in").
import { getDb } from "../../db";

/** Whether a thread of this id was ever made, deleted ones included (an imported thread's id
 * is derived from the Word comment, so a thread deleted since stays deleted). */
export async function threadEverExisted(threadId: string): Promise<{ planId: string; isDeleted: boolean } | null> {
  const row = await getDb().selectFrom("comment_threads").select(["plan_id", "deleted_at"]).where("id", "=", threadId).executeTakeFirst();
  return row ? { planId: row.plan_id, isDeleted: row.deleted_at !== null } : null;
}

/** A thread's comments that are not deleted: who wrote what. */
export async function threadComments(threadId: string): Promise<{ userId: number; body: string }[]> {
  return getDb()
    .selectFrom("comments")
    .select(["user_id as userId", "body"])
    .where("thread_id", "=", threadId)
    .where("deleted_at", "is", null)
    .orderBy("id")
    .execute();
}

/** The section's open or resolved threads with their first comment and its author: an
 * exported thread that comes back in the file is recognised by these. */
export async function sectionThreadOpenings(planId: string, sectionId: string) {
  const threads = await getDb()
    .selectFrom("comment_threads")
    .innerJoin("users", "users.id", "comment_threads.created_by")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select(["comment_threads.id as id", "users.name as name", "organisations.short_name as organisation"])
    .where("comment_threads.plan_id", "=", planId)
    .where("comment_threads.section_id", "=", sectionId)
    .where("comment_threads.deleted_at", "is", null)
    .execute();
  if (threads.length === 0) return [];
  const firstComments = await getDb()
    .selectFrom("comments")
    .select(["thread_id", "body", "id"])
    .where(
      "thread_id",
      "in",
      threads.map((thread) => thread.id),
    )
    .orderBy("id")
    .execute();
  const firstBody = new Map<string, string>();
  for (const comment of firstComments) if (!firstBody.has(comment.thread_id)) firstBody.set(comment.thread_id, comment.body);
  return threads.map((thread) => ({ ...thread, body: firstBody.get(thread.id) ?? "" }));
}
