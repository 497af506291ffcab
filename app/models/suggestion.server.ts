// Suggestions (tracked changes, docs/suggestions.md, "Data and API"). What a suggestion proposes
// lives in the Yjs document as its marks, read there and passed in as `inDocument`; its row here
// says when it was first seen, in which consultation round, and how it was resolved.
import { getDb } from "../../db";
import type { SuggestionStatus } from "../../db/schema";
import type { SuggestionInDocument } from "../editor/suggestion-marks";
import type { PersonView } from "./views";

/** As the API shows it: "outdated" is an open row whose marks are gone from the document. */
export type SuggestionViewStatus = "open" | "accepted" | "rejected" | "outdated";

export interface SuggestionReplyView {
  id: number;
  author: Pick<PersonView, "name" | "organisation">;
  body: string;
  createdAt: string;
}

export interface SuggestionView {
  id: string;
  sectionId: string;
  status: SuggestionViewStatus;
  inserted: string;
  deleted: string;
  author: { name: string; organisation: string; id: number };
  /** The author named in a reviewed Word file who is not a member ("via Word: <name>"). */
  wordAuthor?: string;
  createdAt: string;
  roundId?: number;
  resolvedBy?: { name: string; organisation: string };
  resolvedAt?: string;
  reason?: string;
  partly?: boolean;
  replies: SuggestionReplyView[];
}

/** Extra facts about suggestions the server writes itself (the Word import). */
export interface SuggestionOrigin {
  importKey?: string;
  wordAuthor?: string;
}

/**
 * Records what the document holds (as read at `now`): a row for each suggestion seen for the
 * first time (its round: the one open on its section now), the text and section of open ones
 * brought up to date, and resolved or withdrawn ones whose marks came back (a restored version,
 * the author's redo) open again. Returns whether any row changed.
 */
/** Returns whether a suggestion is new to the table or open again. */
export async function recordSuggestionsSeen(
  planId: string,
  inDocument: SuggestionInDocument[],
  origins: Map<string, SuggestionOrigin> = new Map(),
  now = Date.now(),
): Promise<boolean> {
  if (inDocument.length === 0) return false;
  const db = getDb();
  const rows = await db
    .selectFrom("suggestions")
    .select(["id", "status", "section_id", "inserted", "deleted", "resolved_at"])
    .where("plan_id", "=", planId)
    .where(
      "id",
      "in",
      inDocument.map((entry) => entry.id),
    )
    .execute();
  const known = new Map(rows.map((row) => [row.id, row]));
  const fresh = inDocument.filter((entry) => !known.has(entry.id));
  const changed = inDocument.filter((entry) => {
    const row = known.get(entry.id);
    return (
      row?.status === "open" && (row.section_id !== entry.sectionId || row.inserted !== entry.inserted || row.deleted !== entry.deleted)
    );
  });
  // Resolved before the document was read: a resolution recorded since then (its marks were
  // still in what was read) is not undone.
  const back = inDocument.filter((entry) => {
    const row = known.get(entry.id);
    return row && row.status !== "open" && row.resolved_at !== null && Number(row.resolved_at) < now;
  });
  if (fresh.length === 0 && changed.length === 0 && back.length === 0) return false;
  // The round open on each section now (as isRoundOpen in consultation.server.ts; the newest wins).
  const openRoundOf = new Map<string, number>();
  if (fresh.length) {
    const openRounds = await db
      .selectFrom("consultation_rounds")
      .innerJoin("consultation_round_sections", "consultation_round_sections.round_id", "consultation_rounds.id")
      .select(["consultation_rounds.id as roundId", "consultation_round_sections.section_id as sectionId"])
      .where("consultation_rounds.plan_id", "=", planId)
      .where("consultation_rounds.closed_at", "is", null)
      .where("consultation_rounds.deadline", ">", now)
      .orderBy("consultation_rounds.created_at")
      .orderBy("consultation_rounds.id")
      .execute();
    for (const { roundId, sectionId } of openRounds) openRoundOf.set(sectionId, roundId);
  }
  await db.transaction().execute(async (trx) => {
    for (const entry of fresh) {
      const origin = origins.get(entry.id) ?? {};
      await trx
        .insertInto("suggestions")
        .values({
          plan_id: planId,
          id: entry.id,
          section_id: entry.sectionId,
          author_id: entry.authorId,
          word_author: origin.wordAuthor ?? null,
          created_at: now,
          round_id: openRoundOf.get(entry.sectionId) ?? null,
          inserted: entry.inserted,
          deleted: entry.deleted,
          resolved_by: null,
          resolved_at: null,
          reason: null,
          import_key: origin.importKey ?? null,
        })
        // Another instance (or the index, a moment earlier) recorded it already.
        .onConflict((oc) => oc.columns(["plan_id", "id"]).doNothing())
        .execute();
    }
    for (const entry of back) {
      await trx
        .updateTable("suggestions")
        .set({
          status: "open",
          section_id: entry.sectionId,
          inserted: entry.inserted,
          deleted: entry.deleted,
          resolved_by: null,
          resolved_at: null,
          reason: null,
          partly: 0,
        })
        .where("plan_id", "=", planId)
        .where("id", "=", entry.id)
        .where("status", "!=", "open")
        .where("resolved_at", "<", now)
        .execute();
    }
    for (const entry of changed) {
      await trx
        .updateTable("suggestions")
        .set({ section_id: entry.sectionId, inserted: entry.inserted, deleted: entry.deleted })
        .where("plan_id", "=", planId)
        .where("id", "=", entry.id)
        .where("status", "=", "open")
        .execute();
    }
  });
  // Pages read open suggestions' words off the text itself: only new and reopened ones are news
  // to them (every page fetches the list again on news, once a second while partners type).
  return fresh.length > 0 || back.length > 0;
}

/** Adds what the server knows about a suggestion it wrote (the Word import's key and author)
 * to its row, which the index may have written first. */
export async function recordSuggestionOrigin(planId: string, suggestionId: string, origin: SuggestionOrigin): Promise<void> {
  if (origin.importKey === undefined && origin.wordAuthor === undefined) return;
  await getDb()
    .updateTable("suggestions")
    .set({ import_key: origin.importKey ?? null, word_author: origin.wordAuthor ?? null })
    .where("plan_id", "=", planId)
    .where("id", "=", suggestionId)
    .execute();
}

/** The suggestion the Word import made from this tracked change, if it made one. */
export async function suggestionIdForImportKey(planId: string, importKey: string): Promise<string | undefined> {
  const row = await getDb()
    .selectFrom("suggestions")
    .select("id")
    .where("plan_id", "=", planId)
    .where("import_key", "=", importKey)
    .executeTakeFirst();
  return row?.id;
}

/** Records that suggestions were accepted or rejected (with the last text seen). */
export async function recordResolution(
  planId: string,
  resolved: SuggestionInDocument[],
  status: "accepted" | "rejected",
  input: { userId: number; reason?: string; partly?: boolean },
  now = Date.now(),
): Promise<void> {
  await recordSuggestionsSeen(planId, resolved, new Map(), now);
  await getDb()
    .transaction()
    .execute(async (trx) => {
      for (const entry of resolved) {
        await trx
          .updateTable("suggestions")
          .set({
            status,
            inserted: entry.inserted,
            deleted: entry.deleted,
            resolved_by: input.userId,
            resolved_at: now,
            reason: input.reason?.trim() || null,
            partly: status === "accepted" && input.partly ? 1 : 0,
          })
          .where("plan_id", "=", planId)
          .where("id", "=", entry.id)
          .execute();
      }
    });
}

/** Open suggestions whose author took all of their marks out themself (their own undo). */
export async function recordWithdrawn(planId: string, suggestionIds: string[]): Promise<void> {
  if (suggestionIds.length === 0) return;
  await getDb()
    .updateTable("suggestions")
    .set({ status: "withdrawn", resolved_at: Date.now() })
    .where("plan_id", "=", planId)
    .where("id", "in", suggestionIds)
    .where("status", "=", "open")
    .execute();
}

/** Open rows (for the index: which of them left the document). */
export async function openSuggestionAuthors(planId: string): Promise<Map<string, number>> {
  const rows = await getDb()
    .selectFrom("suggestions")
    .select(["id", "author_id"])
    .where("plan_id", "=", planId)
    .where("status", "=", "open")
    .execute();
  return new Map(rows.map((row) => [row.id, row.author_id]));
}

/** Every suggestion the plan has held, with its author: the gate lets an undo bring back a mark
 * of one of them (server/collab/suggestion-gate.ts). */
export async function suggestionAuthors(planId: string): Promise<[string, number][]> {
  const rows = await getDb().selectFrom("suggestions").select(["id", "author_id"]).where("plan_id", "=", planId).execute();
  return rows.map((row) => [row.id, row.author_id]);
}

export async function getSuggestion(planId: string, suggestionId: string) {
  return getDb().selectFrom("suggestions").selectAll().where("plan_id", "=", planId).where("id", "=", suggestionId).executeTakeFirst();
}

/** The accounts of an organisation (to resolve every suggestion from it). */
export async function organisationUserIds(organisationId: number): Promise<number[]> {
  const rows = await getDb().selectFrom("users").select("id").where("organisation_id", "=", organisationId).execute();
  return rows.map((row) => row.id);
}

/** The API's status for a row: open ones without marks in the document are outdated. */
export function viewStatus(status: SuggestionStatus, isInDocument: boolean): SuggestionViewStatus | null {
  if (status === "withdrawn") return null;
  if (status === "open" && !isInDocument) return "outdated";
  return status;
}

/** Every suggestion of the plan but withdrawn ones (or just `onlyId`), oldest first. */
export async function listSuggestions(planId: string, inDocument: SuggestionInDocument[], onlyId?: string): Promise<SuggestionView[]> {
  const db = getDb();
  let query = db
    .selectFrom("suggestions")
    .selectAll()
    .where("plan_id", "=", planId)
    .where("status", "!=", "withdrawn")
    .orderBy("created_at")
    .orderBy("id");
  if (onlyId) query = query.where("id", "=", onlyId);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const replies = await db
    .selectFrom("suggestion_replies")
    .selectAll()
    .where("plan_id", "=", planId)
    .where(
      "suggestion_id",
      "in",
      rows.map((row) => row.id),
    )
    .orderBy("id")
    .execute();
  const personIds = new Set<number>([
    ...rows.map((row) => row.author_id),
    ...rows.flatMap((row) => (row.resolved_by === null ? [] : [row.resolved_by])),
    ...replies.map((reply) => reply.user_id),
  ]);
  const people = new Map(
    (
      await db
        .selectFrom("users")
        .innerJoin("organisations", "organisations.id", "users.organisation_id")
        .select(["users.id as id", "users.name as name", "organisations.short_name as organisation"])
        .where("users.id", "in", [...personIds])
        .execute()
    ).map((person) => [person.id, person]),
  );
  const person = (id: number) => people.get(id) ?? { id, name: "?", organisation: "" };
  const live = new Map(inDocument.map((entry) => [entry.id, entry]));
  return rows.map((row) => {
    const now = live.get(row.id);
    const author = person(row.author_id);
    return {
      id: row.id,
      sectionId: now?.sectionId ?? row.section_id,
      status: viewStatus(row.status, now !== undefined)!,
      inserted: row.status === "open" && now ? now.inserted : row.inserted,
      deleted: row.status === "open" && now ? now.deleted : row.deleted,
      author: { id: author.id, name: author.name, organisation: author.organisation },
      ...(row.word_author === null ? {} : { wordAuthor: row.word_author }),
      createdAt: new Date(Number(row.created_at)).toISOString(),
      ...(row.round_id === null ? {} : { roundId: row.round_id }),
      ...(row.resolved_by === null
        ? {}
        : { resolvedBy: { name: person(row.resolved_by).name, organisation: person(row.resolved_by).organisation } }),
      ...(row.resolved_at === null ? {} : { resolvedAt: new Date(Number(row.resolved_at)).toISOString() }),
      ...(row.reason === null ? {} : { reason: row.reason }),
      ...(row.partly ? { partly: true } : {}),
      replies: replies
        .filter((reply) => reply.suggestion_id === row.id)
        .map((reply) => ({
          id: reply.id,
          author: { name: person(reply.user_id).name, organisation: person(reply.user_id).organisation },
          body: reply.body,
          createdAt: new Date(Number(reply.created_at)).toISOString(),
        })),
    };
  });
}

export async function addSuggestionReply(planId: string, suggestionId: string, userId: number, body: string): Promise<number> {
  const { id } = await getDb()
    .insertInto("suggestion_replies")
    .values({ plan_id: planId, suggestion_id: suggestionId, user_id: userId, body, created_at: Date.now() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

export interface SuggestionResponseRow {
  suggestionId: string;
  sectionId: string;
  inserted: string;
  deleted: string;
  author: string;
  authorEmail: string;
  organisation: string;
  status: SuggestionStatus;
  partly: boolean;
  reason: string | null;
  replies: number;
  createdAt: number;
}

/** A round's suggestions, for its comment response matrix (withdrawn ones are not input). */
export async function roundSuggestions(planId: string, roundId: number): Promise<SuggestionResponseRow[]> {
  const db = getDb();
  const rows = await db
    .selectFrom("suggestions")
    .innerJoin("users", "users.id", "suggestions.author_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "suggestions.id as suggestionId",
      "suggestions.section_id as sectionId",
      "suggestions.inserted as inserted",
      "suggestions.deleted as deleted",
      "suggestions.word_author as wordAuthor",
      "users.name as author",
      "users.email as authorEmail",
      "organisations.short_name as organisation",
      "suggestions.status as status",
      "suggestions.partly as partly",
      "suggestions.reason as reason",
      "suggestions.created_at as createdAt",
    ])
    .where("suggestions.plan_id", "=", planId)
    .where("suggestions.round_id", "=", roundId)
    .where("suggestions.status", "!=", "withdrawn")
    .execute();
  if (rows.length === 0) return [];
  const replyCounts = await db
    .selectFrom("suggestion_replies")
    .select(["suggestion_id", (eb) => eb.fn.countAll<number>().as("count")])
    .where("plan_id", "=", planId)
    .where(
      "suggestion_id",
      "in",
      rows.map((row) => row.suggestionId),
    )
    .groupBy("suggestion_id")
    .execute();
  return rows.map(({ wordAuthor, ...row }) => ({
    ...row,
    author: wordAuthor ? `${row.author} (via Word: ${wordAuthor})` : row.author,
    partly: Boolean(row.partly),
    replies: Number(replyCounts.find((count) => count.suggestion_id === row.suggestionId)?.count ?? 0),
    createdAt: Number(row.createdAt),
  }));
}
