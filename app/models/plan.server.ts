import crypto from "node:crypto";
import type { JSONContent } from "@tiptap/core";
import { getDb } from "../../db";
import * as Y from "yjs";
import { planUpdateFromJSON, sectionOutline } from "../editor/document.server";
import { setSectionGuidance, syncSectionIndex } from "./section.server";
import { newSectionId } from "../editor/section";
import type { Role } from "./roles";

export interface PlanListItem {
  id: string;
  title: string;
  description: string;
  role: Role;
  lastEditedAt: number;
}

const PLAN_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

function newPlanId(): string {
  return Array.from(crypto.randomBytes(10), (byte) => PLAN_ID_ALPHABET[byte % PLAN_ID_ALPHABET.length]).join("");
}

/** A plain-looking id is all a plan id can be; anything else is not a plan. */
export function isPlanId(value: string): boolean {
  return /^[a-z0-9-]{1,64}$/.test(value);
}

/** An empty plan: one untitled section, ready to type into. */
export function blankPlanContent(title: string): JSONContent {
  return {
    type: "doc",
    content: [
      {
        type: "section",
        attrs: { id: newSectionId() },
        content: [{ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: title }] }, { type: "paragraph" }],
      },
    ],
  };
}

export async function createPlan(input: {
  title: string;
  description: string;
  ownerId: number;
  content?: JSONContent;
  /** Guidance for drafters, by section id. */
  guidance?: Record<string, string>;
  id?: string;
}): Promise<string> {
  const planId = input.id ?? newPlanId();
  const initialUpdate = planUpdateFromJSON(input.content ?? blankPlanContent(input.title));
  const now = Date.now();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("plans")
        .values({
          id: planId,
          title: input.title.trim(),
          description: input.description.trim(),
          created_by: input.ownerId,
          created_at: now,
          last_edited_at: now,
          // Its content is the server's own, and every later update is checked.
          content_checked_at: now,
        })
        .execute();
      await trx.insertInto("plan_members").values({ plan_id: planId, user_id: input.ownerId, role: "owner", added_at: now }).execute();
      // The first content is the server's own update: no client id is bound to a user.
      await trx.insertInto("plan_updates").values({ plan_id: planId, user_id: null, update: initialUpdate, created_at: now }).execute();
    });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, initialUpdate);
  await syncSectionIndex(planId, sectionOutline(doc));
  if (input.guidance) await setSectionGuidance(planId, input.guidance);
  return planId;
}

export async function addMember(planId: string, userId: number, role: Role): Promise<void> {
  await getDb()
    .insertInto("plan_members")
    .values({ plan_id: planId, user_id: userId, role, added_at: Date.now() })
    .onConflict((oc) => oc.columns(["plan_id", "user_id"]).doUpdateSet({ role }))
    .execute();
}

export async function getMemberRole(planId: string, userId: number): Promise<Role | undefined> {
  const row = await getDb()
    .selectFrom("plan_members")
    .select("role")
    .where("plan_id", "=", planId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.role;
}

export async function getPlanForMember(planId: string, userId: number) {
  return getDb()
    .selectFrom("plans")
    .innerJoin("plan_members", "plan_members.plan_id", "plans.id")
    .select([
      "plans.id as id",
      "plans.title as title",
      "plans.description as description",
      "plans.last_edited_at as lastEditedAt",
      "plan_members.role as role",
    ])
    .where("plans.id", "=", planId)
    .where("plan_members.user_id", "=", userId)
    .executeTakeFirst();
}

export async function listPlansForUser(userId: number): Promise<PlanListItem[]> {
  return getDb()
    .selectFrom("plans")
    .innerJoin("plan_members", "plan_members.plan_id", "plans.id")
    .select([
      "plans.id as id",
      "plans.title as title",
      "plans.description as description",
      "plan_members.role as role",
      "plans.last_edited_at as lastEditedAt",
    ])
    .where("plan_members.user_id", "=", userId)
    .orderBy("plans.last_edited_at", "desc")
    .execute();
}

export async function listMembers(planId: string) {
  return getDb()
    .selectFrom("plan_members")
    .innerJoin("users", "users.id", "plan_members.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "users.id as userId",
      "users.name as name",
      "users.email as email",
      "organisations.name as organisationName",
      "plan_members.role as role",
    ])
    .where("plan_members.plan_id", "=", planId)
    .orderBy("users.name")
    .execute();
}

export class MemberRuleError extends Error {
  constructor(readonly reason: "notAMember" | "lastOwner") {
    super(reason);
  }
}

/** Changes a member's role, or removes them (role null). A plan always keeps an owner. */
export async function setMemberRole(planId: string, userId: number, role: Role | null): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const current = await trx
        .selectFrom("plan_members")
        .select("role")
        .where("plan_id", "=", planId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (!current) throw new MemberRuleError("notAMember");
      if (current.role === "owner" && role !== "owner") {
        const owners = await trx
          .selectFrom("plan_members")
          .select((eb) => eb.fn.countAll<number>().as("count"))
          .where("plan_id", "=", planId)
          .where("role", "=", "owner")
          .executeTakeFirstOrThrow();
        if (Number(owners.count) <= 1) throw new MemberRuleError("lastOwner");
      }
      const member = trx.updateTable("plan_members").where("plan_id", "=", planId).where("user_id", "=", userId);
      if (role === null) {
        await trx.deleteFrom("plan_members").where("plan_id", "=", planId).where("user_id", "=", userId).execute();
      } else {
        await member.set({ role }).execute();
      }
    });
}
