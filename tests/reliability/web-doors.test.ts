// Security issue 20, the web doors: each attack found against the landed app, replayed
// against the real server. Redirects after sign-in, the sign-in throttle, CSV cells that
// become formulas, the cost of compares, the Secure cookie flag and the Origin check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PLAN_FRAGMENT } from "../../app/editor/document.server";
import { openRawSocket, typeAt, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, startServer, type TestServer } from "../helpers/server";

const demo = useDemoServer();

function get(path: string, cookie?: string, headers: Record<string, string> = {}) {
  return fetch(`${demo.server.url}${path}`, { headers: { ...(cookie ? { cookie } : {}), ...headers }, redirect: "manual" });
}

function post(baseUrl: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${path}`, { method: "POST", body: new URLSearchParams(form), headers, redirect: "manual" });
}

/** Where a browser goes with this Location: a path on this very site, written as one. */
function expectOnThisSite(location: string | null) {
  expect(location).not.toBeNull();
  expect(location!.startsWith("/")).toBe(true);
  expect(location!.startsWith("//") || location!.startsWith("/\\")).toBe(false);
  const resolved = new URL(location!, demo.server.url);
  expect(resolved.origin).toBe(demo.server.url);
  // Not even after a proxy or a framework decodes %2F and %5C once more.
  expect(/^\/[/\\]/.test(decodeURIComponent(resolved.pathname))).toBe(false);
}

// Each one reaches the server as written (the query is encoded once on the way).
const HOSTILE_TARGETS = [
  "/./\\127.0.0.1:9/phish",
  "/plans/../\\evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/.//evil.example",
  "/x/..//evil.example",
  "/x/../\\/evil.example",
  "https://evil.example/",
  "https:evil.example",
  "http:/\\evil.example",
  "javascript:alert(1)",
  "/%2F%2Fevil.example",
  "/%5C%5Cevil.example",
  "/%2f/evil.example",
  "/%5c127.0.0.1:9/phish",
];

describe("redirects after signing in (open redirect)", () => {
  it("a signed-in visit to /login with the reported target stays on this site", async () => {
    const response = await fetch(`${demo.server.url}/login?redirectTo=/./%5C127.0.0.1:9/phish`, {
      headers: { cookie: demo.cookies.owner },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expectOnThisSite(response.headers.get("location"));
  });

  it.each(HOSTILE_TARGETS)("a signed-in visit to /login with redirectTo %j stays on this site", async (target) => {
    const response = await get(`/login?${new URLSearchParams({ redirectTo: target })}`, demo.cookies.owner);
    expect(response.status).toBe(302);
    expectOnThisSite(response.headers.get("location"));
  });

  it.each(HOSTILE_TARGETS)("signing in with redirectTo %j lands on this site", async (target) => {
    const response = await post(demo.server.url, "/login", { email: DEMO.viewer, password: "gotong-demo", redirectTo: target });
    expect(response.status).toBe(302);
    expectOnThisSite(response.headers.get("location"));
  });

  it.each(HOSTILE_TARGETS)("the language switcher with redirectTo %j returns to this site", async (target) => {
    const response = await post(demo.server.url, "/settings", { locale: "en", redirectTo: target }, { cookie: demo.cookies.viewer });
    expect(response.status).toBe(302);
    expectOnThisSite(response.headers.get("location"));
  });

  it("a path on this site comes back resolved, with its query and fragment", async () => {
    const response = await post(demo.server.url, "/login", {
      email: DEMO.viewer,
      password: "gotong-demo",
      redirectTo: "/plans/./demo-sse/x/../history?from=1&to=current#top",
    });
    expect(response.headers.get("location")).toBe("/plans/demo-sse/history?from=1&to=current#top");
  });
});

describe("the sign-in throttle", () => {
  // Behind a proxy on loopback: X-Forwarded-For gives each request the address it claims.
  let proxied: TestServer;
  beforeAll(async () => {
    proxied = await startServer({ env: { TRUST_PROXY: "loopback" } });
  });
  afterAll(async () => {
    await proxied.stop();
    proxied.cleanup();
  });

  const attempt = (email: string, password: string, address: string, headers: Record<string, string> = {}) =>
    post(proxied.url, "/login", { email, password }, { "x-forwarded-for": address, ...headers });

  it("checks only five of sixty simultaneous wrong passwords for one account from one address, and refuses the rest and the right one with 429", async () => {
    const burst = await Promise.all(Array.from({ length: 60 }, () => attempt(DEMO.editor, "wrong", "203.0.113.10")));
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(55);
    for (const refused of burst.filter((response) => response.status === 429)) {
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect((await attempt(DEMO.editor, "gotong-demo", "203.0.113.10")).status).toBe(429);
  });

  it("lets the right password through in a burst only if it is among the attempts allowed", async () => {
    const burst = await Promise.all([
      ...Array.from({ length: 30 }, () => attempt(DEMO.commenter, "wrong", "203.0.113.11")),
      attempt(DEMO.commenter, "gotong-demo", "203.0.113.11"),
    ]);
    const checked = burst.filter((response) => response.status === 401 || response.status === 302);
    expect(checked.length).toBeLessThanOrEqual(5);
  });

  it("does not lock the account's owner out of their own address while an attacker fails from another", async () => {
    const failures = await Promise.all(Array.from({ length: 40 }, () => attempt(DEMO.owner, "wrong", "198.51.100.66")));
    expect(failures.some((response) => response.status === 429)).toBe(true);
    const owner = await attempt(DEMO.owner, "gotong-demo", "192.0.2.44");
    expect(owner.status).toBe(302);
  });

  it("slows one address guessing across many accounts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await attempt(`nobody${i}@example.org`, "wrong", "203.0.113.12")).status);
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
  });

  it("says when to try again in a sentence, in the page's language, and in Retry-After", async () => {
    for (let i = 0; i < 5; i++) await attempt(DEMO.viewer, "wrong", "203.0.113.13");
    const english = await attempt(DEMO.viewer, "wrong", "203.0.113.13", { "accept-language": "en" });
    expect(english.status).toBe(429);
    const seconds = Number(english.headers.get("retry-after"));
    expect(seconds).toBeGreaterThan(0);
    expect(await english.text()).toMatch(/Too many attempts\. Try again in \d+ (seconds?|minutes?)\./);
    const indonesian = await attempt(DEMO.viewer, "wrong", "203.0.113.13", { "accept-language": "id" });
    expect(indonesian.status).toBe(429);
    expect(await indonesian.text()).toMatch(/Terlalu banyak percobaan\. Coba lagi dalam \d+ (detik|menit)\./);
  });

  it("marks the session cookie Secure when the trusted proxy says the request came over https", async () => {
    const response = await attempt(DEMO.editor, "gotong-demo", "192.0.2.99", { "x-forwarded-proto": "https" });
    // The editor's own earlier burst came from another address: this one is free.
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
  });

  it("accepts a post from the https origin the trusted proxy reports, and refuses its http twin", async () => {
    const host = new URL(proxied.url).host;
    const headers = (origin: string) => ({ "x-forwarded-for": "192.0.2.100", "x-forwarded-proto": "https", origin });
    expect((await attempt(DEMO.viewer, "gotong-demo", "192.0.2.100", headers(`https://${host}`))).status).toBe(302);
    expect((await attempt(DEMO.viewer, "gotong-demo", "192.0.2.100", headers(`http://${host}`))).status).toBe(403);
  });
});

describe("CSV cells that would become formulas", () => {
  /** Every piece a spreadsheet could take for a cell, whichever separator it splits on and
   * whether or not it honours our quotes. */
  function possibleCells(csv: string): string[] {
    return csv.replace(/^\uFEFF/, "").split(/[,;\t\r\n]/);
  }

  function actionCellText(doc: Y.Doc): Y.XmlText {
    const find = (node: Y.XmlElement | Y.XmlFragment): Y.XmlElement | undefined => {
      for (const child of node.toArray()) {
        if (!(child instanceof Y.XmlElement)) continue;
        if (child.nodeName === "actionCell") return child;
        const found = find(child);
        if (found) return found;
      }
      return undefined;
    };
    const cell = find(doc.getXmlFragment(PLAN_FRAGMENT))!;
    const paragraph = cell.get(0) as Y.XmlElement;
    return paragraph.get(0) as Y.XmlText;
  }

  it("writes an action cell holding a formula after a semicolon so that no spreadsheet reads a formula", async () => {
    const editor = demo.client("editor");
    await whenSynced(editor);
    actionCellText(editor.doc).insert(0, "x;=cmd|' /C calc'!A0;\n+1+1,@SUM(1),－2;\"=HYPERLINK(1)\";＝1 ");
    await whenSaved(editor);
    const csv = await (await get(`/plans/${DEMO.planId}/actions.csv`, demo.cookies.viewer)).text();
    expect(csv).toContain("cmd|");
    for (const cell of possibleCells(csv)) {
      expect(cell.replace(/^[\s"]+/, "")).not.toMatch(/^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/);
    }
    demo.closeClients();
  });
});

describe("the cost of compares", () => {
  const api = (path: string, role: "owner" | "editor" | "viewer" = "viewer") =>
    fetch(`${demo.server.url}/api/plans/${DEMO.planId}${path}`, { headers: { cookie: demo.cookies[role] } });

  async function saveVersion(role: "owner" | "editor", name: string): Promise<number> {
    for (;;) {
      const response = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/versions`, {
        method: "POST",
        headers: { cookie: demo.cookies[role], "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      if (response.status === 201) return ((await response.json()) as { id: number }).id;
      expect(response.status).toBe(429); // saving too often: poll until it is allowed
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const versionIds: number[] = [];
  let editor: TestClient;
  beforeAll(async () => {
    // A large plan: four versions of a few hundred kilobytes of text, each a little different.
    editor = demo.client("editor");
    await whenSynced(editor);
    for (let section = 0; section < 4; section++) {
      typeAt(editor.doc, Array.from({ length: 1500 }, (_, i) => `Paragraph text number ${i} of section ${section}. `).join(""), section);
    }
    await whenSaved(editor);
    for (let v = 0; v < 4; v++) {
      typeAt(editor.doc, `Change ${v}. `, v);
      await whenSaved(editor);
      versionIds.push(await saveVersion(v % 2 ? "owner" : "editor", `Large ${v}`));
    }
  }, 120_000);

  const pairs = () => {
    const all: [number, number | "current"][] = [];
    for (const from of versionIds) all.push([from, "current"]);
    for (const from of versionIds) for (const to of versionIds) if (from < to) all.push([from, to]);
    return all;
  };

  it("answers ten simultaneous compares of different pairs of a large plan with at most a few computed, the rest 429 with Retry-After and a message", async () => {
    const answers = await Promise.all(pairs().map(([from, to]) => api(`/compare?from=${from}&to=${to}`)));
    const refused = answers.filter((response) => response.status === 429);
    expect(answers.every((response) => response.status === 200 || response.status === 429)).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    for (const response of refused) {
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await response.json()) as { error: string }).error).toMatch(/busy|comparisons/i);
    }
  });

  it("refuses the Word redline past the bound too, with Retry-After", async () => {
    const answers = await Promise.all(
      pairs().map(([from, to]) =>
        fetch(`${demo.server.url}/plans/${DEMO.planId}/compare.docx?from=${from}&to=${to}`, { headers: { cookie: demo.cookies.viewer } }),
      ),
    );
    const refused = answers.filter((response) => response.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    await Promise.all(answers.map((response) => response.arrayBuffer()));
  });

  it("answers ten simultaneous compares of the same pair all alike, none refused", async () => {
    const [from] = versionIds;
    const answers = await Promise.all(Array.from({ length: 10 }, () => api(`/compare?from=${from}&to=${versionIds[3]}`)));
    expect(answers.map((response) => response.status)).toEqual(Array(10).fill(200));
    const bodies = await Promise.all(answers.map((response) => response.text()));
    expect(new Set(bodies).size).toBe(1);
  });

  it("gives the same comparison from the cache as computed, and a fresh one once the text or a section's details change", async () => {
    const compare = async () => {
      for (;;) {
        const response = await api(`/compare?from=${versionIds[0]}&to=current`);
        if (response.status === 200)
          return (await response.json()) as { to: { createdAt: number }; changes: { text?: string }[]; summary: unknown };
        expect(response.status).toBe(429);
        await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("retry-after")) * 100));
      }
    };
    const first = await compare();
    const again = await compare();
    expect({ ...again, to: { ...again.to, createdAt: 0 } }).toEqual({ ...first, to: { ...first.to, createdAt: 0 } });
    typeAt(editor.doc, "Freshly typed words. ", 0);
    await whenSaved(editor);
    const afterEdit = await compare();
    expect(JSON.stringify(afterEdit.changes)).toContain("Freshly typed words.");
    const status = await post(
      demo.server.url,
      `/plans/${DEMO.planId}/sections/s-concept`,
      { dueDate: "2031-01-31" },
      { cookie: demo.cookies.owner },
    );
    expect(status.status).toBe(200);
    const afterDetails = await compare();
    expect(JSON.stringify(afterDetails)).toContain("2031-01-31");
  });
});

describe("the Secure cookie flag", () => {
  it("is not set over plain http because of an X-Forwarded-Proto header without TRUST_PROXY", async () => {
    const response = await post(
      demo.server.url,
      "/login",
      { email: DEMO.viewer, password: "gotong-demo" },
      { "x-forwarded-proto": "https" },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).not.toMatch(/;\s*Secure/i);
  });
});

describe("the Origin check", () => {
  const foreignTwins = () => {
    const { host, hostname, port } = new URL(demo.server.url);
    return [`https://${host}`, `http://${hostname}:${Number(port) + 1}`, `http://${hostname}`, "null", `ws://${host}`];
  };

  it("refuses a post whose Origin has this host but another scheme or port", async () => {
    for (const origin of foreignTwins()) {
      const response = await post(demo.server.url, "/settings", { locale: "en" }, { cookie: demo.cookies.viewer, origin });
      expect(response.status, origin).toBe(403);
    }
  });

  it("accepts a post from the page's own origin", async () => {
    const response = await post(demo.server.url, "/settings", { locale: "en" }, { cookie: demo.cookies.viewer, origin: demo.server.url });
    expect(response.status).toBe(302);
  });

  it("refuses a websocket whose Origin has this host but another scheme or port", async () => {
    for (const origin of foreignTwins()) {
      await expect(openRawSocket(demo.server.wsUrl, DEMO.planId, { cookie: demo.cookies.viewer, origin }), origin).rejects.toMatchObject({
        status: 403,
      });
    }
    const own = await openRawSocket(demo.server.wsUrl, DEMO.planId, { cookie: demo.cookies.viewer, origin: demo.server.url });
    own.close();
  });
});
