// The interface language: an account switches to Bahasa Indonesia and keeps it across
// sign-out and sign-in; a signed-out browser gets its own language on the sign-in page.
// Also the plan page's downloads, through a real browser.
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
const PLAN_PATH = `/plans/${DEMO.planId}`;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

async function signInThroughForm(page: Page, email: string) {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "gotong-demo");
  await page.click('button[type="submit"]');
}

it("an account switched to Bahasa Indonesia stays in it after signing out and in again", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await signedInPage(context, server.url, DEMO.viewer, "/plans");
  page.setDefaultTimeout(8000);
  await page.getByRole("heading", { name: "My plans", level: 1 }).waitFor();

  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await page.getByRole("heading", { name: "Rencana saya", level: 1 }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("id");
  expect(page.url()).toBe(`${server.url}/plans`);
  expect(await page.getByRole("button", { name: "Bahasa Indonesia" }).getAttribute("aria-pressed")).toBe("true");
  await expect.poll(() => page.locator(".site-nav").innerText()).toContain("Keluar");

  expect(await page.locator(".plan-meta").first().innerText()).toContain("Pembaca");

  await page.getByRole("button", { name: "Keluar" }).click();
  await page.waitForURL(`${server.url}/login`);
  // Signed out, the page follows this browser's language again.
  await page.getByRole("heading", { name: "Sign in to Gotong" }).waitFor();
  await signInThroughForm(page, DEMO.viewer);
  await page.waitForURL(`${server.url}/plans`);
  await page.getByRole("heading", { name: "Rencana saya", level: 1 }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("id");

  // The plan page is in Indonesian as well, the editor included.
  await page.goto(`${server.url}${PLAN_PATH}`);
  await page.waitForSelector(".ProseMirror");
  await page.getByRole("link", { name: "Unduh Word" }).waitFor();
  await page.getByRole("link", { name: "Cetak" }).waitFor();
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});

it("the sign-in page switches to Bahasa Indonesia, and the account signed in there keeps it", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent("/plans")}`);
  await page.getByRole("heading", { name: "Sign in to Gotong" }).waitFor();
  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await page.getByRole("heading", { name: "Masuk ke Gotong" }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("id");
  expect(await page.getByRole("button", { name: "Bahasa Indonesia" }).getAttribute("aria-pressed")).toBe("true");

  await signInThroughForm(page, DEMO.owner);
  await page.waitForURL(`${server.url}/plans`);
  await page.getByRole("heading", { name: "Rencana saya", level: 1 }).waitFor();
  await context.close();

  // Another browser, in English, with no choice made: the account remembers Indonesian.
  const elsewhere = await signedInPage(await browser.newContext({ locale: "en-GB" }), server.url, DEMO.owner, "/plans");
  await elsewhere.getByRole("heading", { name: "Rencana saya", level: 1 }).waitFor();
  expect(pageErrors(elsewhere)).toEqual([]);
  await elsewhere.context().close();
});

it("the sign-in page speaks the browser's language", async () => {
  const context = await browser.newContext({ locale: "id-ID" });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByRole("heading", { name: "Masuk ke Gotong" }).waitFor({ timeout: 8000 });
  expect(await page.locator("html").getAttribute("lang")).toBe("id");
  expect(await page.getByRole("button", { name: "Masuk" }).count()).toBe(1);
  await context.close();
});

it("downloads the plan as a Word file from the plan page", async () => {
  const context = await browser.newContext({ locale: "en-GB", acceptDownloads: true });
  const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
  page.setDefaultTimeout(15_000);
  await page.waitForSelector(".ProseMirror");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download Word" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.docx$/);
  const file = await download.path();
  expect(fs.readFileSync(file).subarray(0, 2).toString("latin1")).toBe("PK");
  await context.close();
});

it("downloads the plan as Markdown from the plan page", async () => {
  const context = await browser.newContext({ locale: "en-GB", acceptDownloads: true });
  const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
  page.setDefaultTimeout(15_000);
  await page.waitForSelector(".ProseMirror");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download Markdown" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.md$/);
  const markdown = fs.readFileSync(await download.path(), "utf8");
  expect(markdown).toMatch(/^# National Entrepreneurship Action Plan/);
  await context.close();
});

it("opens the print view from the plan page, without the site's header, and its button prints", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  // The commenter: the viewer has switched to Bahasa Indonesia above.
  const page = await signedInPage(context, server.url, DEMO.commenter, PLAN_PATH);
  page.setDefaultTimeout(8000);
  await page.waitForSelector(".ProseMirror");
  await page.getByRole("link", { name: "Print", exact: true }).click();
  await page.waitForURL(`${server.url}${PLAN_PATH}/print`);
  // The plan page has a "6. Action matrix" heading too: wait for what only the print view has.
  await page.locator(".print-toolbar").waitFor();
  await page.getByRole("heading", { name: "6. Action matrix" }).waitFor();
  await expect.poll(() => page.locator(".site-header").count()).toBe(0);
  await page.evaluate(() => {
    window.print = () => document.body.setAttribute("data-printed", "yes");
  });
  await page.getByRole("button", { name: "Print" }).click();
  expect(await page.locator("body").getAttribute("data-printed")).toBe("yes");
  // On paper the button and the way back are gone.
  await page.emulateMedia({ media: "print" });
  expect(await page.locator(".print-toolbar").isVisible()).toBe(false);
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});

it("starts a new plan from a Word file on the dashboard, and says why a file that is not one is refused", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await signedInPage(context, server.url, DEMO.editor, "/plans");
  page.setDefaultTimeout(15_000);
  const form = page.locator("section.import-plan");
  // Not a Word file: refused in place, nothing created.
  await form
    .locator('input[type="file"]')
    .setInputFiles({ name: "notes.docx", mimeType: "application/octet-stream", buffer: Buffer.from("plain text, not a zip") });
  await form.getByRole("button", { name: "Import" }).click();
  await expect.poll(() => form.getByRole("alert").innerText()).toContain("This is not a Word (.docx) file");
  expect(page.url()).toBe(`${server.url}/plans`);
  // The demo plan's own Word export becomes a new plan.
  const exported = await page.evaluate(
    async (path) => Array.from(new Uint8Array(await (await fetch(path)).arrayBuffer())),
    `${PLAN_PATH}/export.docx`,
  );
  await form.locator('input[type="file"]').setInputFiles({
    name: "action plan.docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: Buffer.from(exported),
  });
  await form.getByRole("button", { name: "Import" }).click();
  await page.waitForURL(/\/plans\/[^/?]+\?imported=0$/);
  await page.waitForSelector(".ProseMirror");
  await expect.poll(() => page.locator(".ProseMirror").innerText()).toContain("Action matrix");
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});
