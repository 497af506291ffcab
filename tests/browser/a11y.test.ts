// Every page passes axe-core's checks in both languages, and the plan page works from the
// keyboard alone: a skip link into the text, the toolbar as one Tab stop with arrow keys,
// a menu of section actions, the shortcut list. Real Chromium, the real server.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage, openRoundFromPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";
import { axeViolations } from "../helpers/axe";

const PLAN_PATH = `/plans/${DEMO.planId}`;

let server: TestServer;
let browser: Browser;
let versionPath = "";
let roundPath = "";

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The owner opens a round and saves a version, so that both pages exist.
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const owner = await signedInPage(context, server.url, DEMO.owner, `${PLAN_PATH}/rounds`);
  owner.setDefaultTimeout(8000);
  roundPath = await openRoundFromPage(owner, "Accessibility review");
  await owner.goto(`${server.url}${PLAN_PATH}`);
  await owner.waitForSelector(".ProseMirror");
  await owner.getByRole("button", { name: "Save version" }).click();
  await owner.getByRole("dialog", { name: "Save a named version" }).getByLabel("Name").fill("Checked");
  await owner.getByRole("dialog", { name: "Save a named version" }).getByRole("button", { name: "Save", exact: true }).click();
  await owner.getByRole("status").filter({ hasText: "Version “Checked” saved." }).waitFor();
  await owner.goto(`${server.url}${PLAN_PATH}/history`);
  versionPath = (await owner.locator(".version-row", { hasText: "Checked" }).getByRole("link", { name: "Open" }).getAttribute("href"))!;
  await context.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

describe.each([
  ["en-GB", "English"],
  ["id-ID", "Bahasa Indonesia"],
])("axe-core, browser language %s", (locale) => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    // The page's Content Security Policy rightly refuses injected scripts; axe is ours.
    context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await signedInPage(context, server.url, DEMO.owner, "/plans");
    page.setDefaultTimeout(8000);
  });
  afterAll(async () => {
    await context?.close();
  });

  it("the sign-in page has no violations", async () => {
    const anonymous = await browser.newContext({ locale, bypassCSP: true });
    const signIn = await anonymous.newPage();
    await signIn.goto(`${server.url}/login`);
    expect(await axeViolations(signIn)).toEqual([]);
    await anonymous.close();
  });

  const pages: [string, () => string, string][] = [
    ["dashboard", () => "/plans", "h1"],
    ["plan", () => PLAN_PATH, ".ProseMirror .plan-section"],
    ["history", () => `${PLAN_PATH}/history`, ".version-row"],
    ["version", () => versionPath, ".ProseMirror"],
    ["compare", () => `${PLAN_PATH}/compare`, "h1"],
    ["rounds", () => `${PLAN_PATH}/rounds`, "h1"],
    ["round", () => roundPath, "h1"],
    ["members", () => `${PLAN_PATH}/members`, "h1"],
    ["settings", () => "/settings", "h1"],
    ["notifications", () => "/notifications", "h1"],
  ];
  it.each(pages)("the %s page has no violations", async (_name, pagePath, ready) => {
    await page.goto(`${server.url}${pagePath()}`);
    await page.waitForSelector(ready);
    if (ready.includes("ProseMirror")) await page.waitForTimeout(300);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("the plan page from the keyboard", () => {
  let context: BrowserContext;
  let page: Page;
  const isInText = () => page.evaluate(() => !!document.activeElement?.closest(".ProseMirror"));
  const focusedName = () =>
    page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim() ?? "");

  beforeAll(async () => {
    context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
    page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
    page.setDefaultTimeout(8000);
  });
  afterAll(async () => {
    await context?.close();
  });

  const freshLoad = async () => {
    await page.goto(`${server.url}${PLAN_PATH}`);
    await page.waitForSelector(".ProseMirror .plan-section");
    // The outline follows the text a moment later.
    await page.waitForFunction(() => {
      const items = document.querySelectorAll(".outline-item").length;
      return items > 0 && items === document.querySelectorAll(".ProseMirror section[data-section-id]").length;
    });
  };

  it("from a fresh load the text is at most five key presses away", async () => {
    await freshLoad();
    let presses = 0;
    while (presses < 100 && !(await isInText())) {
      const isOnSkipLink = await page.evaluate(() => document.activeElement?.classList.contains("skip-link") ?? false);
      await page.keyboard.press(isOnSkipLink ? "Enter" : "Tab");
      presses++;
    }
    expect(presses).toBeLessThanOrEqual(5);
  });

  it("the skip link puts the caret in the text", async () => {
    await freshLoad();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await isInText()).toBe(true);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).isContentEditable)).toBe(true);
  });

  it("the text is named after the plan", async () => {
    await freshLoad();
    const name = await page.locator(".ProseMirror").getAttribute("aria-label");
    const title = (await page.locator("h1").textContent())!.trim();
    expect(name).toBe(`Plan text: ${title}`);
  });

  it("the toolbar is one Tab stop, with arrow keys, Home and End inside", async () => {
    await freshLoad();
    const tabbable = await page.locator('[role="toolbar"] button:not([tabindex="-1"]):not(:disabled)').count();
    expect(tabbable).toBe(1);
    await page.locator('[role="toolbar"] button[tabindex="0"]').focus();
    const first = await focusedName();
    await page.keyboard.press("ArrowRight");
    const second = await focusedName();
    expect(second).not.toBe(first);
    await page.keyboard.press("ArrowLeft");
    expect(await focusedName()).toBe(first);
    await page.keyboard.press("End");
    expect(await focusedName()).toBe("Mode: Editing");
    await page.keyboard.press("Home");
    expect(await focusedName()).toBe(first);
    // Tab leaves the toolbar for the text, and Shift+Tab comes back to the last used button.
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Tab");
    expect(await isInText()).toBe(true);
    await page.keyboard.press("Shift+Tab");
    expect(await focusedName()).toBe(second);
  });

  it("toolbar buttons have icons, tooltips and pressed states", async () => {
    await freshLoad();
    const bold = page.getByRole("button", { name: "Bold" });
    expect(await bold.locator("svg").count()).toBe(1);
    expect(await bold.getAttribute("title")).toContain("Bold");
    expect(await bold.getAttribute("aria-pressed")).toBe("false");
  });

  it("a section's actions open in a menu from the keyboard, and its items work", async () => {
    await freshLoad();
    const titles = await page.locator(".outline-title").allTextContents();
    const menuButton = page.getByRole("button", { name: `Actions for “${titles[0]}”` });
    await menuButton.focus();
    await page.keyboard.press("Enter");
    const menu = page.getByRole("menu");
    await menu.waitFor();
    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    expect(await focusedName()).toBe("Rename");
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "detached" });
    expect(await focusedName()).toBe(`Actions for “${titles[0]}”`);

    await page.keyboard.press("ArrowDown");
    await menu.waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await focusedName()).toBe("Move down");
    await page.keyboard.press("Enter");
    await page.waitForFunction((first) => document.querySelectorAll(".outline-title")[1]?.textContent === first, titles[0]);
  });

  it("a section's details open from its menu with focus in the form, and Escape returns to the menu", async () => {
    await freshLoad();
    const titles = await page.locator(".outline-title").allTextContents();
    await page.getByRole("button", { name: `Actions for “${titles[2]}”` }).focus();
    await page.keyboard.press("ArrowUp");
    await page.getByRole("menuitem", { name: "Details" }).focus();
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("status");
    await page.keyboard.press("Escape");
    expect(await focusedName()).toBe(`Actions for “${titles[2]}”`);
    expect(await page.getByRole("group", { name: `Details of “${titles[2]}”` }).count()).toBe(0);
  });

  it("each section in the outline is at most two Tab stops", async () => {
    await freshLoad();
    // Read at one moment: CI once counted the outline's rows while they were being drawn again.
    const { sections, stops, badges } = await page.evaluate(() => {
      const outline = document.querySelector(".outline")!;
      return {
        sections: outline.querySelectorAll(".outline-item").length,
        stops: [...outline.querySelectorAll<HTMLElement>("button, a[href], summary, input, select, textarea, [tabindex]")]
          .filter((element) => element.tabIndex >= 0 && !(element as HTMLButtonElement).disabled && element.getClientRects().length > 0)
          .map((element) => element.getAttribute("aria-label") ?? element.textContent),
        badges: document.querySelectorAll('[data-testid="section-comment-count"]').length,
      };
    });
    expect(sections).toBeGreaterThan(0);
    // Title and menu per section, "Add section", and a section's open-comments badge where it has one.
    expect(stops.length, stops.join(" | ")).toBeLessThanOrEqual(sections * 2 + 1 + badges);
  });

  it("Ctrl+/ opens the list of shortcuts; Escape closes it and focus returns", async () => {
    await freshLoad();
    await page.locator(".ProseMirror p").first().click();
    await page.keyboard.press("Control+/");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("Ctrl+B");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await isInText()).toBe(true);
  });

  it("no script errors", () => {
    expect(pageErrors(page)).toEqual([]);
  });
});

describe("the plan page in Bahasa Indonesia", () => {
  it("names the text and lists the shortcuts in Indonesian", async () => {
    const context = await browser.newContext({ locale: "id-ID", viewport: { width: 1280, height: 900 } });
    const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
    page.setDefaultTimeout(8000);
    await page.waitForSelector(".ProseMirror .plan-section");
    const title = (await page.locator("h1").textContent())!.trim();
    expect(await page.locator(".ProseMirror").getAttribute("aria-label")).toBe(`Teks rencana: ${title}`);
    await page.locator(".ProseMirror p").first().click();
    await page.keyboard.press("Control+/");
    await page.getByRole("dialog", { name: "Pintasan papan ketik" }).waitFor();
    await context.close();
  });
});
