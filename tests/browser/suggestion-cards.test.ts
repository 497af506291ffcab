// Suggestion cards in real Chromium: a partner's typing becomes a card beside the text for the
// drafting team, with the partner's name; the editor accepts one from the card (the words join
// the accepted text for everyone), rejects another with a reason, and the partner sees how each
// was decided. Keyboard only for the accept.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let partner: Page;
let editor: Page;
let editorErrors: string[];

const PLAN_PATH = `/plans/${DEMO.planId}`;
/** Accepted words at the start of the demo plan's second paragraph (section 1). */
const START = "This section";

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  partner = await signedInPage(await browser.newContext({ viewport: { width: 1400, height: 900 } }), server.url, DEMO.commenter, PLAN_PATH);
  editor = await signedInPage(await browser.newContext({ viewport: { width: 1400, height: 900 } }), server.url, DEMO.editor, PLAN_PATH);
  editorErrors = pageErrors(editor);
  for (const page of [partner, editor]) {
    page.setDefaultTimeout(10_000);
    await page.waitForFunction((text) => document.querySelector(".ProseMirror")?.textContent?.includes(text), START);
    await page.locator('.connection-status[data-status="saved"], .connection-status[data-status="connected"]').waitFor();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

/** The text of the plan, without the other people's caret labels in it. */
function textWithoutCarets(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.querySelector(".ProseMirror")!.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll(".collaboration-carets__caret")) caret.remove();
    return copy.textContent ?? "";
  });
}

async function typeAtStartOfSecondParagraph(page: Page, text: string): Promise<void> {
  const paragraph = page.locator(".ProseMirror section").first().locator("p").nth(1);
  await paragraph.click({ position: { x: 1, y: 5 } });
  await page.keyboard.press("Home");
  await page.keyboard.type(text);
}

it("a partner's typing shows as a card for the editor, and the editor accepts it from the keyboard", async () => {
  await typeAtStartOfSecondParagraph(partner, "PARTNER-PROPOSAL ");
  const card = editor.locator('.suggestion-card[data-status="open"]', { hasText: "PARTNER-PROPOSAL" });
  await card.waitFor();
  expect(await card.textContent()).toContain("Eri Trinurini");
  expect(await card.textContent()).toContain("Add");
  // Focus the card's Accept button and press Enter: keyboard only.
  const accept = card.getByRole("button", { name: /Accept the suggestion by Eri Trinurini/ });
  await accept.focus();
  await editor.keyboard.press("Enter");
  // Accepted: plain text for both people, no mark left.
  for (const page of [editor, partner]) {
    await page.waitForFunction(
      () =>
        document.querySelector(".ProseMirror")?.textContent?.includes("PARTNER-PROPOSAL") &&
        !document.querySelector(".ProseMirror ins.suggestion"),
    );
  }
  // The partner sees who decided it (the filter shows decided ones under "Resolved").
  await partner.getByRole("combobox", { name: "Show", exact: true }).selectOption("resolved");
  await partner.locator('.suggestion-card[data-status="accepted"]', { hasText: "Accepted by Tendy Gunawan" }).waitFor();
  await partner.getByRole("combobox", { name: "Show", exact: true }).selectOption("open");
});

it("the editor rejects a proposed deletion with a reason; the words stay and the reason is kept", async () => {
  const paragraph = partner.locator(".ProseMirror section").first().locator("p").nth(1);
  await paragraph.click({ position: { x: 1, y: 5 } });
  await partner.keyboard.press("Home");
  // Delete the first word after the accepted proposal, as a suggestion.
  for (let i = 0; i < "PARTNER-PROPOSAL ".length; i += 1) await partner.keyboard.press("ArrowRight");
  await partner.keyboard.press("Shift+ArrowRight");
  await partner.keyboard.press("Shift+ArrowRight");
  await partner.keyboard.press("Shift+ArrowRight");
  await partner.keyboard.press("Shift+ArrowRight");
  await partner.keyboard.press("Delete");
  const card = editor.locator('.suggestion-card[data-status="open"]', { hasText: "Delete" });
  await card.waitFor();
  await card.click();
  await card.getByRole("textbox", { name: /Reason/ }).fill("The word stays.");
  await card.getByRole("button", { name: /Reject the suggestion/ }).click();
  await editor.waitForFunction(() => !document.querySelector(".ProseMirror del.suggestion"));
  expect(await textWithoutCarets(editor)).toContain(`PARTNER-PROPOSAL ${START}`);
  await editor.getByRole("combobox", { name: "Show", exact: true }).selectOption("resolved");
  const rejected = editor.locator('.suggestion-card[data-status="rejected"]', { hasText: "The word stays." });
  await rejected.waitFor();
  expect(await rejected.textContent()).toContain("Rejected by Tendy Gunawan");
  expect(editorErrors).toEqual([]);
});

it("the editor accepts a suggestion in part; the card and the round's disposition say so", async () => {
  await editor.getByRole("combobox", { name: "Show", exact: true }).selectOption("all");
  await typeAtStartOfSecondParagraph(partner, "IN-PART ");
  const card = editor.locator('.suggestion-card[data-status="open"]', { hasText: "IN-PART" });
  await card.waitFor();
  await card.click();
  await card.getByRole("checkbox", { name: /Accept in part/ }).check();
  await card.getByRole("button", { name: /Accept the suggestion/ }).click();
  await editor.waitForFunction(() => !document.querySelector(".ProseMirror ins.suggestion"));
  await editor.locator('.suggestion-card[data-status="accepted"]', { hasText: "Partly accepted by Tendy Gunawan" }).waitFor();
  expect(editorErrors).toEqual([]);
});
