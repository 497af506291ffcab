// Debian's Chromium driven by playwright-core (no browser downloads here).
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import type { EditorView } from "@tiptap/pm/view";
import { watchPage } from "./open-pages";

export { pageErrors } from "./open-pages";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A signed-in page: through the real sign-in form, then on to `path`. */
export async function signedInPage(context: BrowserContext, baseUrl: string, email: string, path: string): Promise<Page> {
  const page = await context.newPage();
  watchPage(page);
  await page.goto(`${baseUrl}${path}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "gotong-demo");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${baseUrl}${path}`);
  return page;
}

/**
 * The plan's text as the page's editor holds it. Not the editor element's textContent: others'
 * carets are elements in the text with the person's name, so that would read "This sTendy
 * Gunawanection" while Tendy's caret is there.
 */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.querySelector(".ProseMirror") as unknown as { editor: { state: { doc: { textContent: string } } } };
    return element.editor.state.doc.textContent;
  });
}

/**
 * Puts the caret at the end of a block of the plan's text, as a person would (click, then the
 * keyboard), and waits until the editor has it. A selection made while the editor had no focus
 * was at times overwritten: ProseMirror, on getting focus, puts back its own selection (the start
 * of the plan) unless it has read the browser's by then, and the typing landed in the first
 * heading (CI: the versions and last-visit tests).
 */
export async function placeCaretAtEnd(block: Locator): Promise<void> {
  await block.click();
  await block.selectText();
  await block.page().keyboard.press("ArrowRight");
  await block.page().waitForFunction(
    (element) => {
      const view = (element.closest(".ProseMirror") as unknown as { editor: { view: EditorView } }).editor.view;
      const { selection } = view.state;
      return selection.empty && selection.from === view.posAtDOM(element, element.childNodes.length);
    },
    await block.elementHandle(),
    { timeout: 10_000 },
  );
}

/**
 * Opens a consultation round through the owner's form on the rounds page (the page must be
 * there), on the demo plan's first section for Bina Swadaya, closing a week (plus `extraMs`)
 * from now. Returns the round page's path.
 */
export async function openRoundFromPage(
  page: Page,
  name: string,
  options: { sectionId?: string; organisation?: string; extraMs?: number } = {},
): Promise<string> {
  await page.getByLabel("Name").fill(name);
  const deadline = new Date(Date.now() + 7 * 24 * 3600_000 + (options.extraMs ?? 0)).toISOString().slice(0, 16);
  await page.locator('input[name="deadline"]').fill(deadline);
  await page.locator(`input[name="sectionIds"][value="${options.sectionId ?? "s-concept"}"]`).check();
  await page.getByLabel(options.organisation ?? "Bina Swadaya").check();
  await page.getByRole("button", { name: "Open the round" }).click();
  await page.waitForURL(/\/rounds\/\d+$/);
  return new URL(page.url()).pathname;
}
