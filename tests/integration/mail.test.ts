// Notifications by email through the real server and a real SMTP server (smtp-server): a
// mention sends one mail in the person's language with a working unsubscribe link, the daily
// digest gathers a day, a mail server that is away delays mail and loses none, deadline
// reminders reach those who have not commented on every section, and two instances on one
// PostgreSQL never send a mail twice. The server polls every 100 ms and retries after 100 ms
// (doubling up to 400 ms) so that the tests wait for states, not for minutes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "../../db";
import { useDemoServer } from "../helpers/demo-server";
import { startPostgres, type TestPostgres } from "../helpers/postgres";
import { DEMO, TEST_SESSION_SECRET, signIn, startServer, type DemoRole, type TestServer } from "../helpers/server";
import { unsubscribeUrl } from "../../app/models/unsubscribe-link.server";
import { eventually, startSmtp, type ReceivedMail, type TestSmtp } from "../helpers/smtp";

const FAST_MAIL = { MAIL_POLL_INTERVAL_MS: "100", MAIL_RETRY_BASE_MS: "100", MAIL_RETRY_MAX_MS: "400" };
const MAIL_FROM = "Gotong <gotong@mail-test.example>";

const smtp = await startSmtp();
const demo = useDemoServer({ env: { SMTP_URL: smtp.url, MAIL_FROM, ...FAST_MAIL } });
afterAll(() => smtp.stop());

/** Runs `read` on the server's database (SQLite allows a second connection beside the server). */
async function query<T>(read: (db: DB) => Promise<T>, location = demo.server.databasePath): Promise<T> {
  const db = openDatabase(location);
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}

async function userId(email: string, location?: string): Promise<number> {
  return query(async (db) => (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id, location);
}

/** A new section comment by `author` whose body is `body`, through the JSON API. */
async function comment(author: DemoRole, body: string, sectionId = "s-concept", server: TestServer = demo.server, cookie?: string) {
  const response = await fetch(`${server.url}/api/plans/${DEMO.planId}/threads`, {
    method: "POST",
    headers: { cookie: cookie ?? demo.cookies[author], "content-type": "application/json" },
    body: JSON.stringify({ body, sectionId }),
  });
  expect(response.status).toBe(201);
}

const mailsTo = (address: string, received: ReceivedMail[] = smtp.received) => received.filter((mail) => mail.to.includes(address));

async function outboxWaiting(location?: string): Promise<number> {
  return query(
    async (db) =>
      Number(
        (
          await db
            .selectFrom("mail_outbox")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("sent_at", "is", null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    location,
  );
}

async function health(server: TestServer = demo.server) {
  const response = await fetch(`${server.url}/healthz`);
  return { status: response.status, body: (await response.json()) as { status: string; mail: Record<string, unknown> } };
}

/** The link as the server would be reached in this test (PUBLIC_URL is not set: localhost:<port>). */
const onTestServer = (link: string) => `${demo.server.url}${new URL(link).pathname}${new URL(link).search}`;

describe("a mention", () => {
  let unsubscribeLink = "";

  beforeAll(async () => {
    // The partner reads Gotong in Bahasa Indonesia (the settings form, as the header's switcher posts it).
    const response = await fetch(`${demo.server.url}/settings`, {
      method: "POST",
      headers: { cookie: demo.cookies.commenter },
      body: new URLSearchParams({ locale: "id" }),
      redirect: "manual",
    });
    expect(response.status).toBe(302);
  });

  it("sends the mentioned person exactly one email, in their language, plain and HTML, with one-click unsubscribe", async () => {
    await comment("owner", `@${DEMO.commenter} could Bina Swadaya check the cooperative figures?`);
    const [mail] = await eventually(() => mailsTo(DEMO.commenter).length > 0 && mailsTo(DEMO.commenter), "the mention's mail");
    await eventually(async () => (await outboxWaiting()) === 0, "the outbox to empty");
    expect(mailsTo(DEMO.commenter)).toHaveLength(1);

    expect(mail!.headers.get("from")).toContain("gotong@mail-test.example");
    expect(mail!.subject).toMatch(/^.+ menyebut Anda di “National Entrepreneurship Action Plan — Social and Solidarity Economy”$/);
    expect(mail!.text).toContain("could Bina Swadaya check the cooperative figures?");
    expect(mail!.text).toContain("Buka di Gotong");
    expect(mail!.html).toContain('<html lang="id">');
    expect(mail!.html).toContain("Buka di Gotong");
    expect(mail!.html).toContain("could Bina Swadaya check the cooperative figures?");

    const listUnsubscribe = mail!.headers.get("list-unsubscribe") ?? "";
    expect(listUnsubscribe).toMatch(/^<http:\/\/localhost:\d+\/unsubscribe\?u=\d+&k=mention&t=[\w-]+>$/);
    expect(mail!.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    unsubscribeLink = listUnsubscribe.slice(1, -1);
    expect(mail!.text).toContain(unsubscribeLink);
  });

  it("has an unsubscribe page in the person's language, signed in or not", async () => {
    const page = await fetch(onTestServer(unsubscribeLink));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="id"');
    expect(html).toContain("Hentikan email ini?");
    expect(html).toContain("Seseorang menyebut saya");
  });

  it("turns off only that kind for that person on a one-click POST without cookie or Origin", async () => {
    const partner = await userId(DEMO.commenter);
    const response = await fetch(onTestServer(unsubscribeLink), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Selesai: tidak ada lagi email tentang Seseorang menyebut saya");
    const settings = await query((db) => db.selectFrom("notification_settings").select(["user_id", "kind", "delivery"]).execute());
    expect(settings).toEqual([{ user_id: partner, kind: "mention", delivery: "off" }]);
  });

  it("after unsubscribing, a mention still reaches the inbox but sends no mail", async () => {
    const partner = await userId(DEMO.commenter);
    // The editor, mentioned in the same comment, still gets mail: once it has arrived, the
    // partner's would have been queued in the same transaction.
    await comment("owner", `@${DEMO.commenter} and @${DEMO.editor}: second look at the figures, please`);
    await eventually(() => mailsTo(DEMO.editor).some((mail) => mail.text.includes("second look")), "the editor's mail");
    expect(mailsTo(DEMO.commenter)).toHaveLength(1);
    const inbox = await query((db) =>
      db.selectFrom("notifications").select(["kind", "delivery"]).where("user_id", "=", partner).orderBy("id").execute(),
    );
    expect(inbox).toEqual([
      { kind: "mention", delivery: "now" },
      { kind: "mention", delivery: "none" },
    ]);
    expect(await query((db) => db.selectFrom("mail_outbox").select("id").where("user_id", "=", partner).execute())).toHaveLength(1);
  });

  it("a link whose signature is not ours changes nothing and says so", async () => {
    const editor = await userId(DEMO.editor);
    const forged = `${demo.server.url}/unsubscribe?u=${editor}&k=mention&t=${"A".repeat(32)}`;
    const page = await fetch(forged);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This link is not valid.");
    const posted = await fetch(forged, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect(posted.status).toBe(400);
    // A real link posted from another site's page is refused like any cross-site post.
    const real = unsubscribeUrl({ publicUrl: demo.server.url, secret: TEST_SESSION_SECRET }, editor, "mention");
    const crossSite = await fetch(real, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect(await query((db) => db.selectFrom("notification_settings").selectAll().where("user_id", "=", editor).execute())).toEqual([]);
  });
});

describe("the daily digest", () => {
  it("gathers the notifications made before 07:00 WIB into one mail, and leaves a later one for the next", async () => {
    const viewer = await userId(DEMO.viewer);
    // The viewer chose the digest for mentions.
    await query((db) => db.insertInto("notification_settings").values({ user_id: viewer, kind: "mention", delivery: "digest" }).execute());
    const bodies = ["Digest one: the baseline", "Digest two: the targets", "Digest three: the budget"];
    for (const body of bodies) await comment("owner", `@${DEMO.viewer} ${body}`);
    const made = await query((db) =>
      db.selectFrom("notifications").select(["id", "delivery", "mailed_at"]).where("user_id", "=", viewer).orderBy("id").execute(),
    );
    expect(made.map((row) => [row.delivery, row.mailed_at])).toEqual(bodies.map(() => ["digest", null]));
    // Made yesterday: an hour before the last 07:00 WIB (00:00 UTC).
    const lastSlot = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await query((db) =>
      db
        .updateTable("notifications")
        .set({ created_at: lastSlot - 3600_000 })
        .where(
          "id",
          "in",
          made.map((row) => row.id),
        )
        .execute(),
    );
    await comment("owner", `@${DEMO.viewer} Digest later: made after the digest's hour`);

    const [digest] = await eventually(() => mailsTo(DEMO.viewer).length > 0 && mailsTo(DEMO.viewer), "the digest");
    expect(digest!.subject).toBe("Gotong: 3 notifications since yesterday");
    for (const body of bodies) {
      expect(digest!.text).toContain(body);
      expect(digest!.html).toContain(body);
    }
    expect(digest!.text).not.toContain("Digest later");
    expect(digest!.headers.get("list-unsubscribe")).toMatch(/k=digest/);

    const after = await query((db) =>
      db.selectFrom("notifications").select(["id", "mailed_at"]).where("user_id", "=", viewer).orderBy("id").execute(),
    );
    expect(after.slice(0, 3).every((row) => row.mailed_at !== null)).toBe(true);
    expect(after[3]!.mailed_at).toBeNull();
    const person = await query((db) => db.selectFrom("users").select("digest_sent_at").where("id", "=", viewer).executeTakeFirstOrThrow());
    expect(Number(person.digest_sent_at)).toBeGreaterThanOrEqual(lastSlot);
    await eventually(async () => (await outboxWaiting()) === 0, "the outbox to empty");
    expect(mailsTo(DEMO.viewer)).toHaveLength(1);
  });
  it("leaves out a kind the person has turned off since", async () => {
    const owner = await userId(DEMO.owner);
    await query((db) => db.insertInto("notification_settings").values({ user_id: owner, kind: "mention", delivery: "digest" }).execute());
    for (const body of ["Turned off one", "Turned off two"]) await comment("editor", `@${DEMO.owner} ${body}`);
    await query((db) =>
      db.updateTable("notification_settings").set({ delivery: "off" }).where("user_id", "=", owner).where("kind", "=", "mention").execute(),
    );
    const lastSlot = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await query((db) =>
      db
        .updateTable("notifications")
        .set({ created_at: lastSlot - 3600_000 })
        .where("user_id", "=", owner)
        .where("delivery", "=", "digest")
        .execute(),
    );
    // The digest's pass took them (marked mailed) and sent nothing.
    await eventually(
      async () =>
        (
          await query((db) =>
            db
              .selectFrom("notifications")
              .select("id")
              .where("user_id", "=", owner)
              .where("delivery", "=", "digest")
              .where("mailed_at", "is", null)
              .execute(),
          )
        ).length === 0,
      "the digest's pass",
    );
    await eventually(async () => (await outboxWaiting()) === 0, "the outbox to empty");
    expect(mailsTo(DEMO.owner)).toEqual([]);
  });
});

describe("a mail server that is away", () => {
  it("delays mail, shows it on /healthz without the server being degraded, and loses none", async () => {
    const before = mailsTo(DEMO.editor).length;
    // First the mail server refuses (451), then it is gone altogether.
    smtp.refusing = true;
    await comment("owner", `@${DEMO.editor} Away one`);
    await eventually(() => smtp.refusals >= 2, "the refused mail to be retried");
    const refused = await eventually(async () => {
      const answer = await health();
      return answer.body.mail.failing === 1 && answer.body.mail.lastError !== null && answer;
    }, "/healthz to show the failure");
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe("ok");
    expect(refused.body.mail).toMatchObject({ configured: true, waiting: 1, failing: 1 });
    expect(String(refused.body.mail.lastError)).toContain("451");

    await smtp.stop();
    smtp.refusing = false;
    await comment("owner", `@${DEMO.editor} Away two`);
    await comment("owner", `@${DEMO.editor} Away three`);
    const away = await eventually(async () => {
      const { body } = await health();
      return body.mail.waiting === 3 && Number(body.mail.failing) >= 2 && body;
    }, "/healthz to show three waiting");
    expect(away.status).toBe("ok");
    expect(Number(away.mail.oldestWaitingSeconds)).toBeGreaterThanOrEqual(0);
    expect(mailsTo(DEMO.editor)).toHaveLength(before);

    await smtp.start();
    await eventually(async () => (await outboxWaiting()) === 0, "the outbox to empty");
    const arrived = mailsTo(DEMO.editor).slice(before);
    expect(arrived.map((mail) => /Away \w+/.exec(mail.text)?.[0]).sort()).toEqual(["Away one", "Away three", "Away two"]);
    expect((await health()).body.mail).toMatchObject({ waiting: 0, failing: 0, lastError: null, oldestWaitingSeconds: null });
  });
});

describe("a round's deadline", () => {
  it("reminds the invited organisations' members who have not commented on every section, once", async () => {
    const organisation = async (shortName: string) =>
      query(
        async (db) => (await db.selectFrom("organisations").select("id").where("short_name", "=", shortName).executeTakeFirstOrThrow()).id,
      );
    // Five days ahead (a datetime-local value in WIB): not yet a reminder.
    const inFiveDays = new Date(Date.now() + 5 * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 16);
    const opened = await fetch(`${demo.server.url}/plans/${DEMO.planId}/rounds`, {
      method: "POST",
      headers: { cookie: demo.cookies.owner },
      body: new URLSearchParams([
        ["intent", "open"],
        ["name", "Reminder round"],
        ["deadline", inFiveDays],
        ["sectionIds", "s-concept"],
        ["sectionIds", "s-r193"],
        ["organisationIds", String(await organisation("Bina Swadaya"))],
        ["organisationIds", String(await organisation("ILO"))],
      ]),
      redirect: "manual",
    });
    expect(opened.status).toBe(302);
    const roundId = Number(opened.headers.get("location")!.split("/").pop());
    // The ILO's editor comments on both sections, the partner on one.
    await comment("editor", "ILO on the concept", "s-concept");
    await comment("editor", "ILO on R193", "s-r193");
    await comment("commenter", "Bina Swadaya on the concept", "s-concept");

    // The deadline moves to a day and a half from now: two WIB days ahead at most.
    const deadline = Date.now() + 36 * 3600_000;
    await query((db) => db.updateTable("consultation_rounds").set({ deadline }).where("id", "=", roundId).execute());
    const [partner, editor] = [await userId(DEMO.commenter), await userId(DEMO.editor)];
    const reminders = () =>
      query((db) =>
        db.selectFrom("notifications").select(["user_id", "data", "once_key", "delivery"]).where("kind", "=", "deadline").execute(),
      );
    const made = await eventually(async () => {
      const rows = await reminders();
      return rows.length > 0 && rows;
    }, "the reminder");
    expect(made.map((row) => row.user_id)).toEqual([partner]);
    expect(JSON.parse(made[0]!.data)).toMatchObject({ round: "Reminder round", deadline, when: "soon" });
    expect(made[0]!.once_key).toBe(`deadline:${roundId}:soon:${deadline}`);
    expect(made[0]!.delivery).toBe("digest");
    expect(made.some((row) => row.user_id === editor)).toBe(false);
  });
});

describe("a flood of mentions", () => {
  it("mails a person once per thread in ten minutes and twenty times an hour; the rest waits for the digest, and posting is rate-limited", async () => {
    const viewer = await userId(DEMO.viewer);
    // Back to the default (mentions at once) after the digest tests.
    await query((db) => db.deleteFrom("notification_settings").where("user_id", "=", viewer).execute());
    const before = mailsTo(DEMO.viewer).length;
    const post = (path: string, body: unknown) =>
      fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads${path}`, {
        method: "POST",
        headers: { cookie: demo.cookies.editor, "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    // One thread, six mentions in it: one mail.
    const started = await post("", { body: `@${DEMO.viewer} Flood thread`, sectionId: "s-r193" });
    expect(started.status).toBe(201);
    const threadId = ((await started.json()) as { id: string }).id;
    for (let reply = 1; reply <= 5; reply++) {
      expect((await post(`/${threadId}/comments`, { body: `@${DEMO.viewer} Flood reply ${reply}` })).status).toBe(201);
    }
    await eventually(async () => (await outboxWaiting()) === 0, "the outbox to empty");
    expect(
      mailsTo(DEMO.viewer)
        .slice(before)
        .map((mail) => /Flood \w+/.exec(mail.text)?.[0]),
    ).toEqual(["Flood thread"]);

    // New threads as fast as the server takes them: it stops taking them, with a message for people.
    let created = 1;
    let refusal: Response | undefined;
    for (let attempt = 0; attempt < 60 && !refusal; attempt++) {
      const response = await post("", { body: `@${DEMO.viewer} Flood new ${attempt}`, sectionId: "s-concept" });
      if (response.status === 429) refusal = response;
      else {
        expect(response.status).toBe(201);
        created++;
      }
    }
    expect(refusal, "a burst of new threads is refused at some point").toBeDefined();
    expect(await refusal!.json()).toEqual({ error: expect.stringContaining("Wait a minute"), code: "rateLimited" });
    // Within the burst allowance of 30 comments (6 went on the first thread, a few on earlier
    // tests; a token comes back every 3 s).
    expect(created - 1).toBeGreaterThanOrEqual(15);
    expect(5 + created).toBeLessThanOrEqual(32);

    await eventually(async () => (await outboxWaiting()) === 0, "the outbox to empty");
    expect(mailsTo(DEMO.viewer).slice(before)).toHaveLength(20);
    // Every mention is in the inbox; those not mailed wait for the digest.
    const made = await query((db) =>
      db
        .selectFrom("notifications")
        .select(["delivery", "mailed_at"])
        .where("user_id", "=", viewer)
        .where("kind", "=", "mention")
        .where("data", "like", "%Flood%")
        .execute(),
    );
    expect(made).toHaveLength(5 + created);
    expect(made.filter((row) => row.delivery === "now" && row.mailed_at !== null)).toHaveLength(20);
    expect(made.filter((row) => row.delivery === "digest" && row.mailed_at === null)).toHaveLength(5 + created - 20);
    expect((await health()).status).toBe(200);
  });
});

describe("many comments at once from one account", () => {
  it("are bounded by the burst allowance even when sent simultaneously: the rest 429, none fails", async () => {
    const sends = Array.from({ length: 45 }, (_, i) =>
      fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads`, {
        method: "POST",
        headers: { cookie: demo.cookies.commenter, "content-type": "application/json" },
        body: JSON.stringify({ body: `Simultaneous ${i}`, sectionId: "s-r193" }),
      }).then((response) => response.status),
    );
    const statuses = await Promise.all(sends);
    const created = statuses.filter((status) => status === 201).length;
    // The partner posted a comment earlier in this file; a token comes back every 3 s.
    expect(created).toBeGreaterThanOrEqual(25);
    expect(created).toBeLessThanOrEqual(31);
    expect(statuses.filter((status) => status !== 201 && status !== 429)).toEqual([]);
    expect((await health()).status).toBe(200);
  });
});

describe("two instances on one PostgreSQL", () => {
  let postgres: TestPostgres;
  let smtpBoth: TestSmtp;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    postgres = await startPostgres();
    smtpBoth = await startSmtp();
    const env = { DATABASE_URL: postgres.url, SMTP_URL: smtpBoth.url, MAIL_FROM, ...FAST_MAIL };
    first = await startServer({ env });
    second = await startServer({ env });
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    first?.cleanup();
    second?.cleanup();
    await smtpBoth?.stop();
    await postgres?.stop();
  });

  it("never send a mail twice", { timeout: 90_000 }, async () => {
    // Mail piles up while the mail server is away, then both instances race for it.
    await smtpBoth.stop();
    const owner = await signIn(first.url, DEMO.owner);
    const count = 12;
    for (let i = 0; i < count; i++) await comment("owner", `@${DEMO.commenter} Race ${i}`, "s-concept", first, owner);
    await eventually(async () => (await outboxWaiting(postgres.url)) === count, "the mail to wait");
    await smtpBoth.start();
    await eventually(async () => (await outboxWaiting(postgres.url)) === 0, "the outbox to empty");
    const races = mailsTo(DEMO.commenter, smtpBoth.received).map((mail) => /Race \d+/.exec(mail.text)?.[0]);
    expect(races).toHaveLength(count);
    expect(new Set(races).size).toBe(count);
    expect((await health(second)).body.mail).toMatchObject({ configured: true, waiting: 0, failing: 0 });
  });
});
