// Sign-off in Chromium: the owner asks two people from a section's menu in the outline; the
// editor approves in the page and the owner's page shows it at once; the second person, reading
// in Bahasa Indonesia on a phone, finds it on the dashboard and approves, and the section is
// approved. SCREENSHOTS_DIR=… keeps the dialog, the panel and the dashboard at 390 px and at
// desktop width in English and Bahasa Indonesia.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
const SHOTS = process.env.SCREENSHOTS_DIR;
const PLAN_PATH = `/plans/${DEMO.planId}`;
const SECTION_TITLE = "1. The SSE concept and Indonesian practice";
const DESKTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

/** The sign-off badge of the section in the page's outline. */
const outlineBadge = (page: Page) =>
  page.locator(`.outline-item[data-section-id="s-concept"] [data-testid="section-sign-off"]`).first().textContent();

it("the owner asks two people from the outline, and each approves in the page", async () => {
  const owner = await signedInPage(await browser.newContext({ viewport: DESKTOP, locale: "en-GB" }), server.url, DEMO.owner, PLAN_PATH);
  await owner.waitForSelector(".ProseMirror");
  await owner.getByRole("button", { name: `Actions for “${SECTION_TITLE}”` }).click();
  await owner.getByRole("menu").getByRole("menuitem", { name: "Ask for sign-off" }).click();
  const dialog = owner.locator("dialog.sign-off-dialog");
  await dialog.waitFor({ state: "visible" });
  expect(await dialog.getByLabel("What to approve").inputValue()).toBe("s-concept");
  await dialog.getByRole("checkbox", { name: /Tendy Gunawan/ }).check();
  await dialog.getByRole("checkbox", { name: /Destry Anna/ }).check();
  await dialog.getByLabel("Approve by").fill("2099-06-30");
  await shot(owner, "sign-off-dialog-en-desktop");
  await dialog.getByRole("button", { name: "Ask for sign-off" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expect.poll(() => outlineBadge(owner)).toBe("Sign-off 0/2");
  const request = owner.getByTestId("sign-off").first();
  await expect.poll(() => request.textContent()).toContain("0 of 2 approved");
  await shot(owner, "sign-off-panel-owner-en-desktop");

  // The editor, on a phone, approves.
  const editor = await signedInPage(await browser.newContext({ viewport: PHONE, locale: "en-GB" }), server.url, DEMO.editor, PLAN_PATH);
  await editor.waitForSelector(".ProseMirror");
  await editor.getByText("You are asked to approve this.").waitFor();
  await shot(editor, "sign-off-asked-en-390");
  await editor.getByRole("button", { name: "Approve", exact: true }).click();
  await expect.poll(() => editor.getByTestId("sign-off").first().textContent()).toContain("1 of 2 approved");
  expect(await editor.getByText("You are asked to approve this.").count()).toBe(0);
  // The owner's page hears of it without reloading.
  await expect.poll(() => outlineBadge(owner), { timeout: 15_000 }).toBe("Sign-off 1/2");

  // The viewer, in Bahasa Indonesia on a phone, finds it on the dashboard.
  const viewerContext = await browser.newContext({ viewport: PHONE, locale: "id-ID" });
  const viewer = await signedInPage(viewerContext, server.url, DEMO.viewer, "/plans");
  const asked = viewer.locator(".sign-offs-asked");
  await expect.poll(() => asked.textContent()).toContain("Persetujuan yang diminta dari Anda");
  await asked.scrollIntoViewIfNeeded();
  await shot(viewer, "sign-off-dashboard-id-390");
  await asked.getByRole("link").first().click();
  await viewer.waitForSelector(".ProseMirror");
  await viewer.getByRole("button", { name: "Tolak…" }).click();
  await viewer.getByLabel(/Mengapa Anda menolak/).fill("Perlu rujukan ke UU Perkoperasian.");
  await shot(viewer, "sign-off-refuse-id-390");
  await viewer.getByRole("button", { name: "Batal" }).click();
  await viewer.getByRole("button", { name: "Setujui", exact: true }).click();
  await expect.poll(() => viewer.getByTestId("sign-off").first().getAttribute("data-status")).toBe("approved");
  await expect.poll(() => outlineBadge(owner), { timeout: 15_000 }).toBe("Sign-off 2/2");
  await expect
    .poll(() => owner.locator(`.outline-item[data-section-id="s-concept"] [data-testid="section-status"]`).textContent(), {
      timeout: 15_000,
    })
    .toBe("Approved");
  await shot(owner, "sign-off-approved-en-desktop");

  // Bahasa Indonesia at desktop width, and the history with who signed off which text.
  const viewerDesktop = await signedInPage(
    await browser.newContext({ viewport: DESKTOP, locale: "id-ID" }),
    server.url,
    DEMO.viewer,
    `${PLAN_PATH}/history`,
  );
  const history = viewerDesktop.locator(".sign-off-history");
  await expect.poll(() => history.locator('[data-kind="approved"]').count()).toBe(2);
  await expect.poll(() => history.getByRole("link", { name: "Buka teks yang disetujui" }).count()).toBe(2);
  await history.scrollIntoViewIfNeeded();
  await shot(viewerDesktop, "sign-off-history-id-desktop");
  await viewerDesktop.goto(`${server.url}${PLAN_PATH}`);
  await viewerDesktop.waitForSelector(".ProseMirror");
  await shot(viewerDesktop, "sign-off-panel-id-desktop");

  for (const page of [owner, editor, viewer, viewerDesktop]) expect(pageErrors(page)).toEqual([]);
}, 120_000);
