// Notifications in Chromium (docs/workflow.md): a mention lights the bell; the inbox lists it;
// opening it with the keyboard marks it read and lands on the thread's card. A thread is assigned
// from its card, and the assignee's notification leads to the section of a section assignment.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, signInEveryone, startServer, type DemoRole, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let cookies: Record<DemoRole, string>;

beforeAll(async () => {
  server = await startServer();
  cookies = await signInEveryone(server.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

async function post(role: DemoRole, path: string, body: unknown) {
  const response = await fetch(`${server.url}/api/plans/${DEMO.planId}${path}`, {
    method: "POST",
    headers: { cookie: cookies[role], "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as { id: string };
}

it("a mention lights the bell; opening it from the inbox with the keyboard reads it and shows the thread", async () => {
  const thread = await post("commenter", "/threads", { body: "Could @coop@ilo.example check this figure?", sectionId: "s-r193" });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await signedInPage(context, server.url, DEMO.editor, "/plans");
  const errors = pageErrors(page);
  const bell = page.locator(".notification-bell");
  await expect.poll(() => bell.getAttribute("aria-label")).toBe("Notifications, 1 unread");

  await bell.focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/notifications$/);
  const entry = page.locator(".inbox-item.is-unread .inbox-link");
  await expect.poll(() => entry.textContent()).toContain("Eri Trinurini mentioned you");
  await entry.focus();
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.hash === `#thread-${thread.id}`);
  await page.locator(`.thread-card.is-active[data-thread-id="${thread.id}"]`).waitFor({ timeout: 60_000 });
  await expect.poll(() => bell.getAttribute("aria-label")).toBe("Notifications");
  expect(errors).toEqual([]);
  await context.close();
}, 90_000);

it("an owner assigns a thread from its card; the assignee is told and sees it on the card", async () => {
  const thread = await post("owner", "/threads", { body: "Who can redraft this?", sectionId: "s-concept" });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signedInPage(context, server.url, DEMO.owner, `/plans/${DEMO.planId}`);
  await page.goto(`${server.url}/plans/${DEMO.planId}#thread-${thread.id}`);
  const card = page.locator(`.thread-card.is-active[data-thread-id="${thread.id}"]`);
  await card.waitFor({ timeout: 60_000 });
  await card.getByRole("button", { name: "Assign to someone" }).click();
  await card.getByLabel("Assign to").selectOption({ label: "Tendy Gunawan (ILO)" });
  await card.getByLabel("Due date (optional)").fill("2030-01-31");
  await card.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => card.locator(".thread-assignee").textContent()).toBe("Assigned to Tendy Gunawan, due January 31, 2030");
  await context.close();

  const inbox = await fetch(`${server.url}/api/notifications`, { headers: { cookie: cookies.editor } });
  const { notifications } = (await inbox.json()) as { notifications: { kind: string; url: string; text: string }[] };
  expect(notifications[0]).toMatchObject({ kind: "assigned", url: `/plans/${DEMO.planId}#thread-${thread.id}` });
  expect(notifications[0]!.text).toContain("(due 31 January 2030)");
}, 90_000);

it("a section assigned from its details form reaches the assignee, whose notification opens that section", async () => {
  const form = await fetch(`${server.url}/plans/${DEMO.planId}/sections/s-r193`, {
    method: "POST",
    headers: { cookie: cookies.owner, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ assigneeUserId: "2" }),
  });
  expect(form.status).toBe(200);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signedInPage(context, server.url, DEMO.editor, "/notifications");
  await page.locator(".inbox-item.is-unread .inbox-link", { hasText: "assigned you the section" }).first().click();
  await page.waitForURL((url) => url.hash === "#section-s-r193");
  // The section's heading is brought into view and the caret put in it.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const section = document.querySelector('section[data-section-id="s-r193"]');
        const top = section?.getBoundingClientRect().top ?? -1;
        return top >= 0 && top < window.innerHeight;
      }),
    )
    .toBe(true);
  await context.close();
}, 90_000);
