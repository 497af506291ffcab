// Notifications in the app, through the real server (docs/workflow.md): who hears of what, the
// inbox API, and threads assigned to a member by a date. Email is tests/integration/mail.test.ts.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { useDemoServer } from "../helpers/demo-server";
import { planApi } from "../helpers/plan-api";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();
const api = planApi(demo);

// The demo accounts' ids (db/seed.ts creates them in this order).
const ID = { owner: 1, editor: 2, commenter: 3, viewer: 4, outsider: 5 } as const;

interface Item {
  id: number;
  kind: string;
  planId: string;
  text: string;
  excerpt: string | null;
  url: string;
  read: boolean;
  createdAt: number;
}

async function inbox(role: DemoRole, query = ""): Promise<{ status: number; notifications: Item[]; unread: number }> {
  const response = await fetch(`${demo.server.url}/api/notifications${query}`, { headers: { cookie: demo.cookies[role] } });
  const json = (await response.json()) as { notifications: Item[]; unread: number };
  return { status: response.status, ...json };
}

async function post(role: DemoRole | null, path: string) {
  const response = await fetch(`${demo.server.url}${path}`, { method: "POST", headers: role ? { cookie: demo.cookies[role] } : {} });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const sectionId = "s-r193";

async function newSectionThread(role: DemoRole, body: string, extra: Record<string, unknown> = {}) {
  const result = await api(role, "POST", "/threads", { body, sectionId, ...extra });
  expect(result.status, JSON.stringify(result.json)).toBe(201);
  return result.json as { id: string; assignee: { id: number; name: string } | null; dueDate: string | null };
}

describe("who hears of a comment", () => {
  it("a mention reaches the mentioned member once, never the writer; a reply reaches those in the thread", async () => {
    const before = (await inbox("editor")).notifications.length;
    const thread = await newSectionThread("commenter", "Could @coop@ilo.example check the figure for cooperatives?");
    const editorInbox = await inbox("editor");
    expect(editorInbox.notifications.length).toBe(before + 1);
    const mention = editorInbox.notifications[0]!;
    expect(mention).toMatchObject({ kind: "mention", planId: DEMO.planId, read: false, url: `/plans/${DEMO.planId}#thread-${thread.id}` });
    expect(mention.text).toBe("Eri Trinurini mentioned you on “National Entrepreneurship Action Plan — Social and Solidarity Economy”");
    // The mention reads as the person's name, never their email address.
    expect(mention.excerpt).toBe("Could @Tendy Gunawan check the figure for cooperatives?");
    expect((await inbox("commenter")).notifications.some((item) => item.url.endsWith(thread.id))).toBe(false);

    // The editor answers: the thread's author hears of the reply; the editor does not.
    const reply = await api("editor", "POST", `/threads/${thread.id}/comments`, { body: "Checked: 110 is right." });
    expect(reply.status).toBe(201);
    const commenterInbox = await inbox("commenter");
    expect(commenterInbox.notifications[0]).toMatchObject({ kind: "reply", excerpt: "Checked: 110 is right." });
    expect((await inbox("editor")).notifications.filter((item) => item.url.endsWith(thread.id))).toHaveLength(1);

    // The owner replies mentioning the editor: the editor hears one mention, not a reply too.
    await api("owner", "POST", `/threads/${thread.id}/comments`, { body: "Thanks @coop@ilo.example" });
    const forEditor = (await inbox("editor")).notifications.filter((item) => item.url.endsWith(thread.id));
    expect(forEditor.map((item) => item.kind)).toEqual(["mention", "mention"]);
    expect((await inbox("commenter")).notifications[0]).toMatchObject({ kind: "reply", excerpt: "Thanks @Tendy Gunawan" });
  });

  it("an edit tells only those it newly mentions", async () => {
    const thread = await newSectionThread("owner", "A note for the team");
    const [comment] = (await api("owner", "GET", "/threads")).json.threads as { id: string; comments: { id: number }[] }[];
    const own = ((await api("owner", "GET", "/threads")).json.threads as { id: string; comments: { id: number }[] }[]).find(
      (t) => t.id === thread.id,
    )!;
    expect(comment).toBeDefined();
    const count = async () => (await inbox("editor")).notifications.filter((item) => item.url.endsWith(thread.id)).length;
    expect(await count()).toBe(0);
    const path = `/threads/${thread.id}/comments/${own.comments[0]!.id}`;
    expect((await api("owner", "PATCH", path, { body: "A note for @coop@ilo.example" })).status).toBe(200);
    expect(await count()).toBe(1);
    expect((await api("owner", "PATCH", path, { body: "A note for @coop@ilo.example, again" })).status).toBe(200);
    expect(await count()).toBe(1);
  });

  it("reads and marks read only one's own; signed out is 401", async () => {
    const mine = (await inbox("editor")).notifications[0]!;
    expect((await post("commenter", `/api/notifications/${mine.id}/read`)).status).toBe(404);
    expect((await inbox("editor")).notifications[0]!.read).toBe(false);
    const unreadBefore = (await inbox("editor")).unread;
    const marked = await post("editor", `/api/notifications/${mine.id}/read`);
    expect(marked).toMatchObject({ status: 200, json: { read: true, unread: unreadBefore - 1 } });
    expect((await inbox("editor")).notifications[0]!.read).toBe(true);
    expect((await post(null, `/api/notifications/${mine.id}/read`)).status).toBe(401);
    expect((await fetch(`${demo.server.url}/api/notifications`)).status).toBe(401);
    expect((await post("editor", "/api/notifications/read-all")).json).toMatchObject({ unread: 0 });
    expect((await inbox("editor")).unread).toBe(0);
  });

  it("speaks the reader's language", async () => {
    await newSectionThread("owner", "Tolong @coop@ilo.example periksa angka ini");
    const database = openDatabase(demo.server.databasePath);
    await database.updateTable("users").set({ locale: "id" }).where("id", "=", ID.editor).execute();
    await database.destroy();
    const [latest] = (await inbox("editor")).notifications;
    expect(latest!.text).toBe("Sri Wahyuni menyebut Anda di “National Entrepreneurship Action Plan — Social and Solidarity Economy”");
    const reset = openDatabase(demo.server.databasePath);
    await reset.updateTable("users").set({ locale: null }).where("id", "=", ID.editor).execute();
    await reset.destroy();
  });
});

describe("threads assigned to a member", () => {
  it("a new thread assigned by a date names its assignee, who is told", async () => {
    const thread = await newSectionThread("owner", "Please redraft this paragraph.", { assigneeId: ID.editor, dueDate: "2027-01-15" });
    expect(thread).toMatchObject({ assignee: { id: ID.editor, name: "Tendy Gunawan" }, dueDate: "2027-01-15" });
    const [told] = (await inbox("editor")).notifications;
    expect(told).toMatchObject({ kind: "assigned", url: `/plans/${DEMO.planId}#thread-${thread.id}` });
    expect(told!.text).toContain("Sri Wahyuni assigned you a comment");
    expect(told!.text).toContain("(due 15 January 2027)");
  });

  it("only to a member who can comment, only by a real date", async () => {
    const refused = async (extra: Record<string, unknown>) =>
      (await api("owner", "POST", "/threads", { body: "x", sectionId, ...extra })).status;
    expect(await refused({ assigneeId: ID.viewer })).toBe(422);
    expect(await refused({ assigneeId: ID.outsider })).toBe(422);
    expect(await refused({ assigneeId: 999_999 })).toBe(422);
    expect(await refused({ assigneeId: ID.editor, dueDate: "2027-02-30" })).toBe(422);
    expect(await refused({ assigneeId: ID.editor, dueDate: "next week" })).toBe(422);
    expect(await refused({ assigneeId: "2" })).toBe(422);
  });

  it("is reassigned by whoever may resolve it; a partner may not reassign another's thread", async () => {
    const thread = await newSectionThread("owner", "Who takes this?");
    const assign = (role: DemoRole, body: unknown) => api(role, "POST", `/threads/${thread.id}/assign`, body);
    expect((await assign("commenter", { assigneeId: ID.commenter })).status).toBe(403);
    expect((await assign("viewer", { assigneeId: ID.editor })).status).toBe(403);
    expect((await assign("outsider", { assigneeId: ID.editor })).status).toBe(404);
    const done = await assign("editor", { assigneeId: ID.commenter, dueDate: "2027-03-01" });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ assignee: { id: ID.commenter }, dueDate: "2027-03-01" });
    expect((await inbox("commenter")).notifications[0]).toMatchObject({ kind: "assigned" });
    // Unassigned: the date goes with the person.
    expect((await assign("owner", { assigneeId: null, dueDate: "2027-03-01" })).json).toMatchObject({ assignee: null, dueDate: null });
  });
});

describe("sections and invitations", () => {
  it("a section assigned to a member, and its status moving, reach that member", async () => {
    const form = (fields: Record<string, string>) =>
      fetch(`${demo.server.url}/plans/${DEMO.planId}/sections/${sectionId}`, {
        method: "POST",
        headers: { cookie: demo.cookies.owner, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
    expect((await form({ assigneeUserId: String(ID.editor) })).status).toBe(200);
    expect((await inbox("editor")).notifications[0]).toMatchObject({ kind: "assigned", url: `/plans/${DEMO.planId}#section-${sectionId}` });
    expect((await form({ status: "in_review" })).status).toBe(200);
    const [status] = (await inbox("editor")).notifications;
    expect(status).toMatchObject({ kind: "status" });
    expect(status!.text).toMatch(/from Draft to In review/i);
  });

  it("nothing about a plan is listed to someone no longer on it", async () => {
    const database = openDatabase(demo.server.databasePath);
    try {
      const before = (await inbox("editor")).notifications.length;
      expect(before).toBeGreaterThan(0);
      const membership = await database
        .selectFrom("plan_members")
        .selectAll()
        .where("plan_id", "=", DEMO.planId)
        .where("user_id", "=", ID.editor)
        .executeTakeFirstOrThrow();
      await database.deleteFrom("plan_members").where("plan_id", "=", DEMO.planId).where("user_id", "=", ID.editor).execute();
      const after = await inbox("editor");
      expect(after.notifications).toHaveLength(0);
      expect(after.unread).toBe(0);
      await database.insertInto("plan_members").values(membership).execute();
      expect((await inbox("editor")).notifications.length).toBe(before);
    } finally {
      await database.destroy();
    }
  });
});
