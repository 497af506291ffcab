// Consultation rounds: an owner invites partner organisations to comment on some sections
// until a deadline; the drafting team then records a disposition for every thread.
import { getDb } from "../../db";
import type { ThreadDisposition } from "../../db/schema";
import { withMentionHandles } from "../utils/comment-body";
import { listPlanPeople } from "./comment.server";
import { inviteOrganisationsToRound } from "./invitation.server";
import { roundSuggestions } from "./suggestion.server";

export interface RoundSummary {
  id: number;
  name: string;
  deadline: number;
  closedAt: number | null;
  isOpen: boolean;
  sectionIds: string[];
  organisationIds: number[];
}

export function isRoundOpen(round: { deadline: number; closedAt: number | null }, now = Date.now()): boolean {
  return round.closedAt === null && now < round.deadline;
}

export async function listRounds(planId: string, now = Date.now()): Promise<RoundSummary[]> {
  const db = getDb();
  const rounds = await db
    .selectFrom("consultation_rounds")
    .select(["id", "name", "deadline", "closed_at"])
    .where("plan_id", "=", planId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  if (rounds.length === 0) return [];
  const roundIds = rounds.map((round) => round.id);
  const [sections, organisations] = await Promise.all([
    db.selectFrom("consultation_round_sections").select(["round_id", "section_id"]).where("round_id", "in", roundIds).execute(),
    db.selectFrom("consultation_round_organisations").select(["round_id", "organisation_id"]).where("round_id", "in", roundIds).execute(),
  ]);
  return rounds.map((round) => {
    const summary = {
      id: round.id,
      name: round.name,
      deadline: Number(round.deadline),
      closedAt: round.closed_at === null ? null : Number(round.closed_at),
    };
    return {
      ...summary,
      isOpen: isRoundOpen(summary, now),
      sectionIds: sections.filter((s) => s.round_id === round.id).map((s) => s.section_id),
      organisationIds: organisations.filter((o) => o.round_id === round.id).map((o) => o.organisation_id),
    };
  });
}

export async function getRound(planId: string, roundId: number): Promise<RoundSummary | undefined> {
  return (await listRounds(planId)).find((round) => round.id === roundId);
}

/**
 * Opens a round and invites the members of the chosen organisations to comment: people with no
 * role on the plan, or only "viewer", get an invitation they accept or decline on their
 * dashboard (app/models/invitation.server.ts); nobody's membership changes here. Returns the
 * round's id and how many people were invited.
 */
export async function openRound(input: {
  planId: string;
  name: string;
  deadline: number;
  sectionIds: string[];
  organisationIds: number[];
  createdBy: number;
}): Promise<{ roundId: number; invitedCount: number }> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const now = Date.now();
      const { id } = await trx
        .insertInto("consultation_rounds")
        .values({
          plan_id: input.planId,
          name: input.name,
          deadline: input.deadline,
          closed_at: null,
          created_by: input.createdBy,
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (input.sectionIds.length) {
        await trx
          .insertInto("consultation_round_sections")
          .values(input.sectionIds.map((sectionId) => ({ round_id: id, section_id: sectionId })))
          .execute();
      }
      if (input.organisationIds.length) {
        await trx
          .insertInto("consultation_round_organisations")
          .values(input.organisationIds.map((organisationId) => ({ round_id: id, organisation_id: organisationId })))
          .execute();
      }
      const invitedCount = await inviteOrganisationsToRound(trx, {
        planId: input.planId,
        roundId: id,
        organisationIds: input.organisationIds,
        invitedBy: input.createdBy,
      });
      return { roundId: id, invitedCount };
    });
}

export async function closeRound(planId: string, roundId: number): Promise<void> {
  await getDb()
    .updateTable("consultation_rounds")
    .set({ closed_at: Date.now() })
    .where("plan_id", "=", planId)
    .where("id", "=", roundId)
    .where("closed_at", "is", null)
    .execute();
}

/** What rounds say about commenting on a section now: the open round a new thread joins,
 * or the closed round that refuses partners' comments there. */
export async function commentingRule(
  planId: string,
  sectionId: string,
  now = Date.now(),
): Promise<{ openRoundId: number | null; closedRound: { id: number; name: string } | null }> {
  const rounds = (await listRounds(planId, now)).filter((round) => round.sectionIds.includes(sectionId));
  const open = rounds.find((round) => round.isOpen);
  if (open) return { openRoundId: open.id, closedRound: null };
  const closed = rounds[0]; // newest first
  return { openRoundId: null, closedRound: closed ? { id: closed.id, name: closed.name } : null };
}

/** Sections where partners' comments are refused now: covered by a closed round and by no
 * open one (the rule of commentingRule, for every section at once). */
export function sectionsClosedToPartners(rounds: RoundSummary[]): Set<string> {
  const open = new Set(rounds.filter((round) => round.isOpen).flatMap((round) => round.sectionIds));
  return new Set(rounds.filter((round) => !round.isOpen).flatMap((round) => round.sectionIds.filter((id) => !open.has(id))));
}

export interface ResponseRow {
  /** The thread's id, or the suggestion's for a suggestion's row. */
  threadId: string;
  /** For a suggestion made during the round: what it proposes (`comment` is then ""). */
  suggestion: { inserted: string; deleted: string } | null;
  sectionId: string;
  sectionTitle: string;
  quote: string;
  organisation: string;
  author: string;
  authorEmail: string;
  comment: string;
  replies: number;
  status: "open" | "resolved";
  disposition: ThreadDisposition | null;
  response: string | null;
  createdAt: number;
}

/** The comment response matrix of a round: every thread and suggestion in it, in section order. Mentions in
 * comments are written as handles ("@Name"), never as email addresses; the author's email is
 * here for the plan's owners (the routes leave it out for everyone else). */
export async function responseMatrix(planId: string, roundId: number): Promise<ResponseRow[]> {
  const db = getDb();
  const threads = await db
    .selectFrom("comment_threads")
    .innerJoin("users", "users.id", "comment_threads.created_by")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .leftJoin("plan_sections", (join) =>
      join
        .onRef("plan_sections.plan_id", "=", "comment_threads.plan_id")
        .onRef("plan_sections.section_id", "=", "comment_threads.section_id"),
    )
    .select([
      "comment_threads.id as threadId",
      "comment_threads.section_id as sectionId",
      "plan_sections.title as sectionTitle",
      "plan_sections.position as position",
      "comment_threads.quote as quote",
      "organisations.short_name as organisation",
      "users.name as author",
      "users.email as authorEmail",
      "comment_threads.status as status",
      "comment_threads.disposition as disposition",
      "comment_threads.response as response",
      "comment_threads.created_at as createdAt",
    ])
    .where("comment_threads.plan_id", "=", planId)
    .where("comment_threads.round_id", "=", roundId)
    .where("comment_threads.deleted_at", "is", null)
    .execute();
  const suggestionRows = await suggestionResponseRows(planId, roundId);
  if (threads.length === 0) return sortByPlace(planId, suggestionRows);
  const members = await listPlanPeople(planId);
  const comments = await db
    .selectFrom("comments")
    .select(["thread_id", "body", "deleted_at"])
    .where(
      "thread_id",
      "in",
      threads.map((thread) => thread.threadId),
    )
    .orderBy("id")
    .execute();
  const threadRows = threads.map((thread) => {
    const ofThread = comments.filter((comment) => comment.thread_id === thread.threadId);
    const first = ofThread[0];
    return {
      threadId: thread.threadId,
      suggestion: null,
      sectionId: thread.sectionId,
      sectionTitle: thread.sectionTitle ?? "",
      quote: thread.quote,
      organisation: thread.organisation,
      author: thread.author,
      authorEmail: thread.authorEmail,
      comment: first && first.deleted_at === null ? withMentionHandles(first.body, members) : "",
      replies: ofThread.slice(1).filter((comment) => comment.deleted_at === null).length,
      status: thread.status,
      disposition: thread.disposition,
      response: thread.response,
      createdAt: Number(thread.createdAt),
      position: thread.position ?? Number.MAX_SAFE_INTEGER,
    };
  });
  return sortByPlace(planId, [...threadRows.map(({ position: _position, ...row }) => row), ...suggestionRows]);
}

/** A round's suggestions as rows of its matrix: accepted → accepted (or partly), rejected →
 * not accepted with the reason as the response, open ones without a disposition yet. */
async function suggestionResponseRows(planId: string, roundId: number): Promise<ResponseRow[]> {
  const suggestions = await roundSuggestions(planId, roundId);
  return suggestions.map((row): ResponseRow => ({
    threadId: row.suggestionId,
    suggestion: { inserted: row.inserted, deleted: row.deleted },
    sectionId: row.sectionId,
    sectionTitle: "",
    quote: row.deleted,
    organisation: row.organisation,
    author: row.author,
    authorEmail: row.authorEmail,
    comment: "",
    replies: row.replies,
    status: row.status === "open" ? "open" : "resolved",
    disposition:
      row.status === "accepted" ? (row.partly ? "partly_accepted" : "accepted") : row.status === "rejected" ? "not_accepted" : null,
    response: row.reason,
    createdAt: row.createdAt,
  }));
}

/** Rows in section order (then oldest first), with their sections' titles. */
async function sortByPlace(planId: string, rows: ResponseRow[]): Promise<ResponseRow[]> {
  const sections = await getDb()
    .selectFrom("plan_sections")
    .select(["section_id", "title", "position"])
    .where("plan_id", "=", planId)
    .execute();
  const place = new Map(sections.map((section) => [section.section_id, section]));
  return rows
    .map((row) => ({ ...row, sectionTitle: place.get(row.sectionId)?.title ?? row.sectionTitle }))
    .sort(
      (a, b) =>
        (place.get(a.sectionId)?.position ?? Number.MAX_SAFE_INTEGER) - (place.get(b.sectionId)?.position ?? Number.MAX_SAFE_INTEGER) ||
        a.createdAt - b.createdAt,
    );
}
