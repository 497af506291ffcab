// Find and replace, and the word count, as people use them in Chromium: Ctrl+F and Ctrl+H, the
// current match moving with Enter, Replace all as one edit that Ctrl+Z undoes and the server
// stores; commenters find but never replace; counts per section that follow the typing.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, storedPlanText, type TestServer } from "../helpers/server";

const PLAN_PATH = `/plans/${DEMO.planId}`;
let server: TestServer;
let browser: Browser;
let owner: Page;
let partner: Page;

const section = (page: Page, id: string) => page.locator(`.ProseMirror section[data-section-id="${id}"]`);
const findStatus = (page: Page) => page.locator(".find-status");

async function openPlan(email: string): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const page = await signedInPage(context, server.url, email, PLAN_PATH);
  page.setDefaultTimeout(8000);
  await page.locator(".ProseMirror section").first().waitFor();
  await page.locator('[data-status="connected"], [data-status="saved"]').waitFor();
  return page;
}

/** The words the word count gives a section, from the dialog opened with Ctrl+Shift+C. */
async function sectionWords(page: Page, sectionId: string): Promise<number> {
  await page.keyboard.press("Control+Shift+C");
  const dialog = page.getByRole("dialog", { name: "Word count" });
  const words = Number((await dialog.locator(`tr[data-section-id="${sectionId}"] td.number`).innerText()).replace(/\D/g, ""));
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "hidden" });
  return words;
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  owner = await openPlan(DEMO.owner);
  partner = await openPlan(DEMO.commenter);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("finds every match with Ctrl+F, moves with Enter, and closes with Escape back to the text", async () => {
  const mapping = section(owner, "s-mapping").locator("p").first();
  await mapping.click();
  await owner.keyboard.press("End");
  await owner.keyboard.type(" Zebra one, zebra two.");
  await owner.locator('[data-status="saved"]').waitFor();

  await owner.keyboard.press("Control+f");
  const find = owner.getByRole("searchbox", { name: "Find in the text" });
  await expect.poll(() => owner.evaluate(() => document.activeElement?.getAttribute("type"))).toBe("search");
  await find.fill("zebra");
  await expect.poll(() => findStatus(owner).innerText()).toBe("1 of 2");
  expect(await owner.locator(".ProseMirror .find-match").count()).toBe(2);
  expect(await owner.locator(".ProseMirror .find-match.is-current").innerText()).toBe("Zebra");
  await find.press("Enter");
  await expect.poll(() => findStatus(owner).innerText()).toBe("2 of 2");
  expect(await owner.locator(".ProseMirror .find-match.is-current").innerText()).toBe("zebra");
  await owner.getByLabel("Match case").check();
  await expect.poll(() => findStatus(owner).innerText()).toBe("1 of 1");
  await owner.getByLabel("Match case").uncheck();
  // The replace field is only there once asked for (Ctrl+H, or Replace…).
  expect(await owner.getByRole("textbox", { name: "Replace with" }).count()).toBe(0);

  await find.press("Escape");
  await owner.locator(".find-bar").waitFor({ state: "hidden" });
  expect(await owner.locator(".ProseMirror .find-match").count()).toBe(0);
  expect(await owner.evaluate(() => document.activeElement?.classList.contains("ProseMirror"))).toBe(true);
  expect(await owner.evaluate(() => document.getSelection()?.toString())).toMatch(/^zebra$/i);
});

it("replaces all matches in one edit that the server stores and one Ctrl+Z undoes", async () => {
  await owner.keyboard.press("Control+h");
  const find = owner.getByRole("searchbox", { name: "Find in the text" });
  // The selected match became the search.
  await expect.poll(() => find.inputValue()).toMatch(/^zebra$/i);
  await owner.getByRole("textbox", { name: "Replace with" }).fill("okapi");
  await owner.getByRole("button", { name: "Replace all" }).click();
  await expect.poll(() => findStatus(owner).innerText()).toBe("Replaced 2 matches");
  const mapping = section(owner, "s-mapping");
  expect(await mapping.innerText()).toContain("okapi one, okapi two.");
  await owner.locator('[data-status="saved"]').waitFor();
  await expect.poll(() => storedPlanText(server.databasePath, DEMO.planId)).toContain("okapi one, okapi two.");
  await expect.poll(() => section(partner, "s-mapping").innerText()).toContain("okapi one, okapi two.");

  // Replace all is done and disabled: the focus went back to the search, so Escape closes.
  await owner.keyboard.press("Escape");
  await owner.locator(".find-bar").waitFor({ state: "hidden" });
  await owner.keyboard.press("Control+z");
  await expect.poll(() => mapping.innerText()).toContain("Zebra one, zebra two.");
  expect(await mapping.innerText()).not.toContain("okapi");
});

it("a commenter finds but is never offered replace, even with Ctrl+H", async () => {
  await partner.locator(".ProseMirror p").first().click();
  await partner.keyboard.press("Control+h");
  const find = partner.getByRole("searchbox", { name: "Find in the text" });
  await find.fill("zebra");
  await expect.poll(() => findStatus(partner).innerText()).toBe("1 of 2");
  expect(await partner.getByRole("textbox", { name: "Replace with" }).count()).toBe(0);
  expect(await partner.getByRole("button", { name: /Replace/ }).count()).toBe(0);
  // The reading toolbar has the same tools (Find, Word count, shortcuts) beside Comment.
  const toolbar = partner.getByRole("toolbar", { name: "Reading tools" });
  expect(await toolbar.getByRole("button", { name: "Word count" }).count()).toBe(1);
  await find.press("Escape");
});

it("counts each section's words, following what is typed", async () => {
  const before = await sectionWords(owner, "s-mapping");
  expect(before).toBeGreaterThan(10);
  const mapping = section(owner, "s-mapping").locator("p").first();
  await mapping.click();
  await owner.keyboard.press("End");
  await owner.keyboard.type(" Three more words.");
  expect(await sectionWords(owner, "s-mapping")).toBe(before + 3);
  // The selection's count: select the three words just typed.
  for (let i = 0; i < "Three more words.".length; i++) await owner.keyboard.press("Shift+ArrowLeft");
  await owner.keyboard.press("Control+Shift+C");
  const dialog = owner.getByRole("dialog", { name: "Word count" });
  const wordsRow = dialog.getByRole("row", { name: /^Words/ }).first();
  expect(await wordsRow.locator("td").last().innerText()).toBe("3");
  await dialog.getByRole("button", { name: "Close" }).click();
  expect(pageErrors(owner)).toEqual([]);
  expect(pageErrors(partner)).toEqual([]);
});
