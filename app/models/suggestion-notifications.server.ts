// Who hears that suggestions were accepted or rejected (docs/workflow.md): their authors, one
// notification each per resolution, however many of theirs it took (a whole section at once).
import { getDb } from "../../db";
import { excerptOf } from "./comment-notifications.server";
import { notify } from "./notification.server";

export async function notifySuggestionsResolved(event: {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  ids: string[];
  outcome: "accepted" | "rejected";
  reason?: string;
}): Promise<void> {
  if (event.ids.length === 0) return;
  const rows = await getDb()
    .selectFrom("suggestions")
    .select(["id", "author_id", "inserted", "deleted"])
    .where("plan_id", "=", event.plan.id)
    .where("id", "in", event.ids)
    .execute();
  const byAuthor = new Map<number, typeof rows>();
  for (const row of rows) byAuthor.set(row.author_id, [...(byAuthor.get(row.author_id) ?? []), row]);
  for (const [authorId, theirs] of byAuthor) {
    const words = theirs.map((row) => (row.inserted ? `+ ${row.inserted}` : `− ${row.deleted}`)).join(" · ");
    await notify({
      kind: "suggestion",
      planId: event.plan.id,
      actorId: event.actor.id,
      recipients: [authorId],
      url: theirs.length === 1 ? `/plans/${event.plan.id}#suggestion-${theirs[0]!.id}` : `/plans/${event.plan.id}`,
      data: {
        actor: event.actor.name,
        plan: event.plan.title,
        outcome: event.outcome,
        excerpt: excerptOf(words),
        reason: event.reason?.trim() || null,
      },
    });
  }
}

/** A reply on a suggestion's card reaches its author and those who replied before. */
export async function notifySuggestionReply(event: {
  plan: { id: string; title: string };
  actor: { id: number; name: string };
  suggestionId: string;
  body: string;
}): Promise<void> {
  const db = getDb();
  const [suggestion, repliers] = await Promise.all([
    db
      .selectFrom("suggestions")
      .select("author_id")
      .where("plan_id", "=", event.plan.id)
      .where("id", "=", event.suggestionId)
      .executeTakeFirst(),
    db
      .selectFrom("suggestion_replies")
      .select("user_id")
      .distinct()
      .where("plan_id", "=", event.plan.id)
      .where("suggestion_id", "=", event.suggestionId)
      .execute(),
  ]);
  await notify({
    kind: "reply",
    planId: event.plan.id,
    actorId: event.actor.id,
    recipients: [...(suggestion ? [suggestion.author_id] : []), ...repliers.map((row) => row.user_id)],
    url: `/plans/${event.plan.id}#suggestion-${event.suggestionId}`,
    data: { actor: event.actor.name, plan: event.plan.title, excerpt: excerptOf(event.body) },
  });
}
