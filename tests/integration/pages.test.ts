// Sign-in, sign-out, My plans, the plan page and its refusals, through real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_SESSION_ENDED } from "../../app/collab/protocol";
import { connectClient, openRawSocket, waitFor, whenSynced } from "../helpers/clients";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";

let server: TestServer;

beforeAll(async () => {
  // Sockets re-check their session every 10 minutes here: only signing out can close one sooner.
  server = await startServer({ env: { COLLAB_RECHECK_INTERVAL_MS: "600000" } });
});

afterAll(async () => {
  await server.stop();
  server.cleanup();
});

function get(path: string, cookie?: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { headers: { ...(cookie ? { cookie } : {}), ...headers }, redirect: "manual" });
}

function post(path: string, form: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    redirect: "manual",
  });
}

describe("signing in and out", () => {
  it("sends a signed-out visitor to sign in, and back afterwards", async () => {
    const response = await get("/plans/demo-sse");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fplans%2Fdemo-sse");
    const signedIn = await post("/login", { email: DEMO.editor, password: "gotong-demo", redirectTo: "/plans/demo-sse" });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe("/plans/demo-sse");
  });

  it("gives the same message for a wrong password and an unknown email", async () => {
    const wrongPassword = await post("/login", { email: DEMO.owner, password: "not-it" });
    const unknownEmail = await post("/login", { email: "nobody@example.org", password: "gotong-demo" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const message = "That email and password do not match an account.";
    expect(await wrongPassword.text()).toContain(message);
    expect(await unknownEmail.text()).toContain(message);
  });

  it("asks for missing fields beside the field", async () => {
    const response = await post("/login", { email: "", password: "" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Enter your email address.");
    expect(html).toContain("Enter your password.");
  });

  it("sets an httpOnly, SameSite=Lax session cookie and a new session on every sign-in", async () => {
    const first = await post("/login", { email: DEMO.viewer, password: "gotong-demo" });
    const setCookie = first.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const firstCookie = setCookie.split(";")[0]!;
    const second = await post("/login", { email: DEMO.viewer, password: "gotong-demo" }, firstCookie);
    const secondCookie = (second.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(secondCookie).not.toBe(firstCookie);
    expect((await get("/plans", firstCookie)).status).toBe(302);
    expect((await get("/plans", secondCookie)).status).toBe(200);
  });

  it("signing out ends the session for pages and for the websocket", async () => {
    const cookie = await signIn(server.url, DEMO.editor);
    expect((await get("/plans", cookie)).status).toBe(200);
    const out = await post("/logout", {}, cookie);
    expect(out.status).toBe(302);
    expect((await get("/plans", cookie)).status).toBe(302);
    await expect(openRawSocket(server.wsUrl, DEMO.planId, { cookie })).rejects.toMatchObject({ status: 401 });
  });

  it("signing out closes that session's open sockets at once, and no other session's", async () => {
    const [cookie, otherCookie] = await Promise.all([signIn(server.url, DEMO.editor), signIn(server.url, DEMO.editor)]);
    const [client, other] = [connectClient(server.wsUrl, DEMO.planId, cookie), connectClient(server.wsUrl, DEMO.planId, otherCookie)];
    try {
      await Promise.all([whenSynced(client), whenSynced(other)]);
      const closes: number[] = [];
      client.provider.on("connection-close", (event) => void closes.push(event?.code ?? 0));
      other.provider.on("connection-close", (event) => void closes.push(-(event?.code ?? 1)));
      expect((await post("/logout", {}, cookie)).status).toBe(302);
      await waitFor(() => closes.includes(CLOSE_SESSION_ENDED), "the signed-out session's socket to close");
      expect(closes).toEqual([CLOSE_SESSION_ENDED]);
      expect(other.provider.wsconnected).toBe(true);
    } finally {
      client.destroy();
      other.destroy();
    }
  });

  it("the sign-in page's language choice takes a known language only, and ignores a cookie it did not write", async () => {
    const chosen = await post("/login", { intent: "language", locale: "id", redirectTo: "/plans" });
    expect(chosen.status).toBe(302);
    const cookie = (chosen.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toMatch(/^gotong_language=/);
    expect(await (await get("/login", cookie)).text()).toContain('<html lang="id"');

    const refused = await post("/login", { intent: "language", locale: 'de"><script>alert(1)</script>' });
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    // Cookies written by hand: another language, markup, bytes that are not the cookie's format.
    const encoded = (value: string) => encodeURIComponent(Buffer.from(JSON.stringify(value)).toString("base64"));
    for (const hostile of [encoded("de"), encoded('id"><script>alert(1)</script>'), "%3Cscript%3E", "e30%3D", "A".repeat(5000)]) {
      const response = await get("/login", `gotong_language=${hostile}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('<html lang="en"');
      expect(html).not.toContain("<script>alert(1)");
    }
  });

  it("never writes a password into the logs", async () => {
    await post("/login", { email: DEMO.owner, password: "a-password-to-look-for" });
    expect(JSON.stringify(server.logs)).not.toContain("a-password-to-look-for");
    expect(JSON.stringify(server.logs)).not.toContain("gotong-demo");
  });
});

describe("my plans", () => {
  it("lists the plans the user is a member of, with their role", async () => {
    const html = await (await get("/plans", await signIn(server.url, DEMO.commenter))).text();
    expect(html).toContain('href="/plans/demo-sse"');
    expect(html).toContain("Commenter");
  });

  it("lists nothing for an account that is a member of no plan", async () => {
    const html = await (await get("/plans", await signIn(server.url, DEMO.outsider))).text();
    expect(html).not.toContain('href="/plans/demo-sse"');
    expect(html).toContain("You are not a member of any plan yet.");
  });

  it("creates a plan owned by its creator", async () => {
    const cookie = await signIn(server.url, DEMO.outsider);
    const created = await post("/plans?index", { title: "Provincial SSE roadmap", description: "Pilot in two provinces" }, cookie);
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/plans\/[a-z0-9]+$/);
    const page = await (await get(location, cookie)).text();
    expect(page).toContain("Provincial SSE roadmap");
    const list = await (await get("/plans", cookie)).text();
    expect(list).toContain(`href="${location}"`);
    expect(list).toContain("Owner");
  });

  it("keeps a plan's title on one line: control characters (NUL, which PostgreSQL refuses) become a space", async () => {
    const cookie = await signIn(server.url, DEMO.outsider);
    const created = await post("/plans?index", { title: "Road\u0000map\n\t2027", description: "" }, cookie);
    expect(created.status).toBe(302);
    expect(await (await get(created.headers.get("location")!, cookie)).text()).toContain("Road map 2027");
    // Nothing but control characters is no title.
    expect((await post("/plans?index", { title: "\u0000\u0001", description: "" }, cookie)).status).toBe(400);
  });

  it("refuses a plan without a title with a message beside the field", async () => {
    const response = await post("/plans?index", { title: "  ", description: "" }, await signIn(server.url, DEMO.owner));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Give the plan a title.");
  });

  it("refuses a form posted from another site", async () => {
    const cookie = await signIn(server.url, DEMO.owner);
    const response = await post("/plans?index", { title: "Cross-site" }, cookie, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
  });
});

describe("the plan page", () => {
  it("opens for a member", async () => {
    const response = await get("/plans/demo-sse", await signIn(server.url, DEMO.owner));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Social and Solidarity Economy");
  });

  it("is a 404 for a signed-in account that is not a member", async () => {
    const response = await get("/plans/demo-sse", await signIn(server.url, DEMO.outsider));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Not found");
  });

  it("is a 404 for a plan that does not exist, and for any unknown address", async () => {
    const cookie = await signIn(server.url, DEMO.owner);
    expect((await get("/plans/no-such-plan", cookie)).status).toBe(404);
    expect((await get("/no/such/page", cookie)).status).toBe(404);
  });

  it("shows a View only badge to a viewer and Can suggest and comment to a commenter", async () => {
    const viewerPage = await (await get("/plans/demo-sse", await signIn(server.url, DEMO.viewer))).text();
    expect(viewerPage).toContain("View only");
    const commenterPage = await (await get("/plans/demo-sse", await signIn(server.url, DEMO.commenter))).text();
    expect(commenterPage).toContain("Can suggest and comment");
    const editorPage = await (await get("/plans/demo-sse", await signIn(server.url, DEMO.editor))).text();
    expect(editorPage).not.toContain("View only");
    expect(editorPage).not.toContain("Can suggest and comment");
  });

  it("speaks Bahasa Indonesia to a browser that asks for it", async () => {
    const html = await (await get("/login", undefined, { "accept-language": "id-ID,id;q=0.9" })).text();
    expect(html).toContain('lang="id"');
    expect(html).toContain("Masuk ke Gotong");
  });
});

describe("health", () => {
  it("answers 200 with JSON when the database answers", async () => {
    const response = await get("/healthz");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: string };
    expect(body).toMatchObject({ status: "ok", database: "ok" });
    // It answers before the static files, still behind the headers every answer carries.
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
