// Security issue 20, item 8: any account could create a plan, open a consultation round
// inviting every organisation, and so make every account a commenter on it without a say:
// the plan appeared on their dashboards under the attacker's title, and the threads API
// listed every member's name and email. Now a round (or the members page) sends invitations
// that the invited accept or decline; until they accept they are not members anywhere, and
// only owners see members' email addresses. Through the real server.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { openRawSocket } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();
const ATTACKER = "outsider" as const;
const ATTACKER_NAME = "Alex Outsider";
const INVITED: DemoRole[] = ["owner", "editor", "commenter", "viewer"];
const EMAILS = [DEMO.owner, DEMO.editor, DEMO.commenter, DEMO.viewer, DEMO.outsider];

function get(role: DemoRole, path: string) {
  return fetch(`${demo.server.url}${path}`, { headers: { cookie: demo.cookies[role] }, redirect: "manual" });
}

function post(role: DemoRole, path: string, fields: [string, string][]) {
  return fetch(`${demo.server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { cookie: demo.cookies[role] },
    redirect: "manual",
  });
}

async function query<T>(read: (db: ReturnType<typeof openDatabase>) => Promise<T>): Promise<T> {
  const db = openDatabase(demo.server.databasePath);
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}

async function userId(email: string): Promise<number> {
  return query(async (db) => (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);
}

async function memberEmails(planId: string): Promise<string[]> {
  return query(async (db) =>
    (
      await db
        .selectFrom("plan_members")
        .innerJoin("users", "users.id", "plan_members.user_id")
        .select("users.email")
        .where("plan_members.plan_id", "=", planId)
        .orderBy("users.email")
        .execute()
    ).map((row) => row.email),
  );
}

/** The attacker's move: a new plan, and a round on it inviting every organisation there is. */
async function attackersPlan(title: string, roundName: string): Promise<string> {
  const created = await post(ATTACKER, "/plans?index", [
    ["title", title],
    ["template", "blank"],
  ]);
  expect(created.status).toBe(302);
  const planId = (created.headers.get("location") ?? "").split("/").pop()!;
  const form = await (await get(ATTACKER, `/plans/${planId}/rounds`)).text();
  const sectionIds = [...form.matchAll(/name="sectionIds" value="([^"]+)"/g)].map((match) => match[1]!);
  const organisationIds = [...form.matchAll(/name="organisationIds" value="(\d+)"/g)].map((match) => match[1]!);
  expect(sectionIds.length).toBeGreaterThan(0);
  expect(organisationIds.length).toBe(7);
  const deadline = new Date(Date.now() + 48 * 3600_000 + 7 * 3600_000).toISOString().slice(0, 16);
  const opened = await post(ATTACKER, `/plans/${planId}/rounds`, [
    ["intent", "open"],
    ["name", roundName],
    ["deadline", deadline],
    ...sectionIds.map((id): [string, string] => ["sectionIds", id]),
    ...organisationIds.map((id): [string, string] => ["organisationIds", id]),
  ]);
  expect(opened.status).toBe(302);
  return planId;
}

function socketOutcome(role: DemoRole, planId: string): Promise<number | undefined> {
  return openRawSocket(demo.server.wsUrl, planId, { cookie: demo.cookies[role] }).then(
    (socket) => (socket.close(), 101),
    (error: { status?: number }) => error.status,
  );
}

let planId = "";

describe("a round inviting every organisation", () => {
  it("makes nobody a member: every invited account sees an invitation on its dashboard, not the plan", async () => {
    planId = await attackersPlan("Official: re-confirm your account", "Everyone, please");
    expect(await memberEmails(planId)).toEqual([DEMO.outsider]);
    for (const role of INVITED) {
      const dashboard = await (await get(role, "/plans")).text();
      expect(dashboard, role).toContain(`data-invitation-plan="${planId}"`);
      expect(dashboard, role).not.toContain(`href="/plans/${planId}"`);
      expect(dashboard).toContain("Official: re-confirm your account");
      expect(dashboard).toContain(ATTACKER_NAME);
      expect(dashboard).toContain("Everyone, please");
      expect(dashboard).toContain("Accept");
      expect(dashboard).toContain("Decline");
    }
  });

  it("keeps the plan's page, rounds, threads API and socket closed to the invited until they accept", async () => {
    for (const role of INVITED) {
      expect((await get(role, `/plans/${planId}`)).status, role).toBe(404);
      expect((await get(role, `/plans/${planId}/rounds`)).status, role).toBe(404);
      expect((await get(role, `/api/plans/${planId}/threads`)).status, role).toBe(404);
      expect(await socketOutcome(role, planId), role).toBe(403);
    }
  });

  it("accepting makes the invited a commenter: the page, the threads API and the socket open", async () => {
    const accepted = await post("commenter", "/invitations", [
      ["intent", "accept"],
      ["planId", planId],
    ]);
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe(`/plans/${planId}`);
    expect(await memberEmails(planId)).toEqual([DEMO.outsider, DEMO.commenter].sort());
    const page = await get("commenter", `/plans/${planId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Can suggest and comment");
    expect((await get("commenter", `/api/plans/${planId}/threads`)).status).toBe(200);
    expect(await socketOutcome("commenter", planId)).toBe(101);
    const dashboard = await (await get("commenter", "/plans")).text();
    expect(dashboard).toContain(`href="/plans/${planId}"`);
    expect(dashboard).not.toContain(`data-invitation-plan="${planId}"`);
    // The others are still only invited.
    expect((await get("editor", `/plans/${planId}`)).status).toBe(404);
  });

  it("declining removes the invitation and the plan stays closed; the owner may invite again later", async () => {
    const declined = await post("viewer", "/invitations", [
      ["intent", "decline"],
      ["planId", planId],
    ]);
    expect(declined.status).toBe(302);
    const dashboard = await (await get("viewer", "/plans")).text();
    expect(dashboard).not.toContain(`data-invitation-plan="${planId}"`);
    expect((await get("viewer", `/plans/${planId}`)).status).toBe(404);
    expect(await socketOutcome("viewer", planId)).toBe(403);
    // Accepting a declined invitation does nothing.
    expect(
      (
        await post("viewer", "/invitations", [
          ["intent", "accept"],
          ["planId", planId],
        ])
      ).status,
    ).toBe(404);
    expect(await memberEmails(planId)).not.toContain(DEMO.viewer);

    // The owner asks again, by hand, from the members page: a new invitation, still not a membership.
    const again = await post(ATTACKER, `/plans/${planId}/members`, [
      ["intent", "invite"],
      ["email", DEMO.viewer],
      ["role", "viewer"],
    ]);
    expect(again.status).toBe(200);
    expect(await (await get("viewer", "/plans")).text()).toContain(`data-invitation-plan="${planId}"`);
    expect((await get("viewer", `/plans/${planId}`)).status).toBe(404);
  });

  it("an invited person declines every invitation from one inviter at once", async () => {
    const second = await attackersPlan("Second plan", "Round two");
    const dashboard = await (await get("editor", "/plans")).text();
    expect(dashboard).toContain(`data-invitation-plan="${planId}"`);
    expect(dashboard).toContain(`data-invitation-plan="${second}"`);
    const declined = await post("editor", "/invitations", [
      ["intent", "declineFrom"],
      ["inviterId", String(await userId(DEMO.outsider))],
    ]);
    expect(declined.status).toBe(302);
    const after = await (await get("editor", "/plans")).text();
    expect(after).not.toContain("data-invitation-plan=");
    expect(await memberEmails(second)).toEqual([DEMO.outsider]);
  });
});

describe("members' email addresses", () => {
  it("are not in the threads API or its mention list for members who are not owners", async () => {
    for (const [role, plan] of [
      ["commenter", planId],
      ["commenter", DEMO.planId],
      ["editor", DEMO.planId],
      ["viewer", DEMO.planId],
    ] as const) {
      const response = await get(role, `/api/plans/${plan}/threads`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const body = JSON.parse(text) as { members: { name: string; email?: string }[] };
      expect(body.members.length, `${role} on ${plan}`).toBeGreaterThan(1);
      for (const member of body.members) expect(member.email, `${role} on ${plan}`).toBeUndefined();
      for (const email of EMAILS) expect(text, `${role} on ${plan}`).not.toContain(email);
    }
    // The plan's owners do see them.
    const owners = (await (await get("owner", `/api/plans/${DEMO.planId}/threads`)).json()) as { members: { email?: string }[] };
    expect(owners.members.map((member) => member.email)).toContain(DEMO.commenter);
  });

  it("are not on the members page for members who are not owners", async () => {
    for (const role of ["editor", "commenter", "viewer"] as const) {
      const page = await (await get(role, `/plans/${DEMO.planId}/members`)).text();
      expect(page).toContain("Tendy Gunawan");
      const own = { editor: DEMO.editor, commenter: DEMO.commenter, viewer: DEMO.viewer }[role];
      for (const email of EMAILS.filter((email) => email !== own)) expect(page, role).not.toContain(email);
    }
    expect(await (await get("owner", `/plans/${DEMO.planId}/members`)).text()).toContain(DEMO.commenter);
  });

  it("are not needed to mention someone: a mention by name records the member", async () => {
    const created = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads`, {
      method: "POST",
      headers: { cookie: demo.cookies.commenter, "content-type": "application/json" },
      body: JSON.stringify({ body: "@Tendy Gunawan, could you look at this?", sectionId: "s-r193" }),
    });
    expect(created.status).toBe(201);
    const thread = (await created.json()) as { comments: { mentions: number[] }[] };
    expect(thread.comments[0]!.mentions).toEqual([await userId(DEMO.editor)]);
  });
});
