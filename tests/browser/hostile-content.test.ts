// Promise 5 (docs/reliability.md): nothing a user writes runs as code in another user's
// browser. Payloads arrive by paste, by a hostile client writing Yjs directly (skipping the
// editor's own checks), and in plan and section titles; a page-level flag that any payload
// would set must stay unset in both browsers, and every link target must be safe or empty.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import { connectClient, paragraphText, waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let editor: Page;
let owner: Page;
const PLAN_PATH = `/plans/${DEMO.planId}`;

const payload = (tag: string) =>
  `<img src=x onerror="window.__pwned='${tag}'"><script>window.__pwned='${tag}-script'</script>` +
  `<a href="javascript:window.__pwned='${tag}-link'">js link</a> <a href="data:text/html,<script>parent.__pwned=1</script>">data link</a> ` +
  `<a href="https://example.org/safe" onclick="window.__pwned='${tag}-onclick'">safe link</a> <svg onload="window.__pwned='${tag}-svg'"></svg>`;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const context = () => browser.newContext({ viewport: { width: 1400, height: 900 } });
  editor = await signedInPage(await context(), server.url, DEMO.editor, PLAN_PATH);
  owner = await signedInPage(await context(), server.url, DEMO.owner, PLAN_PATH);
  await Promise.all([editor.waitForSelector(".ProseMirror"), owner.waitForSelector(".ProseMirror")]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

async function expectNothingRan(page: Page) {
  // Give handlers (onerror, onload) time to fire if anything got through.
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  const hrefs = await page.locator(".ProseMirror a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  // A refused target is rendered as an empty href (Tiptap's link sanitising): inert.
  for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:|$)/i);
  expect(await page.locator(".ProseMirror script, .ProseMirror [onerror], .ProseMirror [onclick], .ProseMirror [onload]").count()).toBe(0);
}

it("pasted HTML with scripts, handlers and javascript:/data: links runs nowhere", async () => {
  await editor.locator(".ProseMirror section").nth(1).locator("> p").first().click();
  await editor.evaluate((html) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", "pasted");
    document
      .querySelector(".ProseMirror")!
      .dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, payload("paste"));
  await owner.locator(".ProseMirror", { hasText: "safe link" }).waitFor();
  await expectNothingRan(editor);
  await expectNothingRan(owner);
  // The safe link survives as a link, with rel set.
  expect(await owner.locator('.ProseMirror a[href="https://example.org/safe"]').getAttribute("rel")).toContain("noopener");
});

it("a hostile client writing a javascript: link and markup straight into Yjs runs nowhere", async () => {
  const cookie = await signIn(server.url, DEMO.editor);
  // The link is refused whole by the server (tests/reliability/forged-content.test.ts): its
  // socket is closed and nothing of it reaches anyone.
  const linker = connectClient(server.wsUrl, DEMO.planId, cookie);
  await whenSynced(linker);
  paragraphText(linker.doc, 2).insert(0, "evil link ", { link: { href: "javascript:window.__pwned='yjs-link'", target: "_self" } });
  await waitFor(() => !linker.provider.wsconnected, "the server to close the hostile socket");
  linker.destroy();
  const hostile = connectClient(server.wsUrl, DEMO.planId, cookie);
  await whenSynced(hostile);
  hostile.doc.transact(() => {
    const text = paragraphText(hostile.doc, 2);
    text.insert(0, "evil text ");
    text.insert(0, payload("yjs-text"));
    // A heading whose text is markup: it becomes the section's title in the outline.
    const section = hostile.doc.getXmlFragment("default").get(3) as Y.XmlElement;
    const title = (section.get(0) as Y.XmlElement).get(0);
    if (title instanceof Y.XmlText) title.insert(0, `<img src=x onerror="window.__pwned='title'">`);
  });
  await whenSaved(hostile);
  hostile.destroy();
  await owner.locator(".ProseMirror", { hasText: "evil text" }).waitFor();
  expect(await owner.locator(".ProseMirror", { hasText: "evil link" }).count()).toBe(0);
  await owner.reload();
  await owner.locator(".outline-title", { hasText: "<img src=x" }).first().waitFor();
  await expectNothingRan(owner);
  await expectNothingRan(editor);
});

it("a plan title with markup is shown as text on the dashboard and the plan page", async () => {
  const created = await fetch(`${server.url}/plans?index`, {
    method: "POST",
    body: new URLSearchParams({
      title: `<script>window.__pwned='plan'</script><img src=x onerror="window.__pwned='plan-img'">`,
      description: "<b>bold?</b>",
    }),
    headers: { cookie: await signIn(server.url, DEMO.owner) },
    redirect: "manual",
  });
  const location = created.headers.get("location")!;
  await owner.goto(`${server.url}/plans`);
  await owner.getByText("<script>window.__pwned='plan'</script>", { exact: false }).first().waitFor();
  await expectNothingRan(owner);
  await owner.goto(`${server.url}${location}`);
  await owner.locator(".ProseMirror").waitFor();
  await expectNothingRan(owner);
});

it("comment bodies with markup, handlers and javascript: links are shown as text, with only http(s) and mailto links", async () => {
  await owner.goto(`${server.url}${PLAN_PATH}`);
  const partner = await signIn(server.url, DEMO.commenter);
  const body = `${payload("comment")} javascript:window.__pwned='bare' [x](javascript:alert(1)) see https://example.org/ok and mailto:team@example.org`;
  const created = await fetch(`${server.url}/api/plans/${DEMO.planId}/threads`, {
    method: "POST",
    headers: { cookie: partner, "content-type": "application/json" },
    body: JSON.stringify({ body, sectionId: "s-regulation" }),
  });
  expect(created.status).toBe(201);
  const threadId = ((await created.json()) as { id: string }).id;
  for (const page of [owner, editor]) {
    const card = page.locator(`article[data-thread-id="${threadId}"]`);
    await card.waitFor();
    // The markup is there as text, and nothing in the card is markup from the body.
    expect(await card.innerText()).toContain("<script>window.__pwned='comment-script'</script>");
    expect(await card.locator("script, img, svg, [onerror], [onclick], [onload]").count()).toBe(0);
    const hrefs = await card.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    expect(hrefs.sort()).toEqual(["https://example.org/ok", "https://example.org/safe", "mailto:team@example.org"].sort());
    await expectNothingRan(page);
  }
});

it("no script errors", () => {
  expect(pageErrors(editor)).toEqual([]);
  expect(pageErrors(owner)).toEqual([]);
});
