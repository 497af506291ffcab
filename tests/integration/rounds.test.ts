// Consultation rounds through the real server: only owners open and close them, opening one
// invites the chosen organisations' members to comment (they become commenters only when they
// accept), and the response matrix (page and CSV) lists the round's threads.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();
const ROUND_NAME = "Partner review of chapters 1 and 2";
const SECTIONS = [
  { id: "s-concept", title: "1. The SSE concept and Indonesian practice" },
  { id: "s-r193", title: "2. Alignment with ILO Recommendation No. 193" },
];
const FORMULA_BODY = `=SUM(A1:A2) "quoted", with commas`;

/** A deadline as a datetime-local value in Jakarta time (UTC+7), `hours` from now. */
function wibInput(hours: number): string {
  return new Date(Date.now() + hours * 3600_000 + 7 * 3600_000).toISOString().slice(0, 16);
}

/** Reads the server's database (SQLite allows a reader beside the running server). */
async function query<T>(read: (db: ReturnType<typeof openDatabase>) => Promise<T>): Promise<T> {
  const db = openDatabase(demo.server.databasePath);
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}

async function organisationId(shortName: string): Promise<number> {
  return query(
    async (db) => (await db.selectFrom("organisations").select("id").where("short_name", "=", shortName).executeTakeFirstOrThrow()).id,
  );
}

async function roleOf(email: string): Promise<string | undefined> {
  return query(
    async (db) =>
      (
        await db
          .selectFrom("plan_members")
          .innerJoin("users", "users.id", "plan_members.user_id")
          .select("plan_members.role")
          .where("plan_members.plan_id", "=", DEMO.planId)
          .where("users.email", "=", email)
          .executeTakeFirst()
      )?.role,
  );
}

function postRounds(role: DemoRole, fields: [string, string][], planId: string = DEMO.planId) {
  return fetch(`${demo.server.url}/plans/${planId}/rounds`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { cookie: demo.cookies[role] },
    redirect: "manual",
  });
}

function get(role: DemoRole, path: string) {
  return fetch(`${demo.server.url}${path}`, { headers: { cookie: demo.cookies[role] }, redirect: "manual" });
}

function api(role: DemoRole, path: string, body: unknown) {
  return fetch(`${demo.server.url}/api/plans/${DEMO.planId}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { cookie: demo.cookies[role], "Content-Type": "application/json" },
  });
}

function openForm(name: string, deadline: string, sectionIds: string[], organisationIds: number[]): [string, string][] {
  return [
    ["intent", "open"],
    ["name", name],
    ["deadline", deadline],
    ...sectionIds.map((id): [string, string] => ["sectionIds", id]),
    ...organisationIds.map((id): [string, string] => ["organisationIds", String(id)]),
  ];
}

let roundId = 0;
let threadId = "";

describe("opening a round", () => {
  it("is refused to editors, commenters and viewers, and hidden from non-members", async () => {
    const form = openForm("Not theirs", wibInput(24), [SECTIONS[0]!.id], [await organisationId("ILO")]);
    for (const role of ["editor", "commenter", "viewer"] as const) {
      expect((await postRounds(role, form)).status).toBe(403);
      expect(
        (
          await postRounds(role, [
            ["intent", "close"],
            ["roundId", "1"],
          ])
        ).status,
      ).toBe(403);
    }
    expect((await postRounds("outsider", form)).status).toBe(404);
    expect(await query((db) => db.selectFrom("consultation_rounds").selectAll().execute())).toEqual([]);
  });

  it("shows each field's error beside it when the form is incomplete", async () => {
    const response = await postRounds("owner", openForm(" ", wibInput(-1), [], []));
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain("Give the round a name.");
    expect(page).toContain("The deadline must be in the future.");
    expect(page).toContain("Choose at least one section.");
    expect(page).toContain("Choose at least one organisation.");

    const badDate = await postRounds("owner", openForm("Round", "2026-02-30T10:00", [SECTIONS[0]!.id], [await organisationId("ILO")]));
    expect(badDate.status).toBe(422);
    expect(await badDate.text()).toContain("Enter the date and time of the deadline.");

    const goneSection = await postRounds("owner", openForm("Round", wibInput(24), ["s-nowhere"], [await organisationId("ILO")]));
    expect(goneSection.status).toBe(422);
    expect(await goneSection.text()).toContain("A section you chose is no longer in the plan.");
    expect(await query((db) => db.selectFrom("consultation_rounds").selectAll().execute())).toEqual([]);
  });

  it("invites the organisations' members who cannot comment yet, and changes nobody's role", async () => {
    expect(await roleOf(DEMO.outsider)).toBeUndefined();
    expect(await roleOf(DEMO.editor)).toBe("editor");
    const invited = [await organisationId("British Council"), await organisationId("ILO")];
    const response = await postRounds(
      "owner",
      openForm(
        ROUND_NAME,
        wibInput(48),
        SECTIONS.map((s) => s.id),
        invited,
      ),
    );
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^/plans/${DEMO.planId}/rounds/\\d+$`));
    roundId = Number(location.split("/").pop());

    expect(await roleOf(DEMO.outsider)).toBeUndefined();
    expect(await roleOf(DEMO.editor)).toBe("editor");
    expect(await roleOf(DEMO.viewer)).toBe("viewer"); // KemenkopUKM was not invited
    expect((await get("outsider", `/plans/${DEMO.planId}`)).status).toBe(404);
    // The outsider (British Council) is asked; the editor (ILO) can comment already and is not.
    expect(await (await get("outsider", "/plans")).text()).toContain(`data-invitation-plan="${DEMO.planId}"`);
    expect(await (await get("editor", "/plans")).text()).not.toContain("data-invitation-plan=");
    const owners = await (await get("owner", `/plans/${DEMO.planId}/rounds/${roundId}`)).text();
    expect(owners).toContain("Who was invited");
    expect(owners).toContain('data-invitation-status="pending"');
    expect(owners).toContain("Alex Outsider");
  });

  it("makes the invited a commenter when they accept, and the round's owners see the answer", async () => {
    const accepted = await fetch(`${demo.server.url}/invitations`, {
      method: "POST",
      body: new URLSearchParams({ intent: "accept", planId: DEMO.planId }),
      headers: { cookie: demo.cookies.outsider },
      redirect: "manual",
    });
    expect(accepted.status).toBe(302);
    expect(await roleOf(DEMO.outsider)).toBe("commenter");
    const planPage = await get("outsider", `/plans/${DEMO.planId}`);
    expect(planPage.status).toBe(200);
    expect(await planPage.text()).toContain("Can suggest and comment");
    const owners = await (await get("owner", `/plans/${DEMO.planId}/rounds/${roundId}`)).text();
    expect(owners).toContain('data-invitation-status="accepted"');
    expect(await (await get("owner", `/plans/${DEMO.planId}/rounds`)).text()).toContain(
      "Invitations: 1 accepted, 0 declined, 0 awaiting an answer",
    );
    // Who was asked and how they answered is the owners' to see.
    expect(await (await get("editor", `/plans/${DEMO.planId}/rounds/${roundId}`)).text()).not.toContain("Who was invited");
    expect(await (await get("editor", `/plans/${DEMO.planId}/rounds`)).text()).not.toContain("Invitations:");
  });

  it("lists the round for every member, with its sections, organisations and deadline", async () => {
    const page = await (await get("viewer", `/plans/${DEMO.planId}/rounds`)).text();
    expect(page).toContain(ROUND_NAME);
    expect(page).toMatch(/>Open<\/span><div class="muted">until [^<]*WIB/);
    // The round's own page: the badge, then "until …" (it said "Open Open until").
    const matrix = await (await get("viewer", `/plans/${DEMO.planId}/rounds/${roundId}`)).text();
    expect(matrix).toMatch(/>Open<\/span> (<!-- -->)?until [^<]*WIB/);
    for (const section of SECTIONS) expect(page).toContain(section.title);
    expect(page).toContain("British Council, ILO");
    expect(page).toContain(`/plans/${DEMO.planId}/rounds/${roundId}`);
    expect(page).not.toContain("Open a consultation round");
    expect(page).not.toContain("Close now");
    const ownerPage = await (await get("owner", `/plans/${DEMO.planId}/rounds`)).text();
    expect(ownerPage).toContain("Open a consultation round");
    expect(ownerPage).toContain("Close now");
  });

  it("announces the open round on the plan page", async () => {
    const page = await (await get("commenter", `/plans/${DEMO.planId}`)).text();
    // A short sentence, and a link to the round (not the whole sentence underlined).
    expect(page).toContain(`Open for comments on “${SECTIONS[0]!.title}” and “${SECTIONS[1]!.title}” until`);
    expect(page).toMatch(new RegExp(`<a [^>]*href="/plans/${DEMO.planId}/rounds/${roundId}"[^>]*>About the round “${ROUND_NAME}”</a>`));
  });
});

describe("the response matrix", () => {
  it("lists a thread started in the round and flags it as having no disposition", async () => {
    const created = await api("commenter", "/threads", { body: FORMULA_BODY, sectionId: SECTIONS[1]!.id });
    expect(created.status).toBe(201);
    const thread = (await created.json()) as { id: string; roundId: number | null };
    expect(thread.roundId).toBe(roundId);
    threadId = thread.id;

    const response = await get("viewer", `/plans/${DEMO.planId}/rounds/${roundId}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("1 of 1 threads has no disposition");
    expect(page).toContain("No disposition yet");
    expect(page).toContain(`data-thread-id="${threadId}"`);
    expect(page).toContain(`/plans/${DEMO.planId}#thread-${threadId}`);
    expect(page).toContain("Bina Swadaya");
    expect(page).toContain("Eri Trinurini");
    expect(page).toContain(SECTIONS[1]!.title);
    expect(page).toContain(`/plans/${DEMO.planId}/rounds/${roundId}/responses.csv`);
  });

  it("shows a recorded disposition by its label", async () => {
    const recorded = await api("editor", `/threads/${threadId}/disposition`, {
      disposition: "partly_accepted",
      response: "Merged into 2.3",
    });
    expect(recorded.status).toBe(200);
    const page = await (await get("viewer", `/plans/${DEMO.planId}/rounds/${roundId}`)).text();
    expect(page).toContain("Partly accepted");
    expect(page).toContain("Merged into 2.3");
    expect(page).toContain("Every thread has a disposition");
    expect(page).not.toContain("No disposition yet");
  });

  it("is 404 for a round of another plan, an unknown round or a round id that is not an integer", async () => {
    const created = await fetch(`${demo.server.url}/plans?index`, {
      method: "POST",
      body: new URLSearchParams({ title: "Another plan", template: "blank" }),
      headers: { cookie: demo.cookies.owner },
      redirect: "manual",
    });
    const otherPlanId = (created.headers.get("location") ?? "").split("/").pop()!;
    expect(otherPlanId).toBeTruthy();
    for (const path of [
      `/plans/${otherPlanId}/rounds/${roundId}`,
      `/plans/${otherPlanId}/rounds/${roundId}/responses.csv`,
      `/plans/${DEMO.planId}/rounds/9999`,
      `/plans/${DEMO.planId}/rounds/abc`,
      `/plans/${DEMO.planId}/rounds/${roundId}.0`,
      `/plans/${DEMO.planId}/rounds/abc/responses.csv`,
    ]) {
      expect((await get("owner", path)).status, path).toBe(404);
    }
    expect((await get("outsider", `/plans/${DEMO.planId}/rounds/${roundId}/responses.csv`)).status).toBe(200); // a commenter now
    expect(
      (
        await postRounds("owner", [
          ["intent", "close"],
          ["roundId", "9999"],
        ])
      ).status,
    ).toBe(404);
  });
});

describe("the response matrix as CSV", () => {
  it("has the headers in the account's language (English here) and one row per thread, with a formula defused and quotes and commas kept", async () => {
    const response = await get("owner", `/plans/${DEMO.planId}/rounds/${roundId}/responses.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const lines = (await response.text()).replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("Section,Quoted passage,Organisation,Author,Email,Comment,Replies,Status,Disposition,Response");
    expect(lines[1]).toBe(
      `${SECTIONS[1]!.title},,Bina Swadaya,Eri Trinurini,${DEMO.commenter},"'=SUM(A1:A2) ""quoted"", with commas",0,Open,Partly accepted,Merged into 2.3`,
    );
    expect(lines.slice(2)).toEqual([""]);
  });

  it("leaves the authors' email addresses out for members who are not owners", async () => {
    const text = await (await get("viewer", `/plans/${DEMO.planId}/rounds/${roundId}/responses.csv`)).text();
    const lines = text.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("Section,Quoted passage,Organisation,Author,Comment,Replies,Status,Disposition,Response");
    expect(text).not.toContain(DEMO.commenter);
  });
});

describe("closing a round", () => {
  it("is done by an owner; the round shows as closed and partners can no longer start threads there", async () => {
    const closed = await postRounds("owner", [
      ["intent", "close"],
      ["roundId", String(roundId)],
    ]);
    expect(closed.status).toBe(302);
    expect(closed.headers.get("location")).toBe(`/plans/${DEMO.planId}/rounds`);
    const list = await (await get("viewer", `/plans/${DEMO.planId}/rounds`)).text();
    expect(list).toMatch(/>Closed<\/span><div class="muted">on /);
    expect(list).not.toContain(">Open<");
    const matrix = await (await get("viewer", `/plans/${DEMO.planId}/rounds/${roundId}`)).text();
    expect(matrix).toMatch(/>Closed<\/span> (<!-- -->)?on /);
    expect(matrix).not.toContain("Closed Closed");
    expect(await (await get("commenter", `/plans/${DEMO.planId}`)).text()).toContain(
      `Comments on “${SECTIONS[0]!.title}” and “${SECTIONS[1]!.title}” are closed.`,
    );
    const refused = await api("commenter", "/threads", { body: "Too late", sectionId: SECTIONS[0]!.id });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe(
      `The consultation round “${ROUND_NAME}” is closed: new comments on this section are no longer accepted.`,
    );
    // Replies too, and the thread says so; the drafting team can still discuss there.
    expect((await api("commenter", `/threads/${threadId}/comments`, { body: "One more thing" })).status).toBe(403);
    const listed = async (who: "commenter" | "editor") =>
      (
        (await (await get(who, `/api/plans/${DEMO.planId}/threads`)).json()) as { threads: { id: string; canReply: boolean }[] }
      ).threads.find((t) => t.id === threadId);
    expect(await listed("commenter")).toMatchObject({ canReply: false });
    expect(await listed("editor")).toMatchObject({ canReply: true });
    expect((await api("editor", `/threads/${threadId}/comments`, { body: "Noted for the next draft." })).status).toBe(201);
    // What partners said in a closed round stays as the team answered it.
    const first = (
      (await (await get("commenter", `/api/plans/${DEMO.planId}/threads`)).json()) as {
        threads: { id: string; comments: { id: number; canEdit: boolean }[] }[];
      }
    ).threads.find((t) => t.id === threadId)!.comments[0]!;
    expect(first.canEdit).toBe(false);
    const edit = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads/${threadId}/comments/${first.id}`, {
      method: "PATCH",
      headers: { cookie: demo.cookies.commenter, "content-type": "application/json" },
      body: JSON.stringify({ body: "Rewritten after the deadline" }),
    });
    expect(edit.status).toBe(403);
  });
});
