// Suggesting mode in real Chromium: an editor switches to Suggesting from the toolbar's mode
// menu; typing and deleting show as <ins>/<del> for everyone; structure is refused with a hint;
// undo takes the suggestion back; the mode is remembered for the plan.
import type { Editor } from "@tiptap/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editorText, launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let editor: Page;
let owner: Page;

const PLAN_PATH = `/plans/${DEMO.planId}`;
const TYPED = "SUGGESTED-WORDS";
/** Accepted text of the demo plan's second paragraph (section 1). */
const TO_DELETE = "This section";

/**
 * Extends the selection with Shift+ArrowRight until it is `text`, one press at a time, each
 * waited for. Pressed as fast as Playwright can, a press right after typing could be lost while
 * the editor was still applying the typed text (a person's keys are tens of milliseconds apart).
 */
async function selectForward(page: Page, text: string): Promise<void> {
  const selected = () => page.evaluate(() => String(window.getSelection()));
  // The editor reads a selection the browser extended on the next selectionchange event; a key
  // pressed before that acts on the selection it knew (one letter short).
  const editorSelected = () =>
    page.evaluate(() => {
      const editor = (document.querySelector(".ProseMirror") as unknown as { editor: Editor }).editor;
      const { from, to } = editor.state.selection;
      return editor.state.doc.textBetween(from, to);
    });
  for (let presses = 0; presses < text.length * 3; presses++) {
    const before = await selected();
    if (before === text) {
      await expect.poll(editorSelected).toBe(text);
      return;
    }
    expect(text.startsWith(before), `selection "${before}" is not the start of "${text}"`).toBe(true);
    await page.keyboard.press("Shift+ArrowRight");
    await page
      .waitForFunction((length) => String(window.getSelection()).length !== length, before.length, { timeout: 1000 })
      .catch(() => undefined);
  }
  expect(await selected()).toBe(text);
}

const suggestionCount = (page: Page) => page.locator(".ProseMirror ins.suggestion, .ProseMirror del.suggestion").count();

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  editor = await signedInPage(await browser.newContext(), server.url, DEMO.editor, PLAN_PATH);
  owner = await signedInPage(await browser.newContext(), server.url, DEMO.owner, PLAN_PATH);
  for (const page of [editor, owner]) page.setDefaultTimeout(10_000);
  // Typing before the first sync could land in content the sync replaces.
  for (const page of [editor, owner]) {
    await page.waitForFunction((text) => document.querySelector(".ProseMirror")?.textContent?.includes(text), TO_DELETE);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("an editor switches to Suggesting with the keyboard from the toolbar's mode menu", async () => {
  const modeButton = editor.getByRole("button", { name: "Mode: Editing" });
  expect(await modeButton.textContent()).toBe("Editing");
  await modeButton.focus();
  await editor.keyboard.press("Enter");
  const suggesting = editor.getByRole("menuitemradio", { name: /^Suggesting/ });
  await suggesting.waitFor();
  expect(await editor.getByRole("menuitemradio", { name: /^Editing/ }).getAttribute("aria-checked")).toBe("true");
  await editor.keyboard.press("ArrowDown");
  expect(await suggesting.evaluate((element) => element === document.activeElement)).toBe(true);
  await editor.keyboard.press("Enter");
  await editor.getByRole("button", { name: "Mode: Suggesting" }).waitFor();
  expect(await editor.getByTestId("edit-mode").textContent()).toBe("Suggesting");
});

it("typed text shows as an insertion, deleted text stays struck through, for both people", async () => {
  // At the start of the demo plan's second paragraph (which wraps: Home and End work on lines).
  const paragraph = editor.locator(".ProseMirror section").first().locator("p").nth(1);
  await paragraph.click({ position: { x: 1, y: 5 } });
  await editor.keyboard.type(`${TYPED}x`);
  // Backspace in one's own insertion really removes what was typed.
  await editor.keyboard.press("Backspace");
  await editor.keyboard.type(" ");
  const inserted = editor.locator(".ProseMirror ins.suggestion-insert", { hasText: TYPED });
  await inserted.waitFor();
  expect(await inserted.textContent()).toBe(`${TYPED} `);
  // Deleting the accepted words after it: they stay, struck through.
  await selectForward(editor, TO_DELETE);
  await editor.keyboard.press("Delete");
  const deleted = editor.locator(".ProseMirror del.suggestion-delete", { hasText: TO_DELETE });
  await deleted.waitFor();
  expect(await deleted.textContent()).toBe(TO_DELETE);
  // Right after one's own insertion: one suggestion, a replacement.
  expect(await deleted.getAttribute("data-suggestion-id")).toBe(await inserted.getAttribute("data-suggestion-id"));

  // The other person sees both, in the suggester's colour.
  await owner.locator(".ProseMirror del.suggestion-delete", { hasText: TO_DELETE }).waitFor();
  const ownerInserted = owner.locator(".ProseMirror ins.suggestion-insert", { hasText: TYPED });
  await ownerInserted.waitFor();
  const authorId = await ownerInserted.getAttribute("data-author-id");
  expect(await owner.locator(".ProseMirror del.suggestion-delete").getAttribute("data-author-id")).toBe(authorId);
  const [color, line] = await ownerInserted.evaluate((element) => [
    getComputedStyle(element).color,
    getComputedStyle(element).textDecorationLine,
  ]);
  expect(line).toContain("underline");
  expect(color).not.toBe(
    await owner
      .locator(".ProseMirror p")
      .first()
      .evaluate((element) => getComputedStyle(element).color),
  );
});

it("Enter cannot split a paragraph in Suggesting mode, and the page says why", async () => {
  const paragraphs = await editor.locator(".ProseMirror p").count();
  await editor.locator(".ProseMirror del.suggestion-delete").click();
  await editor.keyboard.press("Enter");
  await editor.getByRole("status").filter({ hasText: "Suggestions change words only" }).waitFor();
  expect(await editor.locator(".ProseMirror p").count()).toBe(paragraphs);
});

it("undo takes the suggestion back, for everyone", async () => {
  // The undo manager groups quick edits: as many Ctrl+Z as it takes, one at a time.
  for (let attempt = 0; attempt < 10 && (await suggestionCount(editor)) > 0; attempt++) {
    await editor.locator(".ProseMirror").focus();
    await editor.keyboard.press("Control+z");
    await editor.waitForTimeout(300);
  }
  expect(await suggestionCount(editor)).toBe(0);
  await owner.waitForFunction(() => document.querySelectorAll(".ProseMirror ins.suggestion, .ProseMirror del.suggestion").length === 0);
  expect(await editorText(owner)).toContain(TO_DELETE);
  expect(await editorText(owner)).not.toContain(TYPED);
});

it("the mode is remembered for the plan in this browser", async () => {
  await editor.reload();
  await editor.getByRole("button", { name: "Mode: Suggesting" }).waitFor();
  // Viewing: the text cannot be changed, the formatting tools are gone.
  await editor.getByRole("button", { name: "Mode: Suggesting" }).click();
  await editor.getByRole("menuitemradio", { name: /^Viewing/ }).click();
  await editor.getByRole("button", { name: "Mode: Viewing" }).waitFor();
  expect(await editor.locator(".ProseMirror").getAttribute("contenteditable")).toBe("false");
  expect(await editor.getByRole("button", { name: "Bold" }).count()).toBe(0);
  expect(pageErrors(editor)).toEqual([]);
  expect(pageErrors(owner)).toEqual([]);
});

describe("a commenter", () => {
  let commenter: Page;

  beforeAll(async () => {
    commenter = await signedInPage(await browser.newContext(), server.url, DEMO.commenter, PLAN_PATH);
    commenter.setDefaultTimeout(10_000);
    await commenter.waitForFunction(() => document.querySelector(".ProseMirror")?.textContent?.includes("The ILO's activities"));
  });

  it("is always suggesting: the bar says so and their typing arrives as their suggestion", async () => {
    expect(await commenter.getByTestId("readonly-badge").textContent()).toBe("Can suggest and comment");
    expect(await commenter.getByTestId("edit-mode").textContent()).toBe("Suggesting");
    expect(await commenter.locator(".ProseMirror").getAttribute("contenteditable")).toBe("true");
    const paragraph = commenter.locator(".ProseMirror section").nth(1).locator("p").first();
    await paragraph.click({ position: { x: 1, y: 5 } });
    // "T" before "The": the same letter as the accepted text after it.
    await commenter.keyboard.type("PARTNER-WORDS T");
    await selectForward(commenter, "The");
    await commenter.keyboard.press("Delete");
    await owner.locator(".ProseMirror ins.suggestion-insert", { hasText: "PARTNER-WORDS T" }).waitFor();
    await owner.locator(".ProseMirror del.suggestion-delete", { hasText: "The" }).waitFor();
    // The server kept the socket: the commenter is still connected and their edit is stored.
    await commenter.locator('[data-status="saved"]').waitFor();
    expect(pageErrors(commenter)).toEqual([]);
  });

  it("cannot split a paragraph, and the page says why", async () => {
    const paragraphs = await commenter.locator(".ProseMirror p").count();
    await commenter.keyboard.press("Enter");
    await commenter.getByRole("status").filter({ hasText: "are for the drafting team" }).waitFor();
    expect(await commenter.locator(".ProseMirror p").count()).toBe(paragraphs);
    await commenter.locator('[data-status="saved"]').waitFor();
  });
});
