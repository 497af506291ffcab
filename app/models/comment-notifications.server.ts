// Who hears of a comment (docs/workflow.md): the members it mentions, the people already in its
// thread (who started it or wrote in it), and the member it is assigned to. Each person hears
// once, by the most specific kind: a mention beats a reply.
import { getDb } from "../../db";
import { withMentionHandles } from "../utils/comment-body";
import { listPlanPeople } from "./comment.server";
import { notify } from "./notification.server";

/** How much of a comment a notification quotes. */
const EXCERPT_LENGTH = 280;

export function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
}

export function threadUrl(planId: string, threadId: string): string {
  return `/plans/${planId}#thread-${threadId}`;
}

interface CommentEvent {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  threadId: string;
  body: string;
  mentions: number[];
  /** Only the mentions a comment's edit added are told (the others heard when it was written). */
  isEdit?: boolean;
}

export async function notifyComment(event: CommentEvent): Promise<void> {
  const members = event.body.includes("@") ? await listPlanPeople(event.plan.id) : [];
  const excerpt = excerptOf(withMentionHandles(event.body, members));
  const common = { planId: event.plan.id, actorId: event.actor.id, url: threadUrl(event.plan.id, event.threadId) };
  const data = { actor: event.actor.name, plan: event.plan.title, excerpt };
  await notify({ ...common, kind: "mention", recipients: event.mentions, data });
  if (event.isEdit) return;
  const mentioned = new Set(event.mentions);
  const inThread = await threadParticipants(event.threadId);
  await notify({ ...common, kind: "reply", recipients: inThread.filter((id) => !mentioned.has(id)), data });
}

/** Who started the thread or wrote in it (deleted comments' authors too: they took part). */
async function threadParticipants(threadId: string): Promise<number[]> {
  const db = getDb();
  const [thread, writers] = await Promise.all([
    db.selectFrom("comment_threads").select("created_by").where("id", "=", threadId).executeTakeFirst(),
    db.selectFrom("comments").select("user_id").distinct().where("thread_id", "=", threadId).execute(),
  ]);
  return [...new Set([...(thread ? [thread.created_by] : []), ...writers.map((row) => row.user_id)])];
}

export async function notifyThreadAssigned(event: {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  threadId: string;
  assigneeId: number;
  dueDate: string | null;
  /** What the thread is about: its quote, else its first comment. */
  title: string;
}): Promise<void> {
  await notify({
    kind: "assigned",
    planId: event.plan.id,
    actorId: event.actor.id,
    recipients: [event.assigneeId],
    url: threadUrl(event.plan.id, event.threadId),
    data: { actor: event.actor.name, plan: event.plan.title, what: "thread", title: excerptOf(event.title), dueDate: event.dueDate },
  });
}
