// Sign-off by several institutions through the real server (docs/workflow.md, "Sign-off"): the
// owner asks two people, both approve and the section is approved with each one's version kept;
// an edit afterwards withdraws the approvals and tells them; a refusal carries its reason; and
// every door refuses those it is not for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { openDatabase } from "../../db";
import type { Database } from "../../db/schema";
import type { SignOffView } from "../../app/models/sign-off-types";
import { typeAt, whenSaved, whenSynced } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { planApi } from "../helpers/plan-api";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();
const api = planApi(demo);
/** The demo plan's first section (index 0 in the document) and its second. */
const SECTION = "s-concept";
const DUE = "2099-12-31";

let db: Kysely<Database>;
const ids = {} as Record<DemoRole, number>;

beforeAll(async () => {
  db = openDatabase(demo.server.databasePath);
  for (const role of ["owner", "editor", "commenter", "viewer", "outsider"] as const) {
    ids[role] = (await db.selectFrom("users").select("id").where("email", "=", DEMO[role]).executeTakeFirstOrThrow()).id;
  }
});
afterAll(async () => {
  await db.destroy();
});

async function signOffs(role: DemoRole = "viewer"): Promise<SignOffView[]> {
  const { status, json } = await api(role, "GET", "/sign-offs");
  expect(status).toBe(200);
  return json.signOffs as SignOffView[];
}

async function signOff(id: number, role: DemoRole = "viewer"): Promise<SignOffView> {
  const found = (await signOffs(role)).find((entry) => entry.id === id);
  if (!found) throw new Error(`sign-off ${id} not listed`);
  return found;
}

async function sectionStatus(sectionId: string): Promise<string> {
  const row = await db
    .selectFrom("plan_sections")
    .select("status")
    .where("plan_id", "=", DEMO.planId)
    .where("section_id", "=", sectionId)
    .executeTakeFirstOrThrow();
  return row.status;
}

/** The sign-off notifications in a person's inbox: each one's event and reason. */
async function inbox(role: DemoRole): Promise<{ event: string; reason: string | null }[]> {
  const rows = await db
    .selectFrom("notifications")
    .select("data")
    .where("user_id", "=", ids[role])
    .where("kind", "=", "signOff")
    .orderBy("id")
    .execute();
  return rows.map((row) => JSON.parse(row.data) as { event: string; reason: string | null });
}

const events = async (role: DemoRole) => (await inbox(role)).map((entry) => entry.event);

describe("sign-off of a section by two people", () => {
  let requestId: number;

  it("is asked by the owner, tells each person asked, and puts the section in review", async () => {
    const asked = await api("owner", "POST", "/sign-offs", { sectionId: SECTION, approverIds: [ids.editor, ids.viewer], dueDate: DUE });
    expect(asked.status).toBe(201);
    requestId = asked.json.id as number;
    expect(asked.json.status).toBe("open");
    expect(await sectionStatus(SECTION)).toBe("in_review");
    expect(await events("editor")).toEqual(["requested"]);
    expect(await events("viewer")).toEqual(["requested"]);
    expect(await events("owner")).toEqual([]);
    // The dashboard's list of the people asked.
    const page = await fetch(`${demo.server.url}/plans`, { headers: { cookie: demo.cookies.viewer } });
    expect(await page.text()).toContain(`/plans/${DEMO.planId}?signOff=${requestId}`);
  });

  it("is approved when both approve, each approval with the version of the text approved", async () => {
    const editor = demo.client("editor");
    await whenSynced(editor);
    typeAt(editor.doc, "Agreed wording. ", 0);
    await whenSaved(editor);

    const first = await api("editor", "POST", `/sign-offs/${requestId}/answer`, { decision: "approve" });
    expect(first.status).toBe(200);
    expect(first.json.status).toBe("open");
    expect(await sectionStatus(SECTION)).toBe("in_review");
    expect(await events("owner")).toEqual(["approved"]);

    // The partner's institution leads the section: they hear of its status moving.
    const partner = await db.selectFrom("users").select("organisation_id").where("id", "=", ids.commenter).executeTakeFirstOrThrow();
    await db
      .updateTable("plan_sections")
      .set({ lead_organisation_id: partner.organisation_id })
      .where("plan_id", "=", DEMO.planId)
      .where("section_id", "=", SECTION)
      .execute();
    const second = await api("viewer", "POST", `/sign-offs/${requestId}/answer`, { decision: "approve", reason: "" });
    expect(second.status).toBe(200);
    const done = await signOff(requestId);
    expect(done.status).toBe("approved");
    expect(done.approvers.map((approver) => approver.state)).toEqual(["approved", "approved"]);
    expect(await sectionStatus(SECTION)).toBe("approved");
    expect(await events("owner")).toEqual(["approved", "approved", "complete"]);
    expect(await events("editor")).toEqual(["requested", "complete"]);
    expect(await events("viewer")).toEqual(["requested", "complete"]);
    const statusNews = await db
      .selectFrom("notifications")
      .select("data")
      .where("user_id", "=", ids.commenter)
      .where("kind", "=", "status")
      .execute();
    expect(statusNews.map((row) => JSON.parse(row.data) as { to: string }).at(-1)).toMatchObject({ from: "in_review", to: "approved" });

    for (const approver of done.approvers) {
      expect(approver.versionId).toEqual(expect.any(Number));
      const version = await api("viewer", "GET", `/versions/${approver.versionId}`);
      expect(version.status).toBe(200);
      expect(version.json.text).toContain("Agreed wording.");
    }
    // The history page names who signed off, with a link to the version each approved.
    const history = await (
      await fetch(`${demo.server.url}/plans/${DEMO.planId}/history`, { headers: { cookie: demo.cookies.commenter } })
    ).text();
    for (const approver of done.approvers) {
      expect(history).toContain(approver.name);
      expect(history).toContain(`/plans/${DEMO.planId}/history/${approver.versionId}`);
    }
    // Answered: nothing more to answer.
    expect((await api("viewer", "POST", `/sign-offs/${requestId}/answer`, { decision: "refuse", reason: "changed my mind" })).status).toBe(
      409,
    );
  });

  it("is not withdrawn by an edit of another section", async () => {
    const owner = demo.client("owner");
    await whenSynced(owner);
    typeAt(owner.doc, "Elsewhere. ", 1);
    await whenSaved(owner);
    expect((await signOff(requestId)).status).toBe("approved");
    expect(await sectionStatus(SECTION)).toBe("approved");
  });

  it("is withdrawn by an edit of its text: asked again, back in review, and the people asked are told", async () => {
    const owner = demo.client("owner");
    await whenSynced(owner);
    typeAt(owner.doc, "A late change. ", 0);
    await whenSaved(owner);
    await expect.poll(async () => (await signOff(requestId)).status, { timeout: 10_000 }).toBe("open");
    const again = await signOff(requestId);
    expect(again.approvers.map((approver) => [approver.state, approver.versionId])).toEqual([
      ["waiting", null],
      ["waiting", null],
    ]);
    expect(await sectionStatus(SECTION)).toBe("in_review");
    await expect.poll(() => events("editor")).toEqual(["requested", "complete", "withdrawn"]);
    expect(await events("viewer")).toEqual(["requested", "complete", "withdrawn"]);
    const kinds = await db
      .selectFrom("sign_off_events")
      .select(["kind", "actor_id"])
      .where("request_id", "=", requestId)
      .orderBy("id")
      .execute();
    expect(kinds.map((event) => event.kind)).toEqual(["asked", "asked", "approved", "approved", "complete", "withdrawn"]);
    expect(kinds.at(-1)?.actor_id).toBe(ids.owner);

    // Typing on in the section, with nothing answered, withdraws nothing more.
    typeAt(owner.doc, "More. ", 0);
    await whenSaved(owner);
    expect(await events("viewer")).toEqual(["requested", "complete", "withdrawn"]);
    // The people asked can answer again.
    const answered = await api("editor", "POST", `/sign-offs/${requestId}/answer`, { decision: "approve" });
    expect(answered.status).toBe(200);
    expect((await signOff(requestId)).approvers.find((approver) => approver.id === ids.editor)?.state).toBe("approved");
  });
});

describe("a refusal", () => {
  it("needs a reason, keeps it, and tells the owner", async () => {
    const asked = await api("owner", "POST", "/sign-offs", { sectionId: null, approverIds: [ids.commenter], dueDate: DUE });
    expect(asked.status).toBe(201);
    const id = asked.json.id as number;
    expect(asked.json.sectionId).toBeNull();

    const bare = await api("commenter", "POST", `/sign-offs/${id}/answer`, { decision: "refuse", reason: "   " });
    expect(bare.status).toBe(422);
    const refused = await api("commenter", "POST", `/sign-offs/${id}/answer`, {
      decision: "refuse",
      reason: "The targets in the matrix are not agreed with our members.",
    });
    expect(refused.status).toBe(200);
    const entry = await signOff(id, "owner");
    expect(entry.status).toBe("open");
    expect(entry.approvers[0]).toMatchObject({ state: "refused", reason: "The targets in the matrix are not agreed with our members." });
    const told = (await inbox("owner")).at(-1);
    expect(told).toEqual(
      expect.objectContaining({ event: "refused", reason: "The targets in the matrix are not agreed with our members." }),
    );

    // Cancelled: no longer listed, no longer answerable.
    expect((await api("owner", "POST", `/sign-offs/${id}/cancel`)).status).toBe(200);
    expect((await signOffs()).some((listed) => listed.id === id)).toBe(false);
    expect((await api("commenter", "POST", `/sign-offs/${id}/answer`, { decision: "approve" })).status).toBe(409);
  });
});

describe("the doors refuse those they are not for", () => {
  let requestId: number;

  beforeAll(async () => {
    const asked = await api("owner", "POST", "/sign-offs", {
      sectionId: "s-regulation",
      approverIds: [ids.editor],
      dueDate: DUE,
    });
    expect(asked.status).toBe(201);
    requestId = asked.json.id as number;
  });

  it("lets only owners ask; outsiders do not learn the plan exists", async () => {
    const body = { sectionId: "s-mapping", approverIds: [ids.editor], dueDate: DUE };
    for (const role of ["editor", "commenter", "viewer"] as const) expect((await api(role, "POST", "/sign-offs", body)).status).toBe(403);
    expect((await api("outsider", "POST", "/sign-offs", body)).status).toBe(404);
    const signedOut = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/sign-offs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(signedOut.status).toBe(401);
  });

  it("checks every field of a request", async () => {
    const bad = [
      { sectionId: "s-mapping", approverIds: [ids.outsider], dueDate: DUE }, // not a member
      { sectionId: "s-mapping", approverIds: [], dueDate: DUE },
      { sectionId: "s-mapping", approverIds: [ids.editor], dueDate: "2001-01-01" }, // in the past
      { sectionId: "s-mapping", approverIds: [ids.editor], dueDate: "tomorrow" },
      { sectionId: "no-such-section", approverIds: [ids.editor], dueDate: DUE },
      { sectionId: "s-mapping", approverIds: ["1"], dueDate: DUE },
      { sectionId: "s-mapping", approverIds: [ids.editor], dueDate: DUE, status: "approved" }, // unknown field
    ];
    for (const body of bad) expect((await api("owner", "POST", "/sign-offs", body)).status, JSON.stringify(body)).toBe(422);
    // One request at a time for a section.
    expect((await api("owner", "POST", "/sign-offs", { sectionId: "s-regulation", approverIds: [ids.viewer], dueDate: DUE })).status).toBe(
      409,
    );
  });

  it("lets only the person asked answer, and only with a valid answer", async () => {
    for (const role of ["owner", "commenter", "viewer"] as const) {
      expect((await api(role, "POST", `/sign-offs/${requestId}/answer`, { decision: "approve" })).status).toBe(403);
    }
    expect((await api("outsider", "POST", `/sign-offs/${requestId}/answer`, { decision: "approve" })).status).toBe(404);
    expect((await api("editor", "POST", `/sign-offs/${requestId}/answer`, { decision: "maybe" })).status).toBe(422);
    expect((await api("editor", "POST", `/sign-offs/${requestId}/answer`, { decision: "refuse", reason: "x".repeat(2001) })).status).toBe(
      422,
    );
    expect((await api("editor", "POST", "/sign-offs/999999/answer", { decision: "approve" })).status).toBe(404);
    expect((await api("editor", "POST", `/sign-offs/${requestId}/overrule`, { decision: "approve" })).status).toBe(404);
    expect((await signOff(requestId)).approvers[0]?.state).toBe("waiting");
  });

  it("lets only owners cancel, and every member read", async () => {
    for (const role of ["editor", "commenter", "viewer"] as const) {
      expect((await api(role, "POST", `/sign-offs/${requestId}/cancel`)).status).toBe(403);
    }
    expect((await api("outsider", "POST", `/sign-offs/${requestId}/cancel`)).status).toBe(404);
    expect((await api("outsider", "GET", "/sign-offs")).status).toBe(404);
    expect((await api("commenter", "GET", "/sign-offs")).status).toBe(200);
    expect((await api("owner", "POST", `/sign-offs/${requestId}/cancel`)).status).toBe(200);
    expect((await api("owner", "POST", `/sign-offs/${requestId}/cancel`)).status).toBe(409);
  });
});
