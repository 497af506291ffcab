// Two people co-edit the demo plan in real Chromium; a viewer cannot type.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { editorText, launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, storedPlanText, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let owner: Page;
let editor: Page;

const PLAN_PATH = `/plans/${DEMO.planId}`;
const TYPED = "Typed live by the owner";

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  owner = await signedInPage(await browser.newContext(), server.url, DEMO.owner, PLAN_PATH);
  editor = await signedInPage(await browser.newContext(), server.url, DEMO.editor, PLAN_PATH);
  await Promise.all([owner.waitForSelector(".ProseMirror"), editor.waitForSelector(".ProseMirror")]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("text typed by one person appears for the other, with the typist's caret label", async () => {
  const paragraph = owner.locator(".ProseMirror section").nth(1).locator("p").first();
  await paragraph.click();
  await owner.keyboard.press("End");
  await owner.keyboard.type(` ${TYPED}`);
  await editor.waitForFunction((text) => document.querySelector(".ProseMirror")?.textContent?.includes(text), TYPED);
  const caretLabel = editor.locator(".collaboration-carets__label", { hasText: "Sri Wahyuni" });
  await caretLabel.waitFor();
  expect(await caretLabel.count()).toBe(1);
});

it("another person's caret shows their name briefly when it moves, then a small flag, never in italics", async () => {
  await owner.locator(".ProseMirror em", { hasText: "Gotong royong" }).click();
  const label = editor.locator(".collaboration-carets__label", { hasText: "Sri Wahyuni" });
  await expect.poll(() => label.evaluate((element) => element.closest("em") !== null)).toBe(true);
  expect(await label.evaluate((element) => getComputedStyle(element).fontStyle)).toBe("normal");
  const isNamed = () => label.evaluate((element) => element.getBoundingClientRect().width > 30);
  expect(await isNamed()).toBe(true);
  // After about two seconds only a flag is left, no taller than a few pixels.
  await expect.poll(isNamed, { timeout: 4000 }).toBe(false);
  expect(await label.evaluate((element) => element.getBoundingClientRect().height)).toBeLessThan(12);
  // Moving again shows the name again.
  await owner.keyboard.press("ArrowRight");
  await expect.poll(isNamed).toBe(true);
});

it("on a phone, another person's name near the window's right edge shows to the left of their caret, whole", async () => {
  const phone = await signedInPage(await browser.newContext({ viewport: { width: 390, height: 844 } }), server.url, DEMO.viewer, PLAN_PATH);
  await phone.locator(".ProseMirror section p").first().waitFor();
  // A place in the text whose caret is near the phone's right edge: a line's last letters.
  const position = await phone.evaluate(() => {
    type View = { state: { doc: { content: { size: number } } }; coordsAtPos(pos: number): { left: number } };
    const view = (document.querySelector(".ProseMirror") as unknown as { editor: { view: View } }).editor.view;
    for (let pos = 1; pos < view.state.doc.content.size; pos += 1) {
      const { left } = view.coordsAtPos(pos);
      if (left > window.innerWidth - 70 && left < window.innerWidth - 20) return pos;
    }
    return -1;
  });
  expect(position).toBeGreaterThan(0);
  await owner.evaluate((pos) => {
    const element = document.querySelector(".ProseMirror") as unknown as { editor: { commands: { focus(at: number): void } } };
    element.editor.commands.focus(pos);
  }, position);
  const label = phone.locator(".collaboration-carets__label", { hasText: "Sri Wahyuni" });
  // While the name shows (two seconds), all of it is inside the window: it ran past the edge
  // before, cut off after "Sri Wahy".
  const nameBox = () =>
    label.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return { isNamed: box.width > 30, isInside: box.left >= 0 && box.right <= document.documentElement.clientWidth };
    });
  await expect.poll(nameBox).toEqual({ isNamed: true, isInside: true });
  await phone.context().close();
});

it('shows "Saved" once the server has stored the edit', async () => {
  await owner.locator('[data-status="saved"]').waitFor();
  expect(await owner.locator(".connection-status").textContent()).toBe("Saved");
  expect(await storedPlanText(server.databasePath, DEMO.planId)).toContain(TYPED);
});

it("another person's typing costs this page no messages of its own: its caret is sent when it moves", async () => {
  // The editor's caret sits in a paragraph; the owner types elsewhere.
  await editor.locator(".ProseMirror section").nth(2).locator("p").first().click();
  const cdp = await editor.context().newCDPSession(editor);
  const sent: number[] = [];
  cdp.on("Network.webSocketFrameSent", ({ response }: { response: { opcode: number; payloadData: string } }) => {
    if (response.opcode === 2) sent.push(Buffer.from(response.payloadData, "base64")[0]!);
  });
  await cdp.send("Network.enable");
  await owner.locator(".ProseMirror section").nth(3).locator("p").first().click();
  const typed = " twenty keystrokes ok";
  for (const letter of typed) await owner.keyboard.type(letter);
  await editor.waitForFunction((text) => document.querySelector(".ProseMirror")?.textContent?.includes(text), typed);
  // Each remote keystroke made the binding send this page's unchanged caret again (a presence
  // message, type 1), twenty people typing made every page send a hundred a second. Presence is
  // renewed every 15 s, so one may fall in the window.
  expect(sent.filter((type) => type === 1).length).toBeLessThanOrEqual(1);
  // Moving the caret is still told to the others.
  await editor.keyboard.press("ArrowRight");
  await expect.poll(() => sent.filter((type) => type === 1).length).toBeGreaterThanOrEqual(1);
  await cdp.detach();
});

it("a reload shows the text", async () => {
  await editor.reload();
  await editor.waitForFunction((text) => document.querySelector(".ProseMirror")?.textContent?.includes(text), TYPED);
});

it("shows who is here", async () => {
  await owner.locator(".presence .avatar").nth(1).waitFor();
  expect(await owner.locator(".presence").getAttribute("aria-label")).toBe("2 people here");
});

it("the viewer sees the plan but cannot type into it", async () => {
  const viewer = await signedInPage(await browser.newContext(), server.url, DEMO.viewer, PLAN_PATH);
  await viewer.waitForFunction((text) => document.querySelector(".ProseMirror")?.textContent?.includes(text), TYPED);
  expect(await viewer.locator(".ProseMirror").getAttribute("contenteditable")).toBe("false");
  expect(await viewer.getByTestId("readonly-badge").textContent()).toBe("View only");
  const before = await editorText(viewer);
  await viewer.locator(".ProseMirror p").first().click();
  await viewer.keyboard.type("viewer typing");
  expect(await editorText(viewer)).toBe(before);
  expect(pageErrors(viewer)).toEqual([]);
});

it("undo takes back only your own edits, not a colleague's", async () => {
  const ownerParagraph = owner.locator(".ProseMirror section").nth(2).locator("p").first();
  await ownerParagraph.click();
  await owner.keyboard.press("End");
  await owner.keyboard.type(" OWNER-UNDO-ME");
  await editor.waitForFunction(() => document.querySelector(".ProseMirror")?.textContent?.includes("OWNER-UNDO-ME"));
  const editorParagraph = editor.locator(".ProseMirror section").nth(3).locator("p").first();
  await editorParagraph.click();
  await editor.keyboard.press("End");
  await editor.keyboard.type(" EDITOR-KEEPS-THIS");
  await owner.waitForFunction(() => document.querySelector(".ProseMirror")?.textContent?.includes("EDITOR-KEEPS-THIS"));
  await owner.keyboard.press("Control+z");
  await owner.waitForFunction(() => !document.querySelector(".ProseMirror")?.textContent?.includes("OWNER-UNDO-ME"));
  await editor.waitForFunction(() => !document.querySelector(".ProseMirror")?.textContent?.includes("OWNER-UNDO-ME"));
  expect(await editorText(owner)).toContain("EDITOR-KEEPS-THIS");
  expect(await editorText(editor)).toContain("EDITOR-KEEPS-THIS");
});

it("no script errors on either page", () => {
  expect(pageErrors(owner)).toEqual([]);
  expect(pageErrors(editor)).toEqual([]);
});
