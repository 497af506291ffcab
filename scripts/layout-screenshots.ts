// Screenshots of every page at phone (390 px) and desktop (1280 px) width, in English and
// Bahasa Indonesia, against a throwaway server: `npm run build && npx tsx scripts/layout-screenshots.ts <dir>`.
// The desktop plan page is the README's picture (docs/images/plan-desktop.png).
import fs from "node:fs";
import { launchBrowser, signedInPage, openRoundFromPage } from "../tests/helpers/browser";
import { DEMO, startServer } from "../tests/helpers/server";

const outDir = process.argv[2] ?? "/tmp/shots";
fs.mkdirSync(outDir, { recursive: true });
const PLAN = `/plans/${DEMO.planId}`;

const server = await startServer();
const browser = await launchBrowser();
try {
  const setup = await signedInPage(
    await browser.newContext({ viewport: { width: 1280, height: 900 } }),
    server.url,
    DEMO.owner,
    `${PLAN}/rounds`,
  );
  const roundPath = await openRoundFromPage(setup, "Partner review, November");
  const versionId = await setup.evaluate(async (plan) => {
    const response = await fetch(`/api${plan}/versions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Before review" }),
    });
    return String(((await response.json()) as { id: string }).id);
  }, PLAN);
  await setup.context().close();
  const pages = [
    ["dashboard", "/plans", ".plan-card"],
    ["plan", PLAN, ".ProseMirror section"],
    ["history", `${PLAN}/history`, ".version-row"],
    ["version", `${PLAN}/history/${versionId}`, ".version-document .ProseMirror"],
    ["compare", `${PLAN}/compare?from=${versionId}&to=current`, ".compare-summary"],
    ["rounds", `${PLAN}/rounds`, ".rounds-table"],
    ["round", roundPath, "h1"],
    ["members", `${PLAN}/members`, ".members-table"],
    ["settings", "/settings", ".settings-page"],
    ["print", `${PLAN}/print`, "h1"],
  ] as const;
  for (const language of ["en", "id"]) {
    for (const width of [390, 768, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: width === 390 ? 844 : 900 } });
      const login = await context.newPage();
      await login.goto(`${server.url}/login`);
      await login.screenshot({ path: `${outDir}/${language}-${width}-signin.png` });
      await login.close();
      const page = await signedInPage(context, server.url, DEMO.owner, "/settings");
      await page.locator(`input[name="locale"][value="${language}"]`).check();
      await page.locator("main button.primary").click();
      await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
      for (const [name, path, ready] of pages) {
        await page.goto(`${server.url}${path}`);
        await page.locator(ready).first().waitFor();
        await page.waitForTimeout(name === "plan" ? 1200 : 300);
        const file = `${outDir}/${language}-${width}-${name}.png`;
        await page.screenshot({ path: file });
        if (name === "plan" && (await page.locator("table.action-matrix").count()) > 0) {
          await page.locator("table.action-matrix").first().scrollIntoViewIfNeeded();
          await page.evaluate(() => window.scrollBy(0, 150));
          await page.screenshot({ path: `${outDir}/${language}-${width}-plan-matrix.png` });
          await page.evaluate(() => window.scrollTo(0, 0));
        }
        if (name === "plan") {
          await page.locator(".ProseMirror p").first().click();
          await page.keyboard.press("Control+h");
          await page.keyboard.type("SSE");
          await page.screenshot({ path: `${outDir}/${language}-${width}-plan-find.png` });
          await page.keyboard.press("Escape");
          await page.keyboard.press("Control+Shift+C");
          await page.screenshot({ path: `${outDir}/${language}-${width}-plan-word-count.png` });
          await page.keyboard.press("Escape");
        }
        if (name === "plan" && width < 1100) {
          await page.locator(".panel-button").first().click();
          await page.screenshot({ path: `${outDir}/${language}-${width}-plan-outline.png` });
          await page.keyboard.press("Escape");
          await page.locator(".panel-button").nth(1).click();
          await page.screenshot({ path: `${outDir}/${language}-${width}-plan-comments.png` });
          await page.keyboard.press("Escape");
        }
      }
      await context.close();
      // What a partner organisation sees: the reading toolbar, no formatting tools.
      const partnerContext = await browser.newContext({ viewport: { width, height: width === 390 ? 844 : 900 } });
      const partner = await signedInPage(partnerContext, server.url, DEMO.commenter, "/settings");
      await partner.locator(`input[name="locale"][value="${language}"]`).check();
      await partner.locator("main button.primary").click();
      await partner.waitForFunction((lang) => document.documentElement.lang === lang, language);
      await partner.goto(`${server.url}${PLAN}`);
      await partner.locator(".ProseMirror section").first().waitFor();
      await partner.waitForTimeout(1200);
      await partner.screenshot({ path: `${outDir}/${language}-${width}-plan-partner.png` });
      await partnerContext.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}
