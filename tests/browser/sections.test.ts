// An editor adds a section and fills an action matrix row; another person's browser sees
// the section in its outline and the action under its institution, live.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let editor: Page;
let owner: Page;
const PLAN_PATH = `/plans/${DEMO.planId}`;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  editor = await signedInPage(await browser.newContext({ viewport: { width: 1400, height: 900 } }), server.url, DEMO.editor, PLAN_PATH);
  owner = await signedInPage(await browser.newContext({ viewport: { width: 1400, height: 900 } }), server.url, DEMO.owner, PLAN_PATH);
  await Promise.all([editor.waitForSelector(".ProseMirror"), owner.waitForSelector(".ProseMirror")]);
});

/** Opens the section's "⋯" menu in the outline and chooses one of its items. */
async function sectionAction(page: Page, title: string, item: string) {
  await page.getByRole("button", { name: `Actions for “${title}”` }).click();
  await page.getByRole("menu").getByRole("menuitem", { name: item }).click();
}

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("an added section with a filled matrix row appears in the other browser's outline and actions", async () => {
  await editor.getByRole("button", { name: "Add section" }).click();
  await editor.keyboard.type(": pilot provinces");
  await editor.keyboard.press("Enter");
  await editor.getByRole("button", { name: "Insert action matrix" }).click();

  const newSection = editor.locator(".ProseMirror section").last();
  await newSection.locator("table.action-matrix td").first().click();
  await editor.keyboard.type("Village SSE hubs");
  await editor.keyboard.press("Tab");
  await editor.keyboard.type("Set up SSE hubs in two provinces");
  for (let i = 0; i < 6; i++) await editor.keyboard.press("Tab");
  await editor.keyboard.type("Bappenas Pilot Office");

  const outlineItem = owner.locator(".outline-item", { hasText: "New section: pilot provinces" });
  await outlineItem.waitFor();
  const actions = owner.getByTestId("actions-by-institution");
  const group = actions.locator(".institution-group", { has: owner.locator("h3", { hasText: "Bappenas Pilot Office" }) });
  await group.waitFor();
  expect(await group.locator("tbody tr").count()).toBe(1);
  expect(await group.locator("tbody tr td").nth(0).textContent()).toBe("New section: pilot provinces");
  expect(await group.locator("tbody tr td").nth(1).textContent()).toBe("Set up SSE hubs in two provinces");
});

it("moving a section down in one browser moves it in the other", async () => {
  const titles = (page: Page) => page.locator(".outline-title").allTextContents();
  const before = await titles(owner);
  await sectionAction(editor, before[0]!, "Move down");
  await owner.waitForFunction((first) => document.querySelectorAll(".outline-title")[1]?.textContent === first, before[0]);
  expect((await titles(owner)).slice(0, 2)).toEqual([before[1], before[0]]);
});

it("a status change made by the owner shows in the editor's outline without reloading", async () => {
  const item = owner.locator(".outline-item").filter({ hasText: "3. Regulatory aspects" });
  await sectionAction(owner, "3. Regulatory aspects: existing and incoming", "Details");
  await item.getByLabel("Status").selectOption("in_review");
  await item.getByRole("button", { name: "Save details" }).click();
  await editor
    .locator(".outline-item")
    .filter({ hasText: "3. Regulatory aspects" })
    .getByTestId("section-status")
    .filter({ hasText: "In review" })
    .waitFor();
});

it("renaming from the outline selects the heading so typing replaces it", async () => {
  const first = (await owner.locator(".outline-title").allTextContents())[0]!;
  await sectionAction(editor, first, "Rename");
  await editor.keyboard.type("Renamed section");
  await owner.locator(".outline-title", { hasText: "Renamed section" }).waitFor({ timeout: 5000 });
  expect(await owner.locator(".outline-title").allTextContents()).not.toContain(first);
});

it("a section added in one browser gets its details form in the other without reloading", async () => {
  await owner.locator(".outline-item", { hasText: "New section: pilot provinces" }).waitFor();
  await sectionAction(owner, "New section: pilot provinces", "Details");
  await owner.locator(".outline-item", { hasText: "New section: pilot provinces" }).getByRole("button", { name: "Save details" }).waitFor();
});

it("typing stays where the caret is while the other person types and moves sections", async () => {
  // Guards our patch of the Yjs binding (scripts/patches): remote typing no longer rebuilds
  // the whole node mapping, structural changes (moves) still do.
  const editorParagraph = editor.locator(".ProseMirror section").nth(2).locator("> p").first();
  await editorParagraph.click();
  await editor.keyboard.press("End");
  const ownerParagraph = owner.locator(".ProseMirror section").nth(3).locator("> p").first();
  await ownerParagraph.click();
  await owner.keyboard.press("End");
  for (const ch of "ABCDE") {
    await editor.keyboard.type(ch);
    await owner.keyboard.type(ch.toLowerCase());
  }
  const titles = await owner.locator(".outline-title").allTextContents();
  await sectionAction(owner, titles[0]!, "Move down");
  await editor.waitForFunction((first) => document.querySelectorAll(".outline-title")[1]?.textContent === first, titles[0]);
  // The editor's caret is still where it was, though the sections around it moved.
  await editor.keyboard.type("FGH");
  for (const page of [editor, owner]) {
    await page.waitForFunction(() => {
      const text = document.querySelector(".ProseMirror")?.textContent ?? "";
      return text.includes("ABCDEFGH") && text.includes("abcde");
    });
  }
});

it("no script errors", () => {
  expect(pageErrors(editor)).toEqual([]);
  expect(pageErrors(owner)).toEqual([]);
});
