// "Since your last visit" and the dashboard as a to-do list, through the real server: a visit is
// recorded when a person's last socket on a plan closes; what others changed since is the
// compare engine's answer from the version they left with; their own edits are not news.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { typeAt, whenSaved, whenSynced } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { planApi } from "../helpers/plan-api";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer({ env: { VERSION_QUIET_MS: "400" } });
const api = planApi(demo);

interface Since {
  seenAt: number;
  changes: number;
  people: { id: number; name: string; organisation: string }[];
  sections: { id: string; title: string }[];
  compareUrl: string;
}

async function since(role: DemoRole): Promise<Since | null> {
  const { status, json } = await api(role, "GET", "/since-last-visit");
  expect(status).toBe(200);
  return json.since as Since | null;
}

/** Opens the plan as `role` and leaves it; resolves once the visit is recorded. */
async function visit(role: DemoRole): Promise<Since> {
  const before = (await since(role))?.seenAt ?? 0;
  const client = demo.client(role);
  await whenSynced(client);
  client.destroy();
  await expect.poll(async () => (await since(role))?.seenAt ?? 0, { timeout: 10_000 }).toBeGreaterThan(before);
  return (await since(role))!;
}

async function dashboard(role: DemoRole): Promise<string> {
  const response = await fetch(`${demo.server.url}/plans`, { headers: { cookie: demo.cookies[role] } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The demo plan's card on the dashboard carries the "news" mark. */
function hasNews(html: string): boolean {
  return /data-plan-news="demo-sse"/.test(html);
}

describe("since your last visit", () => {
  it("names who changed which sections since a person left, and links to the compare that shows it", async () => {
    const seen = await visit("viewer");
    expect(seen.changes).toBe(0);
    expect(hasNews(await dashboard("viewer"))).toBe(false);

    const editor = demo.client("editor");
    await whenSynced(editor);
    typeAt(editor.doc, "Added while the reviewer was away. ", 0);
    typeAt(editor.doc, "Also new in this section. ", 2);
    await whenSaved(editor);

    const news = (await since("viewer"))!;
    expect(news.changes).toBe(2);
    expect(news.people.map((person) => person.name)).toEqual(["Tendy Gunawan"]);
    expect(news.sections.map((section) => section.id)).toEqual(["s-concept", "s-regulation"]);
    expect(news.sections.every((section) => section.title.length > 0)).toBe(true);
    expect(hasNews(await dashboard("viewer"))).toBe(true);

    // The link is the compare page of the version the reviewer left with and the text now.
    const link = new URL(news.compareUrl, demo.server.url);
    expect(link.pathname).toBe(`/plans/${DEMO.planId}/compare`);
    expect(link.searchParams.get("to")).toBe("current");
    const page = await fetch(link, { headers: { cookie: demo.cookies.viewer } });
    expect(page.status).toBe(200);
    const compare = await api("viewer", "GET", `/compare?from=${link.searchParams.get("from")}&to=current`);
    expect(compare.status).toBe(200);
    const inserted = (compare.json.changes as { type: string; text: string; author: { name: string } | null }[]).filter(
      (change) => change.type === "insert",
    );
    expect(inserted).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          text: "Added while the reviewer was away. ",
          author: expect.objectContaining({ name: "Tendy Gunawan" }),
        }),
        expect.objectContaining({ text: "Also new in this section. ", author: expect.objectContaining({ name: "Tendy Gunawan" }) }),
      ]),
    );

    // Once the reviewer has been back and left, it is no longer news.
    editor.destroy();
    const again = await visit("viewer");
    expect(again.changes).toBe(0);
    expect(hasNews(await dashboard("viewer"))).toBe(false);
  });

  it("does not count a person's own edits as news", async () => {
    await visit("owner");
    const owner = demo.client("owner");
    await whenSynced(owner);
    typeAt(owner.doc, "The owner's own words. ", 1);
    await whenSaved(owner);
    const mine = (await since("owner"))!;
    expect(mine.changes).toBe(0);
    expect(mine.people).toEqual([]);
    expect(hasNews(await dashboard("owner"))).toBe(false);
    owner.destroy();
  });

  it("answers members only", async () => {
    expect((await api("outsider", "GET", "/since-last-visit")).status).toBe(404);
    const signedOut = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/since-last-visit`);
    expect(signedOut.status).toBe(401);
    const noSuchPlan = await fetch(`${demo.server.url}/api/plans/no-such-plan/since-last-visit`, {
      headers: { cookie: demo.cookies.owner },
    });
    expect(noSuchPlan.status).toBe(404);
  });

  it("keeps one version for visits however often people come and go without a change", async () => {
    await visit("commenter");
    const db = openDatabase(demo.server.databasePath);
    try {
      const count = async () =>
        Number(
          (
            await db
              .selectFrom("plan_versions")
              .select((eb) => eb.fn.countAll().as("n"))
              .where("plan_id", "=", DEMO.planId)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      for (let i = 0; i < 5; i++) await visit("commenter");
      expect(await count()).toBe(before);
    } finally {
      await db.destroy();
    }
  });
});

describe("a server that stops", () => {
  it("records the visits of the people on its plans while it still can", async () => {
    const before = (await since("editor"))!.seenAt;
    const editor = demo.client("editor");
    await whenSynced(editor);
    await demo.server.restart();
    editor.destroy();
    expect((await since("editor"))!.seenAt).toBeGreaterThan(before);
    expect(demo.server.logs.filter((line) => line.level === "error")).toEqual([]);
  });
});

describe("the dashboard as a to-do list", () => {
  it("lists the open threads assigned to me with their due dates, marks the overdue, and links to each", async () => {
    const editorId = 2; // db/seed.ts: Tendy Gunawan
    const thread = async (body: string, sectionId: string, dueDate?: string) => {
      const created = await api("owner", "POST", "/threads", { body, sectionId, assigneeId: editorId, dueDate });
      expect(created.status).toBe(201);
      return created.json.id as string;
    };
    const late = await thread("Cite the 2023 census here.", "s-concept", "2020-01-31");
    const soon = await thread("Add the ILO figures.", "s-regulation", "2999-12-31");
    const resolved = await thread("Already done.", "s-regulation");
    expect((await api("owner", "POST", `/threads/${resolved}/resolve`)).status).toBe(200);

    const html = await dashboard("editor");
    const item = (threadId: string) => new RegExp(`<li data-assigned-thread="${threadId}">(.*?)</li>`, "s").exec(html)?.[1] ?? "";
    expect(item(late)).toContain(`href="/plans/${DEMO.planId}#thread-${late}"`);
    expect(item(late)).toContain("January 31, 2020");
    expect(item(late)).toContain('data-overdue="true"');
    expect(item(soon)).toContain("December 31, 2999");
    expect(item(soon)).not.toContain("data-overdue");
    // Soonest due first; a resolved thread is done, and someone else's list does not show mine.
    expect(html.indexOf(late)).toBeLessThan(html.indexOf(soon));
    expect(html).not.toContain(`data-assigned-thread="${resolved}"`);
    expect(await dashboard("owner")).not.toContain("data-assigned-thread");
  });

  it("lists unread mentions and open rounds on my plans, in my language", async () => {
    const db = openDatabase(demo.server.databasePath);
    try {
      const viewer = await db.selectFrom("users").select("id").where("email", "=", DEMO.viewer).executeTakeFirstOrThrow();
      const owner = await db.selectFrom("users").select("id").where("email", "=", DEMO.owner).executeTakeFirstOrThrow();
      await db
        .insertInto("notifications")
        .values({
          user_id: viewer.id,
          plan_id: DEMO.planId,
          kind: "mention",
          actor_id: owner.id,
          data: JSON.stringify({ actor: "Sri Wahyuni", plan: "The demo plan", excerpt: "@Destry please check the figures" }),
          url: `/plans/${DEMO.planId}#thread-t-mentioned`,
          delivery: "none",
          created_at: Date.now(),
        })
        .execute();
      await db
        .insertInto("consultation_rounds")
        .values({
          plan_id: DEMO.planId,
          name: "Partners' round",
          deadline: Date.UTC(2999, 0, 1),
          created_by: owner.id,
          created_at: Date.now(),
        })
        .execute();
    } finally {
      await db.destroy();
    }
    const html = await dashboard("viewer");
    expect(html).toContain("Mentions you have not read");
    expect(html).toContain(`href="/plans/${DEMO.planId}#thread-t-mentioned"`);
    expect(html).toContain("@Destry please check the figures");
    expect(html).toContain("Partners&#x27; round");
    expect(html).toContain("closes January 1, 2999");
    // An outsider sees none of it.
    const outsider = await dashboard("outsider");
    expect(outsider).not.toContain("t-mentioned");
    expect(outsider).not.toContain("Partners&#x27; round");
  });
});
