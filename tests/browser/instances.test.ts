// Two people on one plan through two Gotong instances (one PostgreSQL, one Redis), each in
// real Chromium: what one types appears for the other with the typist's caret, both see two
// people here, and the text is stored once.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { startPostgres, type TestPostgres } from "../helpers/postgres";
import { startRedis, type TestRedis } from "../helpers/redis";
import { DEMO, startServer, storedPlanText, type TestServer } from "../helpers/server";

let postgres: TestPostgres;
let redis: TestRedis;
const servers: TestServer[] = [];
let browser: Browser;
let ownerOnA: Page;
let editorOnB: Page;

const PLAN_PATH = `/plans/${DEMO.planId}`;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const env = { DATABASE_URL: postgres.url, REDIS_URL: redis.url, COLLAB_HEAL_INTERVAL_MS: "1000" };
  servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
  const [a, b] = servers as [TestServer, TestServer];
  browser = await launchBrowser();
  ownerOnA = await signedInPage(await browser.newContext(), a.url, DEMO.owner, PLAN_PATH);
  editorOnB = await signedInPage(await browser.newContext(), b.url, DEMO.editor, PLAN_PATH);
  await Promise.all([ownerOnA.waitForSelector(".ProseMirror"), editorOnB.waitForSelector(".ProseMirror")]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) {
    await server.stop();
    server.cleanup();
  }
  await redis?.cleanup();
  await postgres?.stop();
});

/** Types at the end of the paragraph's first line ("End" stops where the line wraps): tokens
 * without spaces, so no line can break inside one. */
async function typeAtEndOfFirstParagraph(page: Page, text: string): Promise<void> {
  await page.locator(".ProseMirror section").nth(1).locator("p").first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(text);
}

const hasText = (page: Page, text: string) =>
  page.waitForFunction((t) => document.querySelector(".ProseMirror")?.textContent?.includes(t), text);

it("what one types on A appears on B with the typist's caret, and the other way round", async () => {
  await typeAtEndOfFirstParagraph(ownerOnA, " TypedOnInstanceA");
  await hasText(editorOnB, "TypedOnInstanceA");
  await editorOnB.locator(".collaboration-carets__label", { hasText: "Sri Wahyuni" }).waitFor();

  await typeAtEndOfFirstParagraph(editorOnB, " TypedOnInstanceB");
  await hasText(ownerOnA, "TypedOnInstanceB");
  await ownerOnA.locator(".collaboration-carets__label", { hasText: "Tendy Gunawan" }).waitFor();

  for (const page of [ownerOnA, editorOnB]) {
    await page.locator('[data-status="saved"]').waitFor();
    expect(await page.locator(".presence").getAttribute("aria-label")).toBe("2 people here");
  }
  const stored = await storedPlanText(postgres.url, DEMO.planId);
  expect(stored.split("TypedOnInstanceA").length - 1).toBe(1);
  expect(stored.split("TypedOnInstanceB").length - 1).toBe(1);
  // The same text on both pages, leaving out the other person's caret label (in the DOM).
  const textOf = (page: Page) =>
    page.evaluate(() => {
      const copy = document.querySelector(".ProseMirror")!.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll(".collaboration-carets__caret")) caret.remove();
      return copy.textContent;
    });
  await expect.poll(async () => (await textOf(ownerOnA)) === (await textOf(editorOnB))).toBe(true);
  expect(pageErrors(ownerOnA)).toEqual([]);
  expect(pageErrors(editorOnB)).toEqual([]);
});
