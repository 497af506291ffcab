// "N changes by <people> in <sections> since you were last here" (docs/workflow.md, "Since your
// last visit"): the compare engine's answer between the version a person last saw and the text
// now, with their own changes left out.
import type { AppLoadContext } from "@remix-run/node";
import { getVisit } from "../models/visit.server";
import { loadComparison } from "./comparison.server";
import type { Person, SinceLastVisit } from "./types";

export type SinceLastVisitResult =
  | { ok: true; since: SinceLastVisit | null }
  /** Too many compares running: try again after this long. */
  | { ok: false; retryAfterSeconds: number };

/** What others changed in the plan since `userId` last left it; null when they never have (or
 * the version they saw is gone). `lastEditedAt` spares the compare when nothing was stored since. */
export async function sinceLastVisit(
  context: AppLoadContext,
  plan: { id: string; lastEditedAt: number },
  userId: number,
): Promise<SinceLastVisitResult> {
  const visit = await getVisit(userId, plan.id);
  if (!visit || visit.versionId === null) return { ok: true, since: null };
  const base = {
    seenAt: visit.seenAt,
    compareUrl: `/plans/${encodeURIComponent(plan.id)}/compare?from=${visit.versionId}&to=current`,
  };
  const none: SinceLastVisit = { ...base, changes: 0, people: [], sections: [] };
  if (Number(plan.lastEditedAt) <= visit.seenAt) return { ok: true, since: none };

  const result = await loadComparison(context, plan.id, String(visit.versionId), "current");
  if (!result.ok) return result.reason === "busy" ? { ok: false, retryAfterSeconds: result.retryAfterSeconds } : { ok: true, since: null };
  const { comparison } = result;
  // A person's own edits are not news to them.
  const changes = comparison.changes.filter((change) => change.author?.id !== userId);
  const people = new Map<number, Person & { words: number }>();
  for (const entry of comparison.summary.byPerson) {
    if (entry.person && entry.person.id !== userId)
      people.set(entry.person.id, { ...entry.person, words: entry.wordsAdded + entry.wordsRemoved });
  }
  const titles = new Map(comparison.summary.bySection.map((section) => [section.sectionId, section.title]));
  const sectionIds = [...new Set(changes.map((change) => change.sectionId))];
  return {
    ok: true,
    since: {
      ...base,
      changes: changes.length,
      // Most words first (the summary's order).
      people: [...people.values()].map(({ id, name, organisation }) => ({ id, name, organisation })),
      sections: sectionIds.map((id) => ({ id, title: titles.get(id) ?? "" })),
    },
  };
}
