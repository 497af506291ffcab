// An invitation from a consultation round, answered from the dashboard in Chromium: the invited
// person sees who asked, for which plan, round and deadline, and the role offered; the plan is
// not among their plans until they accept with the keyboard, and then it opens for comments.
// The invitations fit a 390 px phone. SCREENSHOTS_DIR=… keeps the dashboard at 390 and 1280 px
// in English and Bahasa Indonesia.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
const SHOTS = process.env.SCREENSHOTS_DIR;
const ROUND_NAME = "Partner review, chapters 1–2";

async function organisationIds(shortNames: string[]): Promise<number[]> {
  const db = openDatabase(server.databasePath);
  try {
    return (await db.selectFrom("organisations").select("id").where("short_name", "in", shortNames).execute()).map((row) => row.id);
  } finally {
    await db.destroy();
  }
}

/** The owner opens a round for the outsider's organisation (British Council) and the viewer's. */
async function openRound(cookie: string, planId: string, name: string, sectionId: string): Promise<void> {
  const deadline = new Date(Date.now() + 5 * 24 * 3600_000 + 7 * 3600_000).toISOString().slice(0, 16);
  const response = await fetch(`${server.url}/plans/${planId}/rounds`, {
    method: "POST",
    body: new URLSearchParams([
      ["intent", "open"],
      ["name", name],
      ["deadline", deadline],
      ["sectionIds", sectionId],
      ...(await organisationIds(["British Council", "KemenkopUKM"])).map((id): [string, string] => ["organisationIds", String(id)]),
    ]),
    headers: { cookie },
    redirect: "manual",
  });
  expect(response.status).toBe(302);
}

/** How far right anything in the invitations section reaches, in CSS pixels. */
function widestInvitationEdge(page: Page): Promise<number> {
  return page.evaluate(() =>
    Math.max(...[...document.querySelectorAll(".invitations, .invitations *")].map((element) => element.getBoundingClientRect().right)),
  );
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const owner = await signIn(server.url, DEMO.owner);
  await openRound(owner, DEMO.planId, ROUND_NAME, "s-concept");
  // A second plan of the same owner's, so the card offers "Decline all from …".
  const created = await fetch(`${server.url}/plans?index`, {
    method: "POST",
    body: new URLSearchParams({ title: "Cooperative law revision", template: "blank" }),
    headers: { cookie: owner },
    redirect: "manual",
  });
  const secondPlanId = (created.headers.get("location") ?? "").split("/").pop()!;
  const rounds = await (await fetch(`${server.url}/plans/${secondPlanId}/rounds`, { headers: { cookie: owner } })).text();
  await openRound(owner, secondPlanId, "First reading", /name="sectionIds" value="([^"]+)"/.exec(rounds)![1]!);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("an invited partner accepts from the dashboard with the keyboard and can then comment on the plan", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB" });
  const page = await signedInPage(context, server.url, DEMO.outsider, "/plans");
  page.setDefaultTimeout(8000);
  const card = page.locator(`[data-invitation-plan="${DEMO.planId}"]`);
  await card.waitFor();
  const text = await card.innerText();
  expect(text).toContain("National Entrepreneurship Action Plan");
  expect(text).toContain("Sri Wahyuni (Bappenas)");
  expect(text).toContain(`Consultation round “${ROUND_NAME}”, open until`);
  expect(text).toContain("Role offered: Commenter");
  expect(text).toContain("Decline all 2 invitations from Sri Wahyuni");
  // Not a link, and not among the plans yet.
  expect(await page.locator(`a[href="/plans/${DEMO.planId}"]`).count()).toBe(0);
  // Nothing of the invitations sticks out of a phone's width.
  expect(await widestInvitationEdge(page)).toBeLessThanOrEqual(390);
  await shot(page, "dashboard-invitations-390-en");
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, "dashboard-invitations-1280-en");

  // Keyboard only: Tab reaches Accept, Enter answers.
  const accept = card.getByRole("button", {
    name: "Accept the invitation to “National Entrepreneurship Action Plan — Social and Solidarity Economy”",
  });
  await card.locator("h3").click();
  for (let presses = 0; presses < 10 && !(await accept.evaluate((button) => button === document.activeElement)); presses += 1) {
    await page.keyboard.press("Tab");
  }
  expect(await accept.evaluate((button) => button === document.activeElement)).toBe(true);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${server.url}/plans/${DEMO.planId}`);
  await page.waitForSelector(".ProseMirror");
  expect(await page.locator("body").innerText()).toContain("Can suggest and comment");

  await page.goto(`${server.url}/plans`);
  await page.locator(`.plan-card a[href="/plans/${DEMO.planId}"]`).waitFor();
  expect(await page.locator(`[data-invitation-plan="${DEMO.planId}"]`).count()).toBe(0);
  expect(await page.locator("[data-invitation-plan]").count()).toBe(1);
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});

it("the dashboard's invitations read in Bahasa Indonesia, and declining removes one", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "id-ID" });
  const page = await signedInPage(context, server.url, DEMO.viewer, "/plans");
  page.setDefaultTimeout(8000);
  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await page.waitForFunction(() => document.documentElement.lang === "id");
  const card = page.locator(`[data-invitation-plan="${DEMO.planId}"]`);
  await card.waitFor();
  expect(await card.innerText()).toContain("Peran yang ditawarkan: Pemberi komentar");
  expect(await widestInvitationEdge(page)).toBeLessThanOrEqual(390);
  await shot(page, "dashboard-invitations-390-id");
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, "dashboard-invitations-1280-id");

  await card.getByRole("button", { name: /^Tolak undangan ke/ }).click();
  await card.waitFor({ state: "detached" });
  // The viewer keeps the role they had; the other plan's invitation is still there.
  expect(await page.locator(`.plan-card a[href="/plans/${DEMO.planId}"]`).count()).toBe(1);
  expect(await page.locator("[data-invitation-plan]").count()).toBe(1);
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});
