// "Since your last visit" in Chromium: the reviewer opens the plan and leaves; the editor changes
// two sections; the reviewer's dashboard marks the plan, the plan page says who changed what,
// and its link (by keyboard) opens the compare showing the editor's words. The dashboard's
// assigned thread opens its card. Screenshots (SCREENSHOTS_DIR) at 390 px and desktop width in
// both languages.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, placeCaretAtEnd, signedInPage } from "../helpers/browser";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let desktop: Page;
let phone: Page;
let threadId: string;
const PLAN_PATH = `/plans/${DEMO.planId}`;
const FIRST = "Seventy cooperatives joined in 2026.";
const SECOND = "The regulation was signed in March.";
const SHOTS = process.env.SCREENSHOTS_DIR;

/** The dashboard whole; the plan page as it opens (the banner is at its top). */
async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: name.includes("dashboard") });
}

async function reviewerPage(context: BrowserContext, path: string): Promise<Page> {
  const page = await signedInPage(context, server.url, DEMO.viewer, path);
  page.setDefaultTimeout(8000);
  return page;
}

const banner = (page: Page) => page.getByTestId("since-last-visit");

async function sinceLastVisit(page: Page): Promise<{ seenAt: number } | null> {
  return page.evaluate(async (planId) => {
    const response = await fetch(`/api/plans/${planId}/since-last-visit`);
    return ((await response.json()) as { since: { seenAt: number } | null }).since;
  }, DEMO.planId);
}

/** Types `text` at the end of a section's first paragraph. */
async function typeAtEnd(page: Page, sectionId: string, text: string) {
  await placeCaretAtEnd(page.locator(`.ProseMirror section[data-section-id="${sectionId}"] p`).first());
  await page.keyboard.type(` ${text}`);
}

beforeAll(async () => {
  server = await startServer({ env: { VERSION_QUIET_MS: "400" } });
  browser = await launchBrowser();
  desktop = await reviewerPage(await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-GB" }), PLAN_PATH);
  phone = await reviewerPage(await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB" }), "/plans");

  // A thread assigned to the partner (db/seed.ts: account 3), due on a day already past.
  const owner = await signIn(server.url, DEMO.owner);
  const created = await fetch(`${server.url}/api/plans/${DEMO.planId}/threads`, {
    method: "POST",
    headers: { cookie: owner, "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ body: "Check these figures against the survey.", sectionId: "s-r193", assigneeId: 3, dueDate: "2026-01-15" }),
  });
  expect(created.status).toBe(201);
  threadId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("the reviewer's visit is recorded when they leave the plan", async () => {
  await desktop.locator('.ProseMirror section[data-section-id="s-concept"]').waitFor();
  await desktop.locator('.connection-status[data-status="connected"]').waitFor();
  await desktop.getByRole("link", { name: /All plans/ }).click();
  await desktop.waitForURL(`${server.url}/plans`);
  await expect.poll(() => sinceLastVisit(desktop), { timeout: 10_000 }).not.toBeNull();
});

it("after the editor changes two sections, the dashboard marks the plan", async () => {
  const editor = await signedInPage(
    await browser.newContext({ viewport: { width: 1440, height: 900 } }),
    server.url,
    DEMO.editor,
    PLAN_PATH,
  );
  editor.setDefaultTimeout(8000);
  await editor.locator(".ProseMirror section").first().waitFor();
  await typeAtEnd(editor, "s-concept", FIRST);
  await typeAtEnd(editor, "s-regulation", SECOND);
  await editor.locator('[data-status="saved"]').waitFor();
  await editor.context().close();

  for (const page of [desktop, phone]) {
    await page.reload();
    await page.locator(`[data-plan-news="${DEMO.planId}"]`).waitFor();
    expect(await page.locator(`[data-plan-news="${DEMO.planId}"]`).innerText()).toBe("Changed since your last visit");
  }
  await shot(desktop, "last-visit-dashboard-desktop-en");
  await shot(phone, "last-visit-dashboard-390-en");
});

it("the plan page says who changed which sections, in both languages", async () => {
  // The phone stays on the plan from here on: the reviewer has not left it, so it stays news.
  await phone.goto(`${server.url}${PLAN_PATH}`);
  await banner(phone).waitFor();
  const text = await banner(phone).innerText();
  expect(text).toMatch(/^2 changes by Tendy Gunawan in “[^”]+” and “[^”]+” since you were last here/);
  await shot(phone, "last-visit-banner-390-en");

  await desktop.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await desktop.getByRole("heading", { name: "Rencana saya", level: 1 }).waitFor();
  await shot(desktop, "last-visit-dashboard-desktop-id");
  await desktop.goto(`${server.url}${PLAN_PATH}`);
  await banner(desktop).waitFor();
  expect(await banner(desktop).innerText()).toMatch(/^2 perubahan oleh Tendy Gunawan di “[^”]+” dan “[^”]+” sejak kunjungan terakhir Anda/);
  await shot(desktop, "last-visit-banner-desktop-id");
  await phone.reload();
  await banner(phone).getByRole("link", { name: "Lihat perubahannya" }).waitFor();
  await shot(phone, "last-visit-banner-390-id");
  await phone.goto(`${server.url}/plans`);
  await phone.getByRole("heading", { name: "Rencana saya", level: 1 }).waitFor();
  await shot(phone, "last-visit-dashboard-390-id");
  await phone.goto(`${server.url}${PLAN_PATH}`);
  await banner(phone).waitFor();

  await desktop.getByRole("button", { name: "English" }).click();
  await banner(desktop).getByRole("link", { name: "See what changed" }).waitFor();
  await shot(desktop, "last-visit-banner-desktop-en");
});

it("its link, followed by keyboard, opens the compare with the editor's words", async () => {
  // Tab from the banner's text reaches the link; Enter follows it.
  const link = banner(desktop).getByRole("link", { name: "See what changed" });
  await banner(desktop).getByRole("button", { name: "Hide" }).focus();
  await desktop.keyboard.press("Shift+Tab");
  expect(await link.evaluate((element) => element === document.activeElement)).toBe(true);
  await desktop.keyboard.press("Enter");
  await desktop.waitForURL(/\/compare\?from=\d+&to=current$/);
  const inserted = desktop.locator(".redline-section ins");
  await inserted.first().waitFor();
  const words = (await inserted.allTextContents()).join("");
  expect(words).toContain(FIRST);
  expect(words).toContain(SECOND);
  expect(await inserted.first().getAttribute("title")).toContain("Tendy Gunawan");
});

it("a thread assigned to the partner is on their dashboard, overdue, and opens its card on the plan", async () => {
  const partner = await signedInPage(
    await browser.newContext({ viewport: { width: 390, height: 844 } }),
    server.url,
    DEMO.commenter,
    "/plans",
  );
  partner.setDefaultTimeout(8000);
  const item = partner.locator(`[data-assigned-thread="${threadId}"]`);
  expect(await item.innerText()).toContain("Overdue");
  await shot(partner, "last-visit-dashboard-390-en-assigned");
  await item.getByRole("link").click();
  await partner.waitForURL(`${server.url}${PLAN_PATH}#thread-${threadId}`);
  await partner.locator(`.thread-card.is-active[data-thread-id="${threadId}"]`).waitFor();
  expect(pageErrors(partner)).toEqual([]);
  expect(pageErrors(desktop)).toEqual([]);
  expect(pageErrors(phone)).toEqual([]);
});
