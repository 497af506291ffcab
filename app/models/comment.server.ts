// Comment threads and their comments (docs/comments.md). The passage a thread marks lives in
// the Yjs document; where it is now is read from there and passed in as `anchors`.
import { getDb } from "../../db";
import type { ThreadDisposition } from "../../db/schema";
import type { AnchorPlace } from "../editor/comment-anchors";
import { tokenizeCommentBody, withMentionHandles } from "../utils/comment-body";
import { can, type Role } from "./roles";
import type { CommentView, Person, PersonView, ThreadView } from "./views";

export { DISPOSITIONS, MAX_COMMENT_LENGTH } from "./comment-rules";
export type { CommentView, Person, PersonView, ThreadView } from "./views";

export interface Viewer {
  id: number;
  role: Role;
}

/** A person as this viewer may see them: without the email address unless they own the plan. */
export function personAsSeenBy(viewer: Viewer, person: Person): PersonView {
  if (can(viewer.role, "plan.seeEmails")) return person;
  const { email: _email, ...withoutEmail } = person;
  return withoutEmail;
}

/** The plan's members as people to mention, with their emails (for the server's own use; pass
 * them through personAsSeenBy before they leave it). */
export async function listPlanPeople(planId: string): Promise<Person[]> {
  return getDb()
    .selectFrom("plan_members")
    .innerJoin("users", "users.id", "plan_members.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select(["users.id as id", "users.name as name", "users.email as email", "organisations.short_name as organisation"])
    .where("plan_members.plan_id", "=", planId)
    .orderBy("users.name")
    .execute();
}

/** The members a thread may be assigned to: those who can comment (commenters and up). */
export async function assignableMemberIds(planId: string): Promise<number[]> {
  const rows = await getDb()
    .selectFrom("plan_members")
    .select("user_id")
    .where("plan_id", "=", planId)
    .where("role", "in", ["commenter", "editor", "owner"])
    .execute();
  return rows.map((row) => row.user_id);
}

/** Members named in a body as `@<their email>`: the same reading the page shows. */
export function mentionedUserIds(body: string, people: Person[]): number[] {
  const ids = tokenizeCommentBody(body, people).flatMap((token) => (token.type === "mention" ? [token.userId] : []));
  return [...new Set(ids)];
}

/** Whether this person may resolve or reopen the thread. */
export function canResolveThread(viewer: Viewer, thread: { created_by: number }): boolean {
  return can(viewer.role, "comment.resolveAny") || (can(viewer.role, "plan.comment") && thread.created_by === viewer.id);
}

function peopleQuery() {
  return getDb()
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select(["users.id as id", "users.name as name", "users.email as email", "organisations.short_name as organisation"]);
}

/** Every listed thread of the plan (or just `onlyThreadId`), oldest first, as the caller may see it. */
export async function listThreads(
  planId: string,
  viewer: Viewer,
  anchors: Map<string, AnchorPlace>,
  closedToPartners: Set<string>,
  onlyThreadId?: string,
): Promise<ThreadView[]> {
  const db = getDb();
  let threadQuery = db
    .selectFrom("comment_threads")
    .selectAll()
    .where("plan_id", "=", planId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id");
  if (onlyThreadId) threadQuery = threadQuery.where("id", "=", onlyThreadId);
  const threads = await threadQuery.execute();
  if (threads.length === 0) return [];
  const threadIds = threads.map((thread) => thread.id);
  const comments = await db.selectFrom("comments").selectAll().where("thread_id", "in", threadIds).orderBy("id").execute();
  const mentions = comments.length
    ? await db
        .selectFrom("comment_mentions")
        .select(["comment_id", "user_id"])
        .where(
          "comment_id",
          "in",
          comments.map((comment) => comment.id),
        )
        .execute()
    : [];
  const personIds = new Set<number>([
    ...threads.map((thread) => thread.created_by),
    ...threads.flatMap((thread) => (thread.assignee_id === null ? [] : [thread.assignee_id])),
    ...threads.flatMap((thread) => (thread.resolved_by === null ? [] : [thread.resolved_by])),
    ...comments.map((comment) => comment.user_id),
  ]);
  const people = new Map(
    (
      await peopleQuery()
        .where("users.id", "in", [...personIds])
        .execute()
    ).map((p) => [p.id, personAsSeenBy(viewer, p)]),
  );
  const person = (id: number): PersonView => people.get(id) ?? { id, name: "?", organisation: "" };
  // Mentions go out as handles ("@Name"), so a body written with "@<email>" shows no address.
  const members = comments.some((comment) => comment.body.includes("@")) ? await listPlanPeople(planId) : [];
  const mentionsOf = new Map<number, number[]>();
  for (const mention of mentions) mentionsOf.set(mention.comment_id, [...(mentionsOf.get(mention.comment_id) ?? []), mention.user_id]);
  const commentsOf = new Map<string, CommentView[]>();
  const mayWrite = can(viewer.role, "plan.comment");
  for (const comment of comments) {
    const deleted = comment.deleted_at !== null;
    const view: CommentView = {
      id: comment.id,
      author: person(comment.user_id),
      body: deleted ? "" : withMentionHandles(comment.body, members),
      deleted,
      createdAt: Number(comment.created_at),
      editedAt: comment.edited_at === null ? null : Number(comment.edited_at),
      mentions: deleted ? [] : (mentionsOf.get(comment.id) ?? []),
      canEdit: !deleted && comment.user_id === viewer.id,
    };
    commentsOf.set(comment.thread_id, [...(commentsOf.get(comment.thread_id) ?? []), view]);
  }
  const mayReplyIn = (sectionId: string) => mayWrite && (can(viewer.role, "comment.afterRoundCloses") || !closedToPartners.has(sectionId));
  return threads.map((thread) => {
    const place = anchors.get(thread.id);
    const sectionId = place?.sectionId ?? thread.section_id;
    const mayChangeOwn = mayReplyIn(sectionId);
    return {
      id: thread.id,
      sectionId,
      quote: thread.quote,
      anchor: thread.anchor,
      status: thread.status,
      detached: thread.anchor === "text" && !place,
      disposition: thread.disposition,
      response: thread.response,
      roundId: thread.round_id,
      createdAt: Number(thread.created_at),
      author: person(thread.created_by),
      resolvedBy: thread.resolved_by === null ? null : person(thread.resolved_by),
      assignee: thread.assignee_id === null ? null : person(thread.assignee_id),
      dueDate: thread.due_date,
      canResolve: canResolveThread(viewer, thread),
      // Who may resolve it may also say who takes it up.
      canAssign: canResolveThread(viewer, thread) && mayChangeOwn,
      canReply: mayReplyIn(sectionId),
      comments: (commentsOf.get(thread.id) ?? []).map((comment) => ({ ...comment, canEdit: comment.canEdit && mayChangeOwn })),
    };
  });
}

export async function getThread(planId: string, threadId: string) {
  return getDb()
    .selectFrom("comment_threads")
    .selectAll()
    .where("plan_id", "=", planId)
    .where("id", "=", threadId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function createThread(input: {
  id: string;
  planId: string;
  sectionId: string;
  anchor: "text" | "section";
  quote: string;
  roundId: number | null;
  userId: number;
  body: string;
  mentions: number[];
  assigneeId?: number | null;
  dueDate?: string | null;
}): Promise<void> {
  const now = Date.now();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("comment_threads")
        .values({
          id: input.id,
          plan_id: input.planId,
          section_id: input.sectionId,
          anchor: input.anchor,
          quote: input.quote,
          round_id: input.roundId,
          disposition: null,
          response: null,
          disposition_by: null,
          disposition_at: null,
          created_by: input.userId,
          created_at: now,
          resolved_by: null,
          resolved_at: null,
          deleted_at: null,
          assignee_id: input.assigneeId ?? null,
          due_date: input.assigneeId ? (input.dueDate ?? null) : null,
        })
        .execute();
      const { id } = await trx
        .insertInto("comments")
        .values({ thread_id: input.id, user_id: input.userId, body: input.body, created_at: now, edited_at: null, deleted_at: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (input.mentions.length) {
        await trx
          .insertInto("comment_mentions")
          .values(input.mentions.map((userId) => ({ comment_id: id, user_id: userId })))
          .execute();
      }
    });
}

export async function addComment(threadId: string, userId: number, body: string, mentions: number[]): Promise<number> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const { id } = await trx
        .insertInto("comments")
        .values({ thread_id: threadId, user_id: userId, body, created_at: Date.now(), edited_at: null, deleted_at: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (mentions.length) {
        await trx
          .insertInto("comment_mentions")
          .values(mentions.map((mentioned) => ({ comment_id: id, user_id: mentioned })))
          .execute();
      }
      return id;
    });
}

export async function getComment(threadId: string, commentId: number) {
  return getDb()
    .selectFrom("comments")
    .selectAll()
    .where("thread_id", "=", threadId)
    .where("id", "=", commentId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** A thread's first comment still there ("" when none is). */
export async function firstCommentBody(threadId: string): Promise<string> {
  const row = await getDb()
    .selectFrom("comments")
    .select("body")
    .where("thread_id", "=", threadId)
    .where("deleted_at", "is", null)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row?.body ?? "";
}

/** The members a comment mentions now. */
export async function mentionsIn(commentId: number): Promise<number[]> {
  const rows = await getDb().selectFrom("comment_mentions").select("user_id").where("comment_id", "=", commentId).execute();
  return rows.map((row) => row.user_id);
}

export async function editComment(commentId: number, body: string, mentions: number[]): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable("comments").set({ body, edited_at: Date.now() }).where("id", "=", commentId).execute();
      await trx.deleteFrom("comment_mentions").where("comment_id", "=", commentId).execute();
      if (mentions.length) {
        await trx
          .insertInto("comment_mentions")
          .values(mentions.map((userId) => ({ comment_id: commentId, user_id: userId })))
          .execute();
      }
    });
}

/** Deletes a comment. A thread keeps "comment deleted" in place while other comments remain;
 * a thread left with none is no longer listed. Returns whether the thread went with it. */
export async function deleteComment(threadId: string, commentId: number): Promise<{ threadDeleted: boolean }> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const now = Date.now();
      await trx.updateTable("comments").set({ body: "", deleted_at: now }).where("id", "=", commentId).execute();
      await trx.deleteFrom("comment_mentions").where("comment_id", "=", commentId).execute();
      const remaining = await trx
        .selectFrom("comments")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("thread_id", "=", threadId)
        .where("deleted_at", "is", null)
        .executeTakeFirstOrThrow();
      if (Number(remaining.count) > 0) return { threadDeleted: false };
      await trx.updateTable("comment_threads").set({ deleted_at: now }).where("id", "=", threadId).execute();
      return { threadDeleted: true };
    });
}

export async function setThreadStatus(threadId: string, status: "open" | "resolved", userId: number): Promise<void> {
  await getDb()
    .updateTable("comment_threads")
    .set(
      status === "resolved" ? { status, resolved_by: userId, resolved_at: Date.now() } : { status, resolved_by: null, resolved_at: null },
    )
    .where("id", "=", threadId)
    .execute();
}

/** Assigns the thread to a member by a date, or to nobody (null). */
export async function setThreadAssignment(threadId: string, assigneeId: number | null, dueDate: string | null): Promise<void> {
  await getDb()
    .updateTable("comment_threads")
    .set({ assignee_id: assigneeId, due_date: assigneeId === null ? null : dueDate })
    .where("id", "=", threadId)
    .execute();
}

export async function setDisposition(
  threadId: string,
  disposition: ThreadDisposition | null,
  response: string,
  userId: number,
): Promise<void> {
  await getDb()
    .updateTable("comment_threads")
    .set({ disposition, response: response || null, disposition_by: userId, disposition_at: Date.now() })
    .where("id", "=", threadId)
    .execute();
}
