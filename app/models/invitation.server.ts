// Invitations to a plan: a consultation round or an owner offers someone a role, and only the
// person's own "Accept" makes them a member (security issue 20: nobody is made a member of a
// plan, or shown it among their plans, without a say). An invitation counts while it is pending,
// its inviter is still an owner of the plan, its round (if any) is still open, and it offers
// more than the person already has.
import type { Transaction } from "kysely";
import { getDb } from "../../db";
import type { Database, InvitationStatus } from "../../db/schema";
import { can, roleAtLeast, type Role } from "./roles";

export interface PendingInvitation {
  id: number;
  planId: string;
  planTitle: string;
  role: Role;
  inviter: { id: number; name: string; organisation: string };
  round: { id: number; name: string; deadline: number } | null;
  createdAt: number;
}

export interface RoundInvitation {
  userId: number;
  name: string;
  organisation: string;
  status: InvitationStatus;
}

export interface OpenDirectInvitation {
  id: number;
  userId: number;
  name: string;
  email: string;
  organisation: string;
  role: Role;
}

export class InvitationRuleError extends Error {
  constructor(readonly reason: "noSuchAccount" | "alreadyMember" | "alreadyInvited" | "roleTooHigh") {
    super(reason);
  }
}

/** The most a dashboard lists; someone invited to more plans declines them by inviter. */
export const MAX_LISTED_INVITATIONS = 200;

/** What an inviter with this role may offer: only owners invite, and never above their own role. */
export function mayOffer(inviterRole: Role | undefined, role: Role): boolean {
  return inviterRole !== undefined && can(inviterRole, "plan.manage") && roleAtLeast(inviterRole, role);
}

type Reader = Transaction<Database> | ReturnType<typeof getDb>;

/** Pending invitations that still count (see the file's first comment), newest first. */
async function countingInvitations(
  db: Reader,
  where: { userId: number; planId?: string; invitedBy?: number },
  now = Date.now(),
): Promise<PendingInvitation[]> {
  let query = db
    .selectFrom("plan_invitations as invitation")
    .innerJoin("plans", "plans.id", "invitation.plan_id")
    .innerJoin("users as inviter", "inviter.id", "invitation.invited_by")
    .innerJoin("organisations", "organisations.id", "inviter.organisation_id")
    // The inviter must still be able to grant it: an owner of the plan now.
    .innerJoin("plan_members as inviter_membership", (join) =>
      join
        .onRef("inviter_membership.plan_id", "=", "invitation.plan_id")
        .onRef("inviter_membership.user_id", "=", "invitation.invited_by")
        .on("inviter_membership.role", "=", "owner"),
    )
    .leftJoin("consultation_rounds as round", "round.id", "invitation.round_id")
    .leftJoin("plan_members as membership", (join) =>
      join.onRef("membership.plan_id", "=", "invitation.plan_id").onRef("membership.user_id", "=", "invitation.user_id"),
    )
    .select([
      "invitation.id as id",
      "invitation.plan_id as planId",
      "plans.title as planTitle",
      "invitation.role as role",
      "invitation.invited_by as inviterId",
      "inviter.name as inviterName",
      "organisations.short_name as inviterOrganisation",
      "round.id as roundId",
      "round.name as roundName",
      "round.deadline as roundDeadline",
      "invitation.created_at as createdAt",
      "membership.role as memberRole",
    ])
    .where("invitation.user_id", "=", where.userId)
    .where("invitation.status", "=", "pending")
    .where((eb) =>
      eb.or([eb("invitation.round_id", "is", null), eb.and([eb("round.closed_at", "is", null), eb("round.deadline", ">", now)])]),
    )
    .orderBy("invitation.created_at", "desc")
    .orderBy("invitation.id", "desc")
    .limit(MAX_LISTED_INVITATIONS);
  if (where.planId !== undefined) query = query.where("invitation.plan_id", "=", where.planId);
  if (where.invitedBy !== undefined) query = query.where("invitation.invited_by", "=", where.invitedBy);
  const rows = await query.execute();
  return rows
    .filter((row) => !row.memberRole || !roleAtLeast(row.memberRole, row.role))
    .map((row) => ({
      id: row.id,
      planId: row.planId,
      planTitle: row.planTitle,
      role: row.role,
      inviter: { id: row.inviterId, name: row.inviterName, organisation: row.inviterOrganisation },
      round:
        row.roundId === null || row.roundName === null || row.roundDeadline === null
          ? null
          : { id: row.roundId, name: row.roundName, deadline: Number(row.roundDeadline) },
      createdAt: Number(row.createdAt),
    }));
}

/** A person's invitations, for their dashboard. */
export function listPendingInvitations(userId: number): Promise<PendingInvitation[]> {
  return countingInvitations(getDb(), { userId });
}

/**
 * Invites the members of these organisations to comment, for a round just opened (inside its
 * transaction). One INSERT … SELECT, however many accounts: people who have no role on the plan,
 * or only "viewer", get an invitation; nobody's membership changes. Returns how many were invited.
 */
export async function inviteOrganisationsToRound(
  trx: Transaction<Database>,
  input: { planId: string; roundId: number; organisationIds: number[]; invitedBy: number },
): Promise<number> {
  if (input.organisationIds.length === 0) return 0;
  const now = Date.now();
  const result = await trx
    .insertInto("plan_invitations")
    .columns(["plan_id", "user_id", "role", "invited_by", "round_id", "status", "created_at"])
    .expression((eb) =>
      eb
        .selectFrom("users")
        .leftJoin("plan_members", (join) =>
          join.onRef("plan_members.user_id", "=", "users.id").on("plan_members.plan_id", "=", input.planId),
        )
        .select([
          eb.cast<string>(eb.val(input.planId), "text").as("plan_id"),
          "users.id as user_id",
          eb.cast<Role>(eb.val("commenter"), "text").as("role"),
          eb.cast<number>(eb.val(input.invitedBy), "integer").as("invited_by"),
          eb.cast<number>(eb.val(input.roundId), "integer").as("round_id"),
          eb.cast<InvitationStatus>(eb.val("pending"), "text").as("status"),
          eb.cast<number>(eb.val(now), "bigint").as("created_at"),
        ])
        .where("users.organisation_id", "in", input.organisationIds)
        .where("users.id", "!=", input.invitedBy)
        .where((where) => where.or([where("plan_members.role", "is", null), where("plan_members.role", "=", "viewer")])),
    )
    // Whoever this round asked before, whatever they answered, is not asked again.
    .onConflict((oc) => oc.columns(["round_id", "user_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** An owner invites an existing account from the members page. Returns the account's id. */
export async function inviteToPlan(input: { planId: string; invitedBy: number; email: string; role: Role }): Promise<number> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const user = await trx.selectFrom("users").select("id").where("email", "=", input.email.trim().toLowerCase()).executeTakeFirst();
      if (!user) throw new InvitationRuleError("noSuchAccount");
      const roles = await trx
        .selectFrom("plan_members")
        .select(["user_id", "role"])
        .where("plan_id", "=", input.planId)
        .where("user_id", "in", [user.id, input.invitedBy])
        .execute();
      if (!mayOffer(roles.find((row) => row.user_id === input.invitedBy)?.role, input.role)) throw new InvitationRuleError("roleTooHigh");
      if (roles.some((row) => row.user_id === user.id)) throw new InvitationRuleError("alreadyMember");
      const open = await trx
        .selectFrom("plan_invitations")
        .select("id")
        .where("plan_id", "=", input.planId)
        .where("user_id", "=", user.id)
        .where("round_id", "is", null)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (open) throw new InvitationRuleError("alreadyInvited");
      await trx
        .insertInto("plan_invitations")
        .values({
          plan_id: input.planId,
          user_id: user.id,
          role: input.role,
          invited_by: input.invitedBy,
          round_id: null,
          created_at: Date.now(),
          answered_at: null,
        })
        .execute();
      return user.id;
    });
}

/**
 * The person accepts their invitations to a plan: they become a member with the highest role
 * offered (never lowering a role they have). Returns that role, or null when nothing counted.
 */
export async function acceptInvitations(userId: number, planId: string): Promise<Role | null> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const invitations = await countingInvitations(trx, { userId, planId });
      if (invitations.length === 0) return null;
      const offered = invitations.map((invitation) => invitation.role).reduce((a, b) => (roleAtLeast(a, b) ? a : b));
      const now = Date.now();
      await trx
        .insertInto("plan_members")
        .values({ plan_id: planId, user_id: userId, role: offered, added_at: now })
        // countingInvitations left out anything not above the current role.
        .onConflict((oc) => oc.columns(["plan_id", "user_id"]).doUpdateSet({ role: offered }))
        .execute();
      await trx
        .updateTable("plan_invitations")
        .set({ status: "accepted", answered_at: now })
        .where(
          "id",
          "in",
          invitations.map((invitation) => invitation.id),
        )
        .execute();
      return offered;
    });
}

/** The person declines every pending invitation to a plan, or every one from an inviter.
 * Returns how many. A declined round invitation stays recorded, so that round never asks again. */
export async function declineInvitations(userId: number, which: { planId: string } | { invitedBy: number }): Promise<number> {
  let update = getDb()
    .updateTable("plan_invitations")
    .set({ status: "declined", answered_at: Date.now() })
    .where("user_id", "=", userId)
    .where("status", "=", "pending");
  update = "planId" in which ? update.where("plan_id", "=", which.planId) : update.where("invited_by", "=", which.invitedBy);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Who a round invited and what they answered, for the plan's owners. */
export async function listRoundInvitations(roundId: number): Promise<RoundInvitation[]> {
  return getDb()
    .selectFrom("plan_invitations")
    .innerJoin("users", "users.id", "plan_invitations.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select(["users.id as userId", "users.name as name", "organisations.short_name as organisation", "plan_invitations.status as status"])
    .where("plan_invitations.round_id", "=", roundId)
    .orderBy("organisations.short_name")
    .orderBy("users.name")
    .execute();
}

/** How many each round's invitations stand at, by round id. */
export async function countRoundInvitations(roundIds: number[]): Promise<Map<number, Record<InvitationStatus, number>>> {
  const counts = new Map<number, Record<InvitationStatus, number>>();
  if (roundIds.length === 0) return counts;
  const rows = await getDb()
    .selectFrom("plan_invitations")
    .select((eb) => ["round_id", "status", eb.fn.countAll<number>().as("count")])
    .where("round_id", "in", roundIds)
    .groupBy(["round_id", "status"])
    .execute();
  for (const row of rows) {
    if (row.round_id === null) continue;
    const round = counts.get(row.round_id) ?? { pending: 0, accepted: 0, declined: 0 };
    round[row.status] = Number(row.count);
    counts.set(row.round_id, round);
  }
  return counts;
}

/** The members page's open invitations (from that page; rounds list theirs on their pages). */
export async function listOpenDirectInvitations(planId: string): Promise<OpenDirectInvitation[]> {
  return getDb()
    .selectFrom("plan_invitations")
    .innerJoin("users", "users.id", "plan_invitations.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "plan_invitations.id as id",
      "users.id as userId",
      "users.name as name",
      "users.email as email",
      "organisations.short_name as organisation",
      "plan_invitations.role as role",
    ])
    .where("plan_invitations.plan_id", "=", planId)
    .where("plan_invitations.round_id", "is", null)
    .where("plan_invitations.status", "=", "pending")
    .orderBy("users.name")
    .execute();
}

/** An owner takes back an open invitation from the members page. Returns whether there was one. */
export async function withdrawInvitation(planId: string, invitationId: number): Promise<boolean> {
  const result = await getDb()
    .deleteFrom("plan_invitations")
    .where("id", "=", invitationId)
    .where("plan_id", "=", planId)
    .where("round_id", "is", null)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
