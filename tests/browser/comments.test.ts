// A partner comments on a passage; the drafting team sees the highlight and the thread live,
// replies, records a disposition in the consultation round and resolves the thread; the
// round's response matrix (page and CSV) shows it. Two browsers, the real server.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage, openRoundFromPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let partner: Page;
let editor: Page;
const PLAN_PATH = `/plans/${DEMO.planId}`;
const SHOTS = process.env.SCREENSHOTS_DIR;

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const wide = () => browser.newContext({ viewport: { width: 1440, height: 900 } });
  // The owner opens a consultation round on the first section for Bina Swadaya (the partner's organisation).
  const owner = await signedInPage(await wide(), server.url, DEMO.owner, `${PLAN_PATH}/rounds`);
  await openRoundFromPage(owner, "Partner review, November", { extraMs: 7 * 3600_000 });
  await owner.context().close();

  partner = await signedInPage(await wide(), server.url, DEMO.commenter, PLAN_PATH);
  editor = await signedInPage(await wide(), server.url, DEMO.editor, PLAN_PATH);
  await Promise.all([partner.waitForSelector(".ProseMirror"), editor.waitForSelector(".ProseMirror")]);
  // A step that cannot happen fails with its own message, well inside the test's time.
  for (const page of [partner, editor]) page.setDefaultTimeout(8000);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("a partner's comment reaches the editor live, is answered, disposed of and resolved", async () => {
  // The partner (read-only text) selects a passage and comments on it.
  await partner.locator(".ProseMirror em", { hasText: "Gotong royong" }).selectText();
  await partner.getByRole("button", { name: "Comment", exact: true }).click();
  // The mention is picked from the suggestions by name: partners never see email addresses.
  const newComment = partner.getByRole("textbox", { name: "New comment" });
  await newComment.fill("Please define this term for readers abroad, ");
  await newComment.press("End");
  await newComment.pressSequentially("@tend");
  const suggestion = partner.getByRole("option", { name: /Tendy Gunawan/ });
  await suggestion.waitFor();
  expect(await suggestion.innerText()).not.toContain("@ilo.example");
  await newComment.press("Enter");
  expect(await newComment.inputValue()).toBe("Please define this term for readers abroad, @Tendy Gunawan ");
  await partner.getByRole("button", { name: "Post comment" }).click();
  const partnersCard = partner.locator("article[data-thread-id]", { hasText: "Please define this term" });
  await partnersCard.waitFor();
  await shot(partner, "1-partner-commented");

  // The editor sees the highlight and the thread without reloading.
  const card = editor.locator("article[data-thread-id]", { hasText: "Please define this term" });
  await card.waitFor();
  await editor.locator(".ProseMirror .comment-highlight", { hasText: "Gotong royong" }).first().waitFor();
  const threadId = await card.getAttribute("data-thread-id");
  expect(threadId).toMatch(/^t-/);
  // The mention is shown as the member's name, not as an address.
  await expect.poll(() => card.innerText()).toContain("Tendy Gunawan");

  // Clicking the highlight opens the thread; the editor replies.
  await editor.locator(".ProseMirror .comment-highlight", { hasText: "Gotong royong" }).first().click();
  await card.getByRole("textbox", { name: "Reply" }).fill("Added a definition in the paragraph below.");
  await card.getByRole("button", { name: "Reply", exact: true }).click();
  await partnersCard.locator("text=Added a definition in the paragraph below.").waitFor();

  // The thread belongs to the round: the editor records a disposition the partner sees.
  await card.getByLabel("Disposition").selectOption("accepted");
  await card.getByLabel("Response to the commenter").fill("A definition is added.");
  await card.getByRole("button", { name: "Save response" }).click();
  await partnersCard.locator("text=A definition is added.").waitFor();
  await shot(editor, "2-editor-disposition");

  // Resolving hides the highlight in both browsers, and the thread from the editor's open
  // list; the partner, whose card is still open in front of them, sees it marked resolved.
  await card.getByRole("button", { name: "Resolve" }).click();
  await editor.locator(`article[data-thread-id="${threadId}"]`).waitFor({ state: "detached" });
  await partner.locator(`article[data-thread-id="${threadId}"][data-status="resolved"]`).waitFor();
  expect(await partnersCard.innerText()).toContain("Resolved by Tendy Gunawan");
  for (const page of [editor, partner]) {
    await expect.poll(() => page.locator(".ProseMirror .comment-highlight", { hasText: "Gotong royong" }).count()).toBe(0);
  }
  // The text itself never changed: the mark is still there, only no longer highlighted.
  expect(await editor.locator(`.ProseMirror [data-thread-id="${threadId}"]`).count()).toBeGreaterThan(0);

  // The response matrix, as a page and as CSV.
  await editor.goto(`${server.url}${PLAN_PATH}/rounds`);
  await editor
    .getByRole("link", { name: /Partner review, November/ })
    .first()
    .click();
  await editor.waitForURL(/\/rounds\/\d+$/);
  const row = editor.locator(`[data-thread-id="${threadId}"]`);
  await expect.poll(() => row.innerText()).toContain("Accepted");
  expect(await row.innerText()).toContain("A definition is added.");
  expect(await row.innerText()).toContain("Bina Swadaya");
  await shot(editor, "3-matrix");
  const csv = await editor.evaluate(async (path) => (await fetch(path)).text(), `${new URL(editor.url()).pathname}/responses.csv`);
  expect(csv).toContain("Gotong royong");
  expect(csv).toContain("Please define this term for readers abroad");
  expect(csv).toContain("Accepted");

  expect(pageErrors(partner)).toEqual([]);
  expect(pageErrors(editor)).toEqual([]);
});

it("a comment being written stays on its passage when another comment is started elsewhere", async () => {
  await partner.goto(`${server.url}${PLAN_PATH}`);
  await partner.waitForSelector(".ProseMirror");
  const passage = partner.locator(".ProseMirror li p", { hasText: "Existing law on cooperatives" });
  await passage.selectText();
  await partner.getByRole("button", { name: "Comment", exact: true }).click();
  const firstDraft = partner.locator("article.is-composer", { hasText: "New comment" }).filter({ hasNotText: "on the section" });
  await firstDraft.getByRole("textbox", { name: "New comment" }).fill("Name the law and its year.");

  // Before posting, the partner starts a comment on section 4 from the outline.
  await partner.getByRole("button", { name: /^Actions for “4\. Social enterprises/ }).click();
  await partner.getByRole("menu").getByRole("menuitem", { name: "Comment on this section" }).click();
  const sectionDraft = partner.locator("article.is-composer", { hasText: "New comment on the section “4. Social enterprises" });
  await sectionDraft.waitFor();
  expect(await sectionDraft.getByRole("textbox", { name: "New comment" }).inputValue()).toBe("");
  // The first draft is still there, on its passage, with its text.
  expect(await firstDraft.getByRole("textbox", { name: "New comment" }).inputValue()).toBe("Name the law and its year.");
  expect(await partner.locator(".ProseMirror .comment-highlight.is-pending").innerText()).toContain("Existing law on cooperatives");

  await firstDraft.getByRole("button", { name: "Post comment" }).click();
  const card = partner.locator("article[data-thread-id]", { hasText: "Name the law and its year." });
  await card.waitFor();
  const threadId = await card.getAttribute("data-thread-id");
  await expect
    .poll(() => partner.locator(`.ProseMirror .comment-highlight[data-thread-id="${threadId}"]`).innerText())
    .toContain("Existing law on cooperatives");
  // The section draft stays open, empty, where it was started.
  expect(await sectionDraft.count()).toBe(1);
  expect(pageErrors(partner)).toEqual([]);
});

it("a card follows its passage when another person's typing moves the text", async () => {
  const card = partner.locator("article[data-thread-id]", { hasText: "Name the law and its year." });
  const threadId = await card.getAttribute("data-thread-id");
  const highlight = partner.locator(`.ProseMirror .comment-highlight[data-thread-id="${threadId}"]`).first();
  const gap = async () => {
    const [cardBox, textBox] = await Promise.all([card.boundingBox(), highlight.boundingBox()]);
    return Math.abs(cardBox!.y - textBox!.y);
  };
  await expect.poll(gap).toBeLessThan(40);
  const before = (await highlight.boundingBox())!.y;
  // The editor writes a few new paragraphs above the commented passage.
  await editor.goto(`${server.url}${PLAN_PATH}`);
  await editor.waitForSelector(".ProseMirror");
  await editor.locator(".ProseMirror section").first().locator("p").first().click();
  await editor.keyboard.press("End");
  for (let i = 0; i < 4; i += 1) {
    await editor.keyboard.press("Enter");
    await editor.keyboard.type("A new paragraph above the commented passage.");
  }
  await expect.poll(async () => (await highlight.boundingBox())!.y).toBeGreaterThan(before + 60);
  // The card has followed its moved text.
  await expect.poll(gap).toBeLessThan(40);
  expect(pageErrors(partner)).toEqual([]);
});
