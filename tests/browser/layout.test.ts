// Every page fits a phone and a tablet without sideways scrolling; on a phone the plan's text
// comes first and the outline and comments open on demand; the save status stays calm while
// someone types. Real Chromium at 390 and 768 px against the real server.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage, openRoundFromPage } from "../helpers/browser";
import { DEMO, signIn, startServer, type TestServer } from "../helpers/server";
import { axeViolations } from "../helpers/axe";

let server: TestServer;
let browser: Browser;
const PLAN_PATH = `/plans/${DEMO.planId}`;
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };
let versionId = "";
const SHOTS = process.env.SCREENSHOTS_DIR;

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` });
}
let roundPath = "";

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // A consultation round and a named version, so their pages have something to show.
  const owner = await signedInPage(
    await browser.newContext({ viewport: { width: 1280, height: 900 } }),
    server.url,
    DEMO.owner,
    `${PLAN_PATH}/rounds`,
  );
  roundPath = await openRoundFromPage(owner, "Partner review, November");
  versionId = await owner.evaluate(async (planPath) => {
    const response = await fetch(`/api${planPath}/versions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Before review" }),
    });
    return String(((await response.json()) as { id: string | number }).id);
  }, PLAN_PATH);
  await owner.context().close();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

/** Each page, and what shows it has finished drawing. */
function pages(): { name: string; path: string; ready: string }[] {
  return [
    { name: "dashboard", path: "/plans", ready: ".plan-card" },
    { name: "plan", path: PLAN_PATH, ready: ".actions-table" },
    { name: "history", path: `${PLAN_PATH}/history`, ready: ".version-row" },
    { name: "a version", path: `${PLAN_PATH}/history/${versionId}`, ready: ".version-document .ProseMirror" },
    { name: "compare", path: `${PLAN_PATH}/compare?from=${versionId}&to=current`, ready: ".compare-summary" },
    { name: "rounds", path: `${PLAN_PATH}/rounds`, ready: ".rounds-table" },
    { name: "a round", path: roundPath, ready: "h1" },
    { name: "members", path: `${PLAN_PATH}/members`, ready: ".members-table" },
    { name: "settings", path: "/settings", ready: ".settings-page" },
    { name: "print", path: `${PLAN_PATH}/print`, ready: "h1" },
  ];
}

async function sidewaysOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string }> {
  return page.evaluate(() => {
    // Name the element that sticks out furthest, so a failure says where to look.
    let widest = "";
    let right = window.innerWidth;
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      if (box.right > right + 0.5 && box.width > 0) {
        let clipped = false;
        for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
          const overflowX = getComputedStyle(parent).overflowX;
          if (overflowX !== "visible") {
            clipped = true;
            break;
          }
        }
        if (!clipped) {
          right = box.right;
          widest = `${element.tagName.toLowerCase()}.${String(element.className).split(" ").join(".")} (${Math.round(box.right)}px)`;
        }
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest };
  });
}

for (const viewport of [PHONE, TABLET]) {
  it(`no page scrolls sideways at ${viewport.width} px`, async () => {
    const context = await browser.newContext({ viewport });
    const tooWide: { page: string; scrollWidth: number; widest: string }[] = [];
    const check = async (name: string, page: Page) => {
      const { scrollWidth, innerWidth, widest } = await sidewaysOverflow(page);
      if (scrollWidth > innerWidth) tooWide.push({ page: name, scrollWidth, widest });
    };
    const signIn = await context.newPage();
    await signIn.goto(`${server.url}/login`);
    await check("sign-in", signIn);
    await signIn.close();
    const page = await signedInPage(context, server.url, DEMO.owner, "/plans");
    page.setDefaultTimeout(10_000);
    for (const { name, path, ready } of pages()) {
      await page.goto(`${server.url}${path}`);
      await page.locator(ready).first().waitFor();
      await check(name, page);
    }
    expect(tooWide).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  }, 90_000);
}

async function phonePlan(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await signedInPage(context, server.url, email, PLAN_PATH);
  page.setDefaultTimeout(8000);
  await page.locator(".ProseMirror section").first().waitFor();
  return { context, page };
}

it("on a desktop window the tools are one row beside who is here, and the text starts higher", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
  page.setDefaultTimeout(8000);
  const heading = page.locator(".ProseMirror section h2").first();
  await heading.waitFor({ state: "visible" });
  const box = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((element) => element.getBoundingClientRect().toJSON() as DOMRect);
  const toolbar = await box('[role="toolbar"]');
  const tool = await box('[role="toolbar"] button.tool:not(.tool-new-section)');
  const status = await box(".workspace-status");
  // One row: the bar is about one button high (it was two rows of words at this width).
  expect(toolbar.height).toBeLessThan(tool.height * 1.8);
  // Who is here and "Saved" sit in the same row as the tools, not on a row of their own above.
  expect(status.top + status.height / 2).toBeGreaterThan(toolbar.top);
  expect(status.top + status.height / 2).toBeLessThan(toolbar.bottom);
  // The first section title under the round's banner, the tools and nothing else (336 px before).
  expect((await box(".ProseMirror section h2")).top).toBeLessThan(320);
  await context.close();
});

it("on a phone the plan's text starts within the first screen", async () => {
  const { context, page } = await phonePlan(DEMO.editor);
  // The first heading and a line or two under it are on the first screen, before any scrolling.
  const heading = page.locator(".ProseMirror section h2").first();
  await heading.waitFor({ state: "visible" });
  const top = await heading.evaluate((element) => element.getBoundingClientRect().top + window.scrollY);
  expect(top).toBeLessThan(PHONE.height - 150);
  await context.close();
});

it("going to a section from the outline shows its heading below the bar at the top of the window, not behind it", async () => {
  for (const viewport of [PHONE, { width: 1280, height: 900 }]) {
    const context = await browser.newContext({ viewport });
    const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
    await page.locator(".ProseMirror section h2").first().waitFor();
    if (viewport === PHONE) await page.locator(".panel-button", { hasText: "Sections" }).click();
    // The outline scrolls smoothly: where the heading is counts once the scroll has ended.
    await page.evaluate(() => {
      (window as unknown as { scrolled: Promise<void> }).scrolled = new Promise((resolve) =>
        window.addEventListener("scrollend", () => resolve(), { once: true }),
      );
    });
    await page.locator(".outline-title").nth(3).click();
    // How far below the bar's bottom the heading's top is (negative: behind the bar).
    const below = await page.evaluate(async () => {
      await (window as unknown as { scrolled: Promise<void> }).scrolled;
      const heading = document.querySelectorAll(".ProseMirror section")[3]!.querySelector("h2")!;
      const barBottom = document.querySelector(".workspace-bar")!.getBoundingClientRect().bottom;
      return Math.round(heading.getBoundingClientRect().top - barBottom);
    });
    // A little below the bar (it stopped behind it: 18 px from the window's top, under a 55 px bar
    // at desktop and a 92 px one on a phone).
    expect(below, `${viewport.width} px`).toBeGreaterThanOrEqual(0);
    expect(below, `${viewport.width} px`).toBeLessThan(60);
    await context.close();
  }
});

it("typing on a line under the bar at the top of the window brings the caret out from under it", async () => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
  const paragraph = page.locator(".ProseMirror section").nth(2).locator("p").first();
  await paragraph.click();
  await page.keyboard.press("End");
  // The caret's line scrolled up behind the bar (10 px from the window's top), then a letter typed.
  await paragraph.evaluate((element) => window.scrollBy(0, element.getBoundingClientRect().bottom - 20));
  await page.keyboard.type("x");
  const caretBelowBar = () =>
    page.evaluate(() => {
      const caretTop = window.getSelection()!.getRangeAt(0).getBoundingClientRect().top;
      return Math.round(caretTop - document.querySelector(".workspace-bar")!.getBoundingClientRect().bottom);
    });
  // The editor scrolls its caret into view with the bar counted (it counted only the window).
  await expect.poll(caretBelowBar).toBeGreaterThanOrEqual(0);
  await context.close();
});

it("on a phone the outline opens from the bar above the text, and Escape or a tap beside it closes it", async () => {
  const { context, page } = await phonePlan(DEMO.editor);
  const outline = page.locator(".plan-sidebar");
  expect(await outline.isVisible()).toBe(false);
  const opener = page.getByRole("button", { name: "Sections" });
  await opener.click();
  await outline.waitFor({ state: "visible" });
  expect(await outline.evaluate((panel) => panel.contains(document.activeElement))).toBe(true);
  const box = await outline.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  // The panel covers the page: Tab goes round inside it, never to the dimmed page behind.
  const isInPanel = () => outline.evaluate((panel) => panel.contains(document.activeElement));
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    expect(await isInPanel()).toBe(true);
  }
  await page.keyboard.press("Shift+Tab");
  expect(await isInPanel()).toBe(true);
  await page.keyboard.press("Escape");
  await outline.waitFor({ state: "hidden" });
  expect(await opener.evaluate((button) => button === document.activeElement)).toBe(true);
  // A tap on the dimmed text beside the panel closes it too.
  await opener.click();
  await outline.waitFor({ state: "visible" });
  await page.mouse.click(PHONE.width - 5, PHONE.height / 2);
  await outline.waitFor({ state: "hidden" });
  await context.close();
});

it("on a phone the comments open from the bar above the text and their close button closes them", async () => {
  const { context, page } = await phonePlan(DEMO.commenter);
  const comments = page.locator(".comments-drawer");
  expect(await comments.isVisible()).toBe(false);
  const opener = page.getByRole("button", { name: /^Comments/ });
  await opener.click();
  await comments.waitFor({ state: "visible" });
  expect(await comments.evaluate((panel) => panel.contains(document.activeElement))).toBe(true);
  // The filters fit: each shows its whole choice ("All sections", not "All sectio").
  for (const select of await comments.locator(".comments-filters select").all()) {
    const room = await select.evaluate((element) => {
      const field = element as HTMLSelectElement;
      const measure = document.createElement("span");
      measure.style.font = getComputedStyle(field).font;
      measure.style.whiteSpace = "nowrap";
      measure.textContent = field.selectedOptions[0]?.textContent ?? "";
      document.body.append(measure);
      const needed = measure.getBoundingClientRect().width + 24; // the arrow and padding
      measure.remove();
      const box = field.getBoundingClientRect();
      return { fitsText: box.width >= needed, fitsScreen: box.right <= window.innerWidth };
    });
    expect(room).toEqual({ fitsText: true, fitsScreen: true });
  }
  await comments.getByRole("button", { name: "Close" }).click();
  await comments.waitFor({ state: "hidden" });
  expect(await opener.evaluate((button) => button === document.activeElement)).toBe(true);
  await context.close();
});

it("on a phone, commenting on a passage opens the comments with the new comment's box", async () => {
  const { context, page } = await phonePlan(DEMO.commenter);
  const comment = page.getByRole("button", { name: "Comment", exact: true });
  // The editor may re-render as the text finishes syncing and drop a selection made first:
  // select until the page has taken it (the button is enabled only with a selection).
  await expect
    .poll(async () => {
      await page.locator(".ProseMirror em", { hasText: "Gotong royong" }).selectText();
      return comment.isEnabled();
    })
    .toBe(true);
  await comment.click();
  await page.locator(".comments-drawer").waitFor({ state: "visible" });
  const box = page.getByRole("textbox", { name: "New comment" });
  await box.waitFor({ state: "visible" });
  const bounds = await box.boundingBox();
  expect(bounds!.x + bounds!.width).toBeLessThanOrEqual(PHONE.width);
  // The caret is in the box, not left in the text behind the sheet.
  await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true);
  await context.close();
});

it("on a phone, clicking a comment's highlight in the text opens its thread", async () => {
  const { context, page } = await phonePlan(DEMO.editor);
  await page.locator(".ProseMirror .comment-highlight").first().click();
  await page.locator(".comments-drawer .thread-card.is-active").waitFor({ state: "visible" });
  await context.close();
});

it("on a phone the text stays put as the save status changes, in either language; a notice that needs reading gets a row of its own", async () => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await signedInPage(context, server.url, DEMO.owner, PLAN_PATH);
  page.setDefaultTimeout(8000);
  type Watch = { heights: number[]; statuses: { status: string; isCut: boolean }[] };
  /** From now on: every height of the bar above the text, and each status with whether its words were cut. */
  const watchBar = () =>
    page.evaluate(() => {
      const bar = document.querySelector(".workspace-bar")!;
      const watch: Watch = { heights: [], statuses: [] };
      (window as unknown as { barWatch: Watch }).barWatch = watch;
      new ResizeObserver(() => watch.heights.push(Math.round(bar.getBoundingClientRect().height))).observe(bar);
      const record = () => {
        const status = bar.querySelector(".connection-status") as HTMLElement;
        const entry = { status: status.dataset.status ?? "", isCut: status.scrollWidth > status.clientWidth };
        if (watch.statuses.at(-1)?.status !== entry.status) watch.statuses.push(entry);
      };
      record();
      new MutationObserver(record).observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  const readWatch = () => page.evaluate(() => (window as unknown as { barWatch: Watch }).barWatch);
  for (const language of ["English", "Bahasa Indonesia"]) {
    if (language !== "English") {
      await page.getByRole("button", { name: language }).click();
      await page.locator('html[lang="id"]').waitFor();
    }
    await page.locator('[data-status="connected"], [data-status="saved"]').first().waitFor();
    await page.locator(".ProseMirror section").nth(1).locator("p").first().click();
    await page.keyboard.press("End");
    await watchBar();
    await page.keyboard.type(" the bar stays", { delay: 40 });
    await page.locator('[data-status="saved"]').waitFor();
    const watch = await readWatch();
    // Typing went through the statuses ("Editing" is "Menyunting", wider than "Saved" by half)...
    expect(watch.statuses.map((entry) => entry.status)).toEqual(expect.arrayContaining(["editing", "saved"]));
    // ...and the bar, so the text under it, never changed height; the words were whole each time.
    expect(new Set(watch.heights).size, `${language}: ${JSON.stringify(watch)}`).toBe(1);
    expect(
      watch.statuses.filter((entry) => entry.isCut),
      language,
    ).toEqual([]);
  }
  await page.getByRole("button", { name: "English" }).click();
  await page.locator('html[lang="en"]').waitFor();
  await page.locator('[data-status="connected"], [data-status="saved"]').first().waitFor();
  // Signed out in another tab: the server closes the connection, and its notice is read whole.
  const other = await context.newPage();
  await other.goto(`${server.url}/plans`);
  await other.getByRole("button", { name: "Sign out" }).click();
  const notice = page.locator('.connection-status[data-status="closed"]');
  await notice.waitFor();
  expect(await notice.textContent()).toContain("Sign in again");
  const [noticeBox, barBox, isCut] = await notice.evaluate((element) => [
    element.getBoundingClientRect().toJSON() as DOMRect,
    element.closest(".workspace-bar")!.getBoundingClientRect().toJSON() as DOMRect,
    element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight,
  ]);
  expect(isCut).toBe(false);
  expect(noticeBox.width).toBeGreaterThan(barBox.width * 0.6);
  await context.close();
}, 45_000);

it("who is here takes the same room however many come: the bar keeps its height, and names those it has no room to show", async () => {
  // Three others, signed in once; they come by opening the plan and go by leaving it.
  const others = await Promise.all(
    [DEMO.owner, DEMO.commenter, DEMO.viewer].map(async (email) =>
      signedInPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }), server.url, email, "/plans"),
    ),
  );
  for (const viewport of [PHONE, { width: 1280, height: 900 }]) {
    // bypassCSP: axe-core is put into the page as a script of its own.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
    page.setDefaultTimeout(8000);
    for (const language of ["en", "id"]) {
      if ((await page.locator("html").getAttribute("lang")) !== language) {
        await page.getByRole("button", { name: language === "id" ? "Bahasa Indonesia" : "English" }).click();
        await page.locator(`html[lang="${language}"]`).waitFor();
      }
      const peopleHere = (count: number) =>
        page.waitForFunction(
          (n) => document.querySelector(".workspace-bar .presence")?.getAttribute("aria-label")?.startsWith(`${n} `),
          count,
        );
      const bar = () =>
        page.evaluate(() => {
          const element = document.querySelector(".workspace-bar")!;
          const status = element.querySelector(".connection-status") as HTMLElement;
          return {
            height: Math.round(element.getBoundingClientRect().height),
            places: element.querySelectorAll(".presence > .avatar, .presence .presence-more").length,
            shown: Array.from(element.querySelectorAll(".presence > .avatar"), (avatar) => avatar.getAttribute("aria-label")),
            more: element.querySelector(".presence-more")?.getAttribute("aria-label") ?? null,
            statusCut: status.scrollWidth > status.clientWidth,
          };
        });
      await peopleHere(1);
      await page.locator('[data-status="connected"], [data-status="saved"]').first().waitFor();
      const alone = await bar();
      await Promise.all(others.map((other) => other.goto(`${server.url}${PLAN_PATH}`)));
      await peopleHere(4);
      const crowded = await bar();
      const where = `${viewport.width} px, ${language}: ${JSON.stringify({ alone, crowded })}`;
      // The text under the bar does not move when people come (a fourth avatar put the status on
      // a row of its own: 55 -> 92 px at desktop in Bahasa Indonesia, 92 -> 127 on a phone).
      expect(crowded.height, where).toBe(alone.height);
      expect(crowded.statusCut, where).toBe(false);
      expect(crowded.places, where).toBe(viewport === PHONE ? 1 : 3);
      // Each person is named once: by an avatar, or in the place for the rest (this page's person too).
      for (const name of ["Sri Wahyuni", "Eri Trinurini", "Destry Anna", "Tendy Gunawan"]) {
        const namings = [...crowded.shown, crowded.more].filter((label) => label?.includes(name));
        expect(namings, `${name} at ${where}`).toHaveLength(1);
      }
      // The rest are listed by name for the keyboard too: Enter opens the list under the bar,
      // which keeps its height; Escape closes it and leaves the focus on the button.
      const more = page.locator(".workspace-bar .presence-more");
      await more.focus();
      await page.keyboard.press("Enter");
      const list = page.locator(".workspace-bar .more-people-list");
      await list.waitFor({ state: "visible" });
      expect(await list.locator("li").allInnerTexts(), where).toHaveLength(viewport === PHONE ? 4 : 2);
      expect((await bar()).height, where).toBe(alone.height);
      const listBox = (await list.boundingBox())!;
      expect(listBox.x >= 0 && listBox.x + listBox.width <= viewport.width, `${where}: ${JSON.stringify(listBox)}`).toBe(true);
      await shot(page, `more-people-${language}-${viewport.width}`);
      expect(await axeViolations(page), where).toEqual([]);
      await page.keyboard.press("Escape");
      await list.waitFor({ state: "hidden" });
      expect(await more.evaluate((element) => element === document.activeElement), where).toBe(true);
      await Promise.all(others.map((other) => other.goto(`${server.url}/plans`)));
    }
    // The language is the account's: the tests after this one read English.
    await page.getByRole("button", { name: "English" }).click();
    await page.locator('html[lang="en"]').waitFor();
    await context.close();
  }
  await Promise.all(others.map((other) => other.context().close()));
}, 90_000);

it('typing a burst of 20 characters shows "Saving…" at most once, and "Saved" only after the server acknowledged', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Record, in the page, each save acknowledgement (message 101) the server sends.
  await context.addInitScript(() => {
    const log: { kind: string; value?: string; at: number }[] = [];
    (window as unknown as { saveLog: typeof log }).saveLog = log;
    const NativeWebSocket = window.WebSocket;
    class RecordingWebSocket extends NativeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("message", (event: MessageEvent) => {
          if (event.data instanceof ArrayBuffer && new Uint8Array(event.data)[0] === 101) log.push({ kind: "ack", at: performance.now() });
        });
      }
    }
    window.WebSocket = RecordingWebSocket;
    new MutationObserver(() => {
      const status = document.querySelector(".connection-status")?.getAttribute("data-status") ?? "";
      if (log.at(-1)?.value !== status) log.push({ kind: "status", value: status, at: performance.now() });
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    document.addEventListener("keydown", () => log.push({ kind: "key", at: performance.now() }), true);
  });
  const page = await signedInPage(context, server.url, DEMO.editor, PLAN_PATH);
  page.setDefaultTimeout(8000);
  await page.locator(".ProseMirror section").nth(1).locator("p").first().click();
  await page.keyboard.press("End");
  await page.locator('[data-status="connected"], [data-status="saved"]').first().waitFor();
  await page.keyboard.type(" steady typing here!", { delay: 90 });
  await page.locator('[data-status="saved"]').waitFor();
  await page.waitForTimeout(1500);
  const log = await page.evaluate(() => (window as unknown as { saveLog: { kind: string; value?: string; at: number }[] }).saveLog);
  const firstKey = log.findIndex((entry) => entry.kind === "key");
  const afterTyping = log.slice(firstKey);
  const statuses = afterTyping.filter((entry) => entry.kind === "status").map((entry) => entry.value);
  expect(statuses.filter((status) => status === "saving").length).toBeLessThanOrEqual(1);
  expect(statuses.filter((status) => status === "saved")).toEqual(["saved"]);
  const lastKey = afterTyping.filter((entry) => entry.kind === "key").at(-1)!.at;
  const saved = afterTyping.find((entry) => entry.value === "saved")!.at;
  expect(afterTyping.some((entry) => entry.kind === "ack" && entry.at > lastKey && entry.at <= saved)).toBe(true);
  expect(await page.locator(".connection-status").textContent()).toBe("Saved");
  await context.close();
}, 30_000);

it("at desktop width, a new comment on a passage below a section with thirty threads opens beside its text, in view", async () => {
  // Thirty section threads stack as cards from the section's heading down, pages long; the new
  // comment's card, after them in the text's order, was once placed below all of them and the
  // page scrolled to its end, away from the passage.
  const cookie = await signIn(server.url, DEMO.owner);
  for (let i = 0; i < 30; i++) {
    const response = await fetch(`${server.url}/api${PLAN_PATH}/threads`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ body: `Section thread ${i + 1}`, sectionId: "s-r193" }),
    });
    expect(response.status).toBeLessThan(300);
  }
  const page = await signedInPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }), server.url, DEMO.editor, PLAN_PATH);
  await page.locator(".comment-track [data-card-key]").nth(29).waitFor();
  const passage = page.locator('.ProseMirror section[data-section-id="s-r193"] p').first();
  await passage.locator("strong").first().dblclick();
  await page.keyboard.press("Control+Alt+m");
  const box = page.getByRole("textbox", { name: "New comment" });
  await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true);
  // Beside its passage (at most a little lower, to make room), and inside the window once the
  // page has come to rest.
  await expect
    .poll(async () => {
      const wordTop = (await passage.locator("strong").first().boundingBox())!.y;
      const card = (await page.locator("article.is-composer").boundingBox())!;
      return { besideWord: card.y >= wordTop - 1 && card.y <= wordTop + 160, inWindow: card.y >= 0 && card.y + card.height <= 900 };
    })
    .toEqual({ besideWord: true, inWindow: true });
  expect(pageErrors(page)).toEqual([]);
});
