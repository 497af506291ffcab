// An editor saves a named version, changes the text, compares the version with the current
// text (who inserted and deleted what), opens it read only and restores it. Real Chromium,
// the real server.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, placeCaretAtEnd, signedInPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let editor: Page;
const PLAN_PATH = `/plans/${DEMO.planId}`;
const SENTENCE = "Forty village cooperatives joined the pilot in 2025.";
const DELETED_WORD = "Bappenas";
const SHOTS = process.env.SCREENSHOTS_DIR;

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const section = (page: Page, sectionId: string) => page.locator(`.ProseMirror section[data-section-id="${sectionId}"]`);
const versionRow = (page: Page, name: string) => page.locator(".version-row", { hasText: name });

/** ProseMirror takes a selection made with the keyboard from the browser's next
 * "selectionchange" event; Backspace deletes ProseMirror's selection, so let that event in. */
const selectionRead = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));

/** The history page, from its address: each test below starts there, whatever the one before left. */
const openHistory = () => editor.goto(`${server.url}${PLAN_PATH}/history`);

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  editor = await signedInPage(await browser.newContext({ viewport: { width: 1440, height: 900 } }), server.url, DEMO.editor, PLAN_PATH);
  await editor.waitForSelector(".ProseMirror");
  // A step that cannot happen fails with its own message, well inside the test's time.
  editor.setDefaultTimeout(8000);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("an editor saves a named version from the toolbar", async () => {
  await editor.getByRole("button", { name: "Save version" }).click();
  const form = editor.getByRole("dialog", { name: "Save a named version" });
  await form.getByLabel("Name").fill("Before review");
  await form.getByLabel("Note (optional)").fill("The text partners saw.");
  await shot(editor, "versions-1-save");
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await editor.getByRole("status").filter({ hasText: "Version “Before review” saved." }).waitFor();
  await form.waitFor({ state: "detached" });
});

it("comparing the version with the current text shows the editor's insertion and deletion", async () => {
  // A sentence at the end of the first section's first paragraph.
  await placeCaretAtEnd(section(editor, "s-concept").locator("p").first());
  await editor.keyboard.type(` ${SENTENCE}`);
  // The first word of the regulation section's paragraph, deleted.
  const regulation = section(editor, "s-regulation").locator("p").first();
  await regulation.click({ position: { x: 1, y: 8 } });
  for (let i = 0; i < DELETED_WORD.length; i++) await editor.keyboard.press("Shift+ArrowRight");
  await selectionRead(editor);
  await editor.keyboard.press("Backspace");
  await expect.poll(() => regulation.textContent()).toMatch(/^, the ILO/);
  await editor.locator('[data-status="saved"]').waitFor();

  await editor.getByRole("link", { name: "History", exact: true }).click();
  await editor.waitForURL(`${server.url}${PLAN_PATH}/history`);
  await versionRow(editor, "Before review").getByRole("link", { name: "Compare with current" }).click();
  await editor.waitForURL(/\/compare\?from=\d+&to=current$/);

  const concept = editor.locator('.redline-section[data-section-id="s-concept"]');
  await concept.locator("ins").first().waitFor();
  expect((await concept.locator("ins").allTextContents()).join("")).toContain(SENTENCE);
  expect(await concept.locator("ins").first().getAttribute("title")).toContain("Tendy Gunawan");
  expect(await concept.locator(".redline-author").allTextContents()).toContain("Tendy Gunawan");
  const deleted = editor.locator('.redline-section[data-section-id="s-regulation"] del');
  expect((await deleted.allTextContents()).join("")).toContain(DELETED_WORD);
  expect(await deleted.first().getAttribute("title")).toContain("Tendy Gunawan");
  expect(await editor.locator(".compare-totals").innerText()).toMatch(/\d+ words added/);
  // Block types show as in the plan: the mapping section's countries are a bulleted list.
  const mappingList = editor.locator('.redline-section[data-section-id="s-mapping"] .redline-text.is-list-item', { hasText: "Malaysia" });
  if ((await mappingList.count()) === 0) await editor.locator('.redline-section[data-section-id="s-mapping"] summary').click();
  expect(await mappingList.evaluate((element) => getComputedStyle(element).display)).toBe("list-item");
  await shot(editor, "versions-2-inline");

  // Side by side: the insertion only on the newer side, the deletion only on the older one.
  await editor.getByRole("button", { name: "Side by side" }).click();
  expect((await concept.locator(".sbs-to ins").allTextContents()).join("")).toContain(SENTENCE);
  expect(await concept.locator(".sbs-from ins").count()).toBe(0);
  await shot(editor, "versions-3-side-by-side");
  expect(await editor.locator('.redline-section[data-section-id="s-regulation"] .sbs-to del').count()).toBe(0);
});

it("the compare page keeps bold text inside insertions and deletions, and an ordered list's numbers", async () => {
  await editor.goto(`${server.url}${PLAN_PATH}`);
  // Typed before the text has synced, the edit would land in content the sync then replaces.
  await editor.locator('[data-status="connected"], [data-status="saved"]').waitFor();
  // A numbered list after the first paragraph, its second item typed in bold.
  await placeCaretAtEnd(section(editor, "s-concept").locator("p").first());
  await editor.keyboard.press("Enter");
  await editor.keyboard.type("1. Map the cooperatives");
  await editor.keyboard.press("Enter");
  await editor.keyboard.press("Control+b");
  await editor.keyboard.type("Train the lenders");
  await editor.keyboard.press("Control+b");
  await section(editor, "s-concept").locator("ol li strong", { hasText: "Train the lenders" }).waitFor();
  // The seeded bold title of Recommendation No. 193, deleted.
  await section(editor, "s-r193").locator("strong").first().selectText();
  await selectionRead(editor);
  await editor.keyboard.press("Backspace");
  await expect.poll(() => section(editor, "s-r193").locator("strong").count()).toBe(0);
  await editor.locator('[data-status="saved"]').waitFor();

  await editor.getByRole("link", { name: "History", exact: true }).click();
  await versionRow(editor, "Before review").getByRole("link", { name: "Compare with current" }).click();
  const concept = editor.locator('.redline-section[data-section-id="s-concept"]');
  await concept.locator("ins strong").first().waitFor();
  expect((await concept.locator("ins strong").allTextContents()).join("")).toBe("Train the lenders");
  expect((await concept.locator("ins").allTextContents()).join("")).toContain("Map the cooperatives");
  expect(await concept.locator(".redline-list-number").allTextContents()).toEqual(["1.", "2."]);
  const numbered = concept.locator(".redline-text.is-ordered", { hasText: "Train the lenders" });
  expect(await numbered.innerText()).toMatch(/^2\.\s*Train the lenders/);
  const deletedBold = editor.locator('.redline-section[data-section-id="s-r193"] del strong');
  expect((await deletedBold.allTextContents()).join("")).toContain("Promotion of Cooperatives Recommendation");
  // Side by side: the same, each on its side.
  await editor.getByRole("button", { name: "Side by side" }).click();
  expect((await concept.locator(".sbs-to ins strong").allTextContents()).join("")).toBe("Train the lenders");
  expect(await concept.locator(".sbs-to .redline-list-number").allTextContents()).toEqual(["1.", "2."]);
  expect((await editor.locator('.redline-section[data-section-id="s-r193"] .sbs-from del strong').allTextContents()).join("")).toContain(
    "Promotion of",
  );

  if (SHOTS) {
    for (const locale of ["en", "id"]) {
      if (locale === "id")
        expect((await editor.request.post(`${server.url}/settings`, { form: { locale }, maxRedirects: 0 })).status()).toBe(302);
      for (const width of [390, 1280]) {
        await editor.setViewportSize({ width, height: 900 });
        await editor.reload();
        await concept.locator("ins strong").first().waitFor();
        await shot(editor, `versions-compare-formatting-${locale}-${width}`);
      }
    }
    await editor.request.post(`${server.url}/settings`, { form: { locale: "en" }, maxRedirects: 0 });
    await editor.setViewportSize({ width: 1440, height: 900 });
    await editor.reload();
    await concept.locator("ins strong").first().waitFor();
  }
  // The way back to the list of versions.
  expect(await editor.getByRole("link", { name: "Version history" }).getAttribute("href")).toBe(`${PLAN_PATH}/history`);
});

it("a version opens read only, in an editor of its own", async () => {
  await openHistory();
  await versionRow(editor, "Before review").getByRole("link", { name: "Open" }).click();
  await editor.waitForURL(/\/history\/\d+$/);
  const text = editor.locator(".version-document .ProseMirror");
  await text.waitFor();
  expect(await text.getAttribute("contenteditable")).toBe("false");
  expect(await text.innerText()).not.toContain(SENTENCE);
  expect(await text.locator('section[data-section-id="s-regulation"] p').first().innerText()).toMatch(
    new RegExp(`^${DELETED_WORD}, the ILO`),
  );
  expect(await editor.locator(".version-header").innerText()).toContain("The text partners saw.");
  await shot(editor, "versions-4-version");
});

it("restoring the version brings its text back on the plan page", async () => {
  await openHistory();
  await versionRow(editor, "Before review").getByRole("button", { name: "Restore this version" }).click();
  const dialog = editor.getByRole("dialog", { name: "Restore “Before review”?" });
  await shot(editor, "versions-5-restore");
  await dialog.getByRole("button", { name: "Restore", exact: true }).click();
  await editor.waitForURL(`${server.url}${PLAN_PATH}`);
  const regulation = section(editor, "s-regulation").locator("p").first();
  await expect.poll(() => regulation.textContent()).toMatch(new RegExp(`^${DELETED_WORD}, the ILO`));
  expect(await section(editor, "s-concept").innerText()).not.toContain(SENTENCE);
});

it("restoring one section says what was restored and brings the reader to it", async () => {
  const mapping = section(editor, "s-mapping").locator("p").first();
  await mapping.click();
  await editor.keyboard.press("End");
  await editor.keyboard.type(" A sentence to undo.");
  await editor.locator('[data-status="saved"]').waitFor();
  await editor.getByRole("link", { name: "History", exact: true }).click();
  await versionRow(editor, "Before review").getByRole("link", { name: "Open" }).click();
  await editor.getByRole("button", { name: "Restore only “5. Lessons from the six-country SSE policy mapping”" }).click();
  await editor
    .getByRole("dialog", { name: /Restore the section/ })
    .getByRole("button", { name: "Restore", exact: true })
    .click();
  await editor.waitForURL(`${server.url}${PLAN_PATH}`);

  const status = editor
    .getByRole("status")
    .filter({ hasText: "Restored “5. Lessons from the six-country SSE policy mapping” from “Before review”." });
  await status.waitFor();
  await expect.poll(() => mapping.textContent()).not.toContain("A sentence to undo.");
  // The page is at the restored section, not at the top, and the caret is in it.
  await expect.poll(() => section(editor, "s-mapping").evaluate((element) => element.getBoundingClientRect().top)).toBeLessThan(900);
  expect(await editor.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  // Its heading shows below the bar that stays at the top of the window, not behind it.
  const headingPlace = await section(editor, "s-mapping")
    .locator(":is(h1, h2, h3, h4)")
    .first()
    .evaluate((heading) => ({
      top: heading.getBoundingClientRect().top,
      barBottom: document.querySelector(".workspace-bar")!.getBoundingClientRect().bottom,
    }));
  expect(headingPlace.top).toBeGreaterThanOrEqual(headingPlace.barBottom);
  expect(headingPlace.top).toBeLessThan(headingPlace.barBottom + 100);
  await expect
    .poll(() =>
      editor.evaluate(() => document.getSelection()?.anchorNode?.parentElement?.closest("section")?.getAttribute("data-section-id")),
    )
    .toBe("s-mapping");
  await shot(editor, "versions-7-section-restored");
});

it("the history lists the named version and what the restore kept", async () => {
  await editor.getByRole("link", { name: "History", exact: true }).click();
  await editor.waitForURL(`${server.url}${PLAN_PATH}/history`);
  await versionRow(editor, "Before review").waitFor();
  expect(await editor.locator(".version-row").count()).toBeGreaterThanOrEqual(2);
  // The text before the restore, with the editor's edits, is a checkpoint.
  const checkpoints = editor.locator('.version-row[data-kind="checkpoint"]');
  expect(await checkpoints.count()).toBeGreaterThanOrEqual(1);
  expect((await checkpoints.allInnerTexts()).join("\n")).toContain("Edits by Tendy Gunawan");
  await shot(editor, "versions-6-history");
  expect(pageErrors(editor)).toEqual([]);
});
