// Sign-off by several institutions (docs/workflow.md, "Sign-off"): an owner asks named members
// to approve a section or the whole plan by a date; each approves (the version of the text they
// approved is kept) or refuses with a reason; when all have approved, the section (or every
// section) is approved. An edit after answers were given withdraws them and asks again
// (`withdrawForEdit`, called by the collaboration server's sign-off watch).
import type { Transaction } from "kysely";
import { getDb } from "../../db";
import { lockForTransaction } from "../../db/locks";
import type { Database, SignOffEventKind } from "../../db/schema";
import type { NotificationData } from "./notification-kinds";
import { notify } from "./notification.server";
import { can, type Role, type SectionStatus } from "./roles";
import { notifyStatusMoves } from "./section-notifications.server";
import type { SignOffAskedOfYou, SignOffEventView, SignOffPerson, SignOffView } from "./sign-off-types";
import { isCalendarDate, jakartaToday } from "../utils/deadline";

export const MAX_APPROVERS = 20;
export const MAX_REASON = 2000;

export class SignOffRuleError extends Error {
  constructor(
    readonly reason:
      | "forbidden"
      | "notFound"
      | "sectionNotFound"
      | "notAMember"
      | "alreadyAsked"
      | "closed"
      | "notAsked"
      | "alreadyAnswered"
      | "reasonRequired"
      | "badDate",
  ) {
    super(reason);
  }
}

interface Actor {
  id: number;
  role: Role;
}

/** The sections a request covers now: its own, or every section of the plan. */
async function coveredSections(trx: Transaction<Database>, planId: string, sectionId: string | null) {
  let query = trx
    .selectFrom("plan_sections")
    .select(["section_id", "title", "status"])
    .where("plan_id", "=", planId)
    .where("removed_at", "is", null);
  if (sectionId !== null) query = query.where("section_id", "=", sectionId);
  return query.execute();
}

/** Moves sections to `to` and writes one activity row each (who, from, to), as the details form does. */
async function setStatus(
  trx: Transaction<Database>,
  planId: string,
  sections: { section_id: string; title: string; status: SectionStatus }[],
  to: SectionStatus,
  userId: number | null,
  now: number,
): Promise<StatusMove[]> {
  const moving = sections.filter((section) => section.status !== to);
  if (moving.length === 0) return [];
  await trx
    .updateTable("plan_sections")
    .set({ status: to, updated_at: now })
    .where("plan_id", "=", planId)
    .where(
      "section_id",
      "in",
      moving.map((section) => section.section_id),
    )
    .execute();
  await trx
    .insertInto("plan_activity")
    .values(
      moving.map((section) => ({
        plan_id: planId,
        user_id: userId,
        section_id: section.section_id,
        field: "status",
        from_value: section.status,
        to_value: to,
        created_at: now,
      })),
    )
    .execute();
  return moving.map((section) => ({ sectionId: section.section_id, title: section.title, from: section.status, to }));
}

async function addEvent(
  trx: Transaction<Database>,
  event: { requestId: number; planId: string; kind: SignOffEventKind; actorId: number | null } & Partial<{
    approverId: number;
    versionId: number | null;
    reason: string;
  }>,
  now: number,
): Promise<void> {
  await trx
    .insertInto("sign_off_events")
    .values({
      request_id: event.requestId,
      plan_id: event.planId,
      kind: event.kind,
      actor_id: event.actorId,
      approver_id: event.approverId ?? null,
      version_id: event.versionId ?? null,
      reason: event.reason ?? null,
      created_at: now,
    })
    .execute();
}

/** A section's status moved by a sign-off (asked, complete, withdrawn by an edit). */
type StatusMove = { sectionId: string; title: string; from: SectionStatus; to: SectionStatus };

/** What a notification about a request says (names as they are now). */
async function notificationData(
  planId: string,
  actorId: number | null,
  sectionTitle: string | null,
  event: NotificationData["signOff"]["event"],
  extra: { dueDate?: string; reason?: string | null } = {},
): Promise<NotificationData["signOff"]> {
  const db = getDb();
  const [plan, actor] = await Promise.all([
    db.selectFrom("plans").select("title").where("id", "=", planId).executeTakeFirst(),
    actorId === null ? undefined : db.selectFrom("users").select("name").where("id", "=", actorId).executeTakeFirst(),
  ]);
  return {
    actor: actor?.name ?? "",
    plan: plan?.title ?? "",
    event,
    section: sectionTitle,
    dueDate: extra.dueDate ?? null,
    reason: extra.reason ?? null,
  };
}

const signOffUrl = (planId: string, requestId: number) => `/plans/${planId}?signOff=${requestId}`;

/** An owner asks `approverIds` (members of the plan) to approve a section, or the whole plan
 * (sectionId null), by `dueDate`. Sections still in draft move to in review. */
export async function requestSignOff(
  planId: string,
  actor: Actor,
  input: { sectionId: string | null; approverIds: number[]; dueDate: string },
): Promise<number> {
  if (!can(actor.role, "plan.manage")) throw new SignOffRuleError("forbidden");
  if (!isCalendarDate(input.dueDate) || input.dueDate < jakartaToday()) throw new SignOffRuleError("badDate");
  const approverIds = [...new Set(input.approverIds)];
  const now = Date.now();
  const { requestId, sectionTitle, moves } = await getDb()
    .transaction()
    .execute(async (trx) => {
      await lockForTransaction(trx, "signOff", planId);
      const sections = await coveredSections(trx, planId, input.sectionId);
      if (input.sectionId !== null && sections.length === 0) throw new SignOffRuleError("sectionNotFound");
      const members = await trx
        .selectFrom("plan_members")
        .select("user_id")
        .where("plan_id", "=", planId)
        .where("user_id", "in", approverIds)
        .execute();
      if (members.length !== approverIds.length) throw new SignOffRuleError("notAMember");
      // One request at a time per section (and one for the whole plan) until it is cancelled.
      let active = trx
        .selectFrom("sign_off_requests")
        .select("id")
        .where("plan_id", "=", planId)
        .where("status", "in", ["open", "approved"]);
      active = input.sectionId === null ? active.where("section_id", "is", null) : active.where("section_id", "=", input.sectionId);
      if (await active.executeTakeFirst()) throw new SignOffRuleError("alreadyAsked");
      const { id } = await trx
        .insertInto("sign_off_requests")
        .values({
          plan_id: planId,
          section_id: input.sectionId,
          requested_by: actor.id,
          due_date: input.dueDate,
          created_at: now,
          closed_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("sign_off_approvers")
        .values(approverIds.map((userId) => ({ request_id: id, user_id: userId, answered_at: null, version_id: null, reason: null })))
        .execute();
      for (const approverId of approverIds)
        await addEvent(trx, { requestId: id, planId, kind: "asked", actorId: actor.id, approverId }, now);
      const moves = await setStatus(
        trx,
        planId,
        sections.filter((section) => section.status === "draft"),
        "in_review",
        actor.id,
        now,
      );
      return { requestId: id, sectionTitle: input.sectionId === null ? null : (sections[0]?.title ?? null), moves };
    });
  await notifyStatusMoves(planId, actor.id, moves);
  await notify({
    kind: "signOff",
    planId,
    actorId: actor.id,
    recipients: approverIds,
    data: await notificationData(planId, actor.id, sectionTitle, "requested", { dueDate: input.dueDate }),
    url: signOffUrl(planId, requestId),
  });
  return requestId;
}

/** The request if it is on the plan: its section and whether it is open. */
export async function findSignOff(planId: string, requestId: number) {
  return getDb()
    .selectFrom("sign_off_requests")
    .select(["id", "section_id as sectionId", "status", "requested_by as requestedBy"])
    .where("plan_id", "=", planId)
    .where("id", "=", requestId)
    .executeTakeFirst();
}

/** Where `userId` stands on a request: undefined when they are not asked. */
export async function answerOf(requestId: number, userId: number) {
  const row = await getDb()
    .selectFrom("sign_off_approvers")
    .select("state")
    .where("request_id", "=", requestId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.state;
}

/**
 * A person asked answers: approve (with the version of the text they approved) or refuse (with a
 * reason). Only the person asked, only while the request is open and they have not answered.
 * When the last one approves, the request and its sections are approved.
 */
export async function answerSignOff(
  planId: string,
  requestId: number,
  actor: Actor,
  input: { decision: "approve" | "refuse"; reason: string; versionId: number | null },
): Promise<{ complete: boolean }> {
  const reason = input.reason.trim();
  if (input.decision === "refuse" && !reason) throw new SignOffRuleError("reasonRequired");
  const now = Date.now();
  const outcome = await getDb()
    .transaction()
    .execute(async (trx) => {
      await lockForTransaction(trx, "signOff", planId);
      const request = await trx
        .selectFrom("sign_off_requests")
        .selectAll()
        .where("plan_id", "=", planId)
        .where("id", "=", requestId)
        .executeTakeFirst();
      if (!request) throw new SignOffRuleError("notFound");
      const approvers = await trx.selectFrom("sign_off_approvers").selectAll().where("request_id", "=", requestId).execute();
      const mine = approvers.find((approver) => approver.user_id === actor.id);
      if (!mine) throw new SignOffRuleError("notAsked");
      if (request.status !== "open") throw new SignOffRuleError("closed");
      if (mine.state !== "waiting") throw new SignOffRuleError("alreadyAnswered");
      const approving = input.decision === "approve";
      await trx
        .updateTable("sign_off_approvers")
        .set({
          state: approving ? "approved" : "refused",
          answered_at: now,
          version_id: approving ? input.versionId : null,
          reason: approving ? null : reason,
        })
        .where("request_id", "=", requestId)
        .where("user_id", "=", actor.id)
        .execute();
      await addEvent(
        trx,
        approving
          ? { requestId, planId, kind: "approved", actorId: actor.id, versionId: input.versionId }
          : { requestId, planId, kind: "refused", actorId: actor.id, reason },
        now,
      );
      const sections = await coveredSections(trx, planId, request.section_id);
      const complete = approving && approvers.every((approver) => approver.user_id === actor.id || approver.state === "approved");
      let moves: StatusMove[] = [];
      if (complete) {
        await trx.updateTable("sign_off_requests").set({ status: "approved", closed_at: now }).where("id", "=", requestId).execute();
        await addEvent(trx, { requestId, planId, kind: "complete", actorId: actor.id }, now);
        moves = await setStatus(trx, planId, sections, "approved", actor.id, now);
      }
      return {
        complete,
        moves,
        requestedBy: request.requested_by,
        approverIds: approvers.map((approver) => approver.user_id),
        sectionTitle: request.section_id === null ? null : (sections[0]?.title ?? null),
      };
    });
  await notifyStatusMoves(planId, actor.id, outcome.moves);
  const url = signOffUrl(planId, requestId);
  const requester = outcome.requestedBy === null ? [] : [outcome.requestedBy];
  await notify({
    kind: "signOff",
    planId,
    actorId: actor.id,
    recipients: requester,
    data: await notificationData(planId, actor.id, outcome.sectionTitle, input.decision === "approve" ? "approved" : "refused", {
      reason: input.decision === "refuse" ? reason : null,
    }),
    url,
  });
  if (outcome.complete) {
    // Told to everyone asked and the requester, the last approver too (the server's news, not theirs).
    await notify({
      kind: "signOff",
      planId,
      actorId: null,
      recipients: [...outcome.approverIds, ...requester],
      data: await notificationData(planId, null, outcome.sectionTitle, "complete"),
      url,
    });
  }
  return { complete: outcome.complete };
}

/** An owner cancels a request (open or approved); the sections keep their status. */
export async function cancelSignOff(planId: string, requestId: number, actor: Actor): Promise<void> {
  if (!can(actor.role, "plan.manage")) throw new SignOffRuleError("forbidden");
  const now = Date.now();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await lockForTransaction(trx, "signOff", planId);
      const request = await trx
        .selectFrom("sign_off_requests")
        .select(["id", "status"])
        .where("plan_id", "=", planId)
        .where("id", "=", requestId)
        .executeTakeFirst();
      if (!request) throw new SignOffRuleError("notFound");
      if (request.status === "cancelled") throw new SignOffRuleError("closed");
      await trx.updateTable("sign_off_requests").set({ status: "cancelled", closed_at: now }).where("id", "=", requestId).execute();
      await addEvent(trx, { requestId, planId, kind: "cancelled", actorId: actor.id }, now);
    });
}

/** What an edit can withdraw on a plan: sections of requests with answers given, and whether a
 * whole-plan request has any. The collaboration server reads it when a plan opens and after
 * every change to sign-offs; an edit elsewhere costs nothing. */
export async function signOffWatchList(planId: string): Promise<{ wholePlan: boolean; sectionIds: Set<string> }> {
  const rows = await getDb()
    .selectFrom("sign_off_requests")
    .select("section_id")
    .where("plan_id", "=", planId)
    .where((eb) =>
      eb.or([
        eb("status", "=", "approved"),
        eb.and([
          eb("status", "=", "open"),
          eb.exists(
            eb
              .selectFrom("sign_off_approvers")
              .select("user_id")
              .whereRef("sign_off_approvers.request_id", "=", "sign_off_requests.id")
              .where("sign_off_approvers.state", "!=", "waiting"),
          ),
        ]),
      ]),
    )
    .execute();
  return {
    wholePlan: rows.some((row) => row.section_id === null),
    sectionIds: new Set(rows.flatMap((row) => (row.section_id === null ? [] : [row.section_id]))),
  };
}

/**
 * `editorId` changed the text of `sectionIds` (or the plan's structure: `structural`): every
 * request on them with answers given is open again, every answer back to waiting, approved
 * sections the edit touched back to in review, and the people asked are told. Returns how many
 * requests it withdrew.
 */
export async function withdrawForEdit(
  planId: string,
  editorId: number | null,
  change: { sectionIds: Set<string>; structural: boolean },
): Promise<number> {
  const now = Date.now();
  const withdrawn = await getDb()
    .transaction()
    .execute(async (trx) => {
      await lockForTransaction(trx, "signOff", planId);
      const requests = await trx
        .selectFrom("sign_off_requests")
        .select(["id", "section_id", "status"])
        .where("plan_id", "=", planId)
        .where("status", "in", ["open", "approved"])
        .execute();
      const touched = requests.filter((request) =>
        request.section_id === null ? change.structural || change.sectionIds.size > 0 : change.sectionIds.has(request.section_id),
      );
      const result: { requestId: number; sectionTitle: string | null; approverIds: number[]; moves: StatusMove[] }[] = [];
      for (const request of touched) {
        const approvers = await trx
          .selectFrom("sign_off_approvers")
          .select(["user_id", "state"])
          .where("request_id", "=", request.id)
          .execute();
        if (request.status === "open" && approvers.every((approver) => approver.state === "waiting")) continue;
        await trx
          .updateTable("sign_off_approvers")
          .set({ state: "waiting", answered_at: null, version_id: null, reason: null })
          .where("request_id", "=", request.id)
          .execute();
        await trx.updateTable("sign_off_requests").set({ status: "open", closed_at: null }).where("id", "=", request.id).execute();
        await addEvent(trx, { requestId: request.id, planId, kind: "withdrawn", actorId: editorId }, now);
        const sections = await coveredSections(trx, planId, request.section_id);
        // Only the sections whose text changed lose their approval; the others' text is as approved.
        const changed = sections.filter((section) => section.status === "approved" && change.sectionIds.has(section.section_id));
        const moves = await setStatus(trx, planId, changed, "in_review", editorId, now);
        result.push({
          moves,
          requestId: request.id,
          sectionTitle: request.section_id === null ? null : (sections[0]?.title ?? null),
          approverIds: approvers.map((approver) => approver.user_id),
        });
      }
      return result;
    });
  for (const request of withdrawn) {
    await notifyStatusMoves(planId, editorId, request.moves);
    await notify({
      kind: "signOff",
      planId,
      actorId: editorId,
      recipients: request.approverIds,
      data: await notificationData(planId, editorId, request.sectionTitle, "withdrawn"),
      url: signOffUrl(planId, request.requestId),
    });
  }
  return withdrawn.length;
}

async function peopleById(ids: (number | null)[]): Promise<Map<number, SignOffPerson>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await getDb()
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select(["users.id as id", "users.name as name", "organisations.short_name as organisation"])
    .where("users.id", "in", wanted)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The plan's requests that are not cancelled, newest first, as `viewer` sees them. */
export async function listSignOffs(planId: string, viewer: Actor): Promise<SignOffView[]> {
  const db = getDb();
  const requests = await db
    .selectFrom("sign_off_requests")
    .leftJoin("plan_sections", (join) =>
      join
        .onRef("plan_sections.plan_id", "=", "sign_off_requests.plan_id")
        .onRef("plan_sections.section_id", "=", "sign_off_requests.section_id"),
    )
    .select([
      "sign_off_requests.id as id",
      "sign_off_requests.section_id as sectionId",
      "plan_sections.title as sectionTitle",
      "sign_off_requests.status as status",
      "sign_off_requests.due_date as dueDate",
      "sign_off_requests.created_at as createdAt",
      "sign_off_requests.requested_by as requestedBy",
    ])
    .where("sign_off_requests.plan_id", "=", planId)
    .where("sign_off_requests.status", "!=", "cancelled")
    .orderBy("sign_off_requests.id", "desc")
    .execute();
  if (requests.length === 0) return [];
  const approvers = await db
    .selectFrom("sign_off_approvers")
    .selectAll()
    .where(
      "request_id",
      "in",
      requests.map((request) => request.id),
    )
    .orderBy("user_id")
    .execute();
  const people = await peopleById([...requests.map((request) => request.requestedBy), ...approvers.map((approver) => approver.user_id)]);
  const isOwner = can(viewer.role, "plan.manage");
  return requests.map((request) => {
    const asked = approvers.filter((approver) => approver.request_id === request.id);
    return {
      id: request.id,
      sectionId: request.sectionId,
      sectionTitle: request.sectionTitle,
      status: request.status,
      dueDate: request.dueDate,
      createdAt: Number(request.createdAt),
      requestedBy: request.requestedBy === null ? null : (people.get(request.requestedBy) ?? null),
      approvers: asked.map((approver) => ({
        ...(people.get(approver.user_id) ?? { id: approver.user_id, name: "", organisation: "" }),
        state: approver.state,
        answeredAt: approver.answered_at === null ? null : Number(approver.answered_at),
        versionId: approver.version_id,
        reason: approver.reason,
      })),
      canAnswer: request.status === "open" && asked.some((approver) => approver.user_id === viewer.id && approver.state === "waiting"),
      canCancel: isOwner,
    };
  });
}

/** Every sign-off event on the plan, newest first (the history page). */
export async function signOffHistory(planId: string, limit = 200): Promise<SignOffEventView[]> {
  const rows = await getDb()
    .selectFrom("sign_off_events")
    .innerJoin("sign_off_requests", "sign_off_requests.id", "sign_off_events.request_id")
    .leftJoin("plan_sections", (join) =>
      join
        .onRef("plan_sections.plan_id", "=", "sign_off_requests.plan_id")
        .onRef("plan_sections.section_id", "=", "sign_off_requests.section_id"),
    )
    .select([
      "sign_off_events.id as id",
      "sign_off_events.request_id as requestId",
      "sign_off_events.kind as kind",
      "sign_off_requests.section_id as sectionId",
      "plan_sections.title as sectionTitle",
      "sign_off_events.actor_id as actorId",
      "sign_off_events.approver_id as approverId",
      "sign_off_events.version_id as versionId",
      "sign_off_events.reason as reason",
      "sign_off_events.created_at as createdAt",
    ])
    .where("sign_off_events.plan_id", "=", planId)
    .orderBy("sign_off_events.id", "desc")
    .limit(limit)
    .execute();
  const people = await peopleById(rows.flatMap((row) => [row.actorId, row.approverId]));
  return rows.map((row) => ({
    id: row.id,
    requestId: row.requestId,
    kind: row.kind,
    sectionId: row.sectionId,
    sectionTitle: row.sectionTitle,
    actor: row.actorId === null ? null : (people.get(row.actorId) ?? null),
    approver: row.approverId === null ? null : (people.get(row.approverId) ?? null),
    versionId: row.versionId,
    reason: row.reason,
    createdAt: Number(row.createdAt),
  }));
}

/** The sign-offs waiting for `userId`'s answer, on plans they are still on, soonest due first. */
export async function signOffsAskedOf(userId: number): Promise<SignOffAskedOfYou[]> {
  const rows = await getDb()
    .selectFrom("sign_off_approvers")
    .innerJoin("sign_off_requests", "sign_off_requests.id", "sign_off_approvers.request_id")
    .innerJoin("plans", "plans.id", "sign_off_requests.plan_id")
    .innerJoin("plan_members", (join) =>
      join.onRef("plan_members.plan_id", "=", "sign_off_requests.plan_id").on("plan_members.user_id", "=", userId),
    )
    .leftJoin("plan_sections", (join) =>
      join
        .onRef("plan_sections.plan_id", "=", "sign_off_requests.plan_id")
        .onRef("plan_sections.section_id", "=", "sign_off_requests.section_id"),
    )
    .leftJoin("users", "users.id", "sign_off_requests.requested_by")
    .select([
      "sign_off_requests.id as id",
      "plans.id as planId",
      "plans.title as planTitle",
      "sign_off_requests.section_id as sectionId",
      "plan_sections.title as sectionTitle",
      "sign_off_requests.due_date as dueDate",
      "users.name as requestedBy",
    ])
    .where("sign_off_approvers.user_id", "=", userId)
    .where("sign_off_approvers.state", "=", "waiting")
    .where("sign_off_requests.status", "=", "open")
    .orderBy("sign_off_requests.due_date")
    .orderBy("sign_off_requests.id")
    .execute();
  return rows;
}
