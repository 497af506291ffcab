// The unsubscribe page from a notification mail's link, in a browser that is not signed in:
// it speaks the language of the person the link names, and its button (a form the page's
// scripts submit) turns off that kind only.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { unsubscribeUrl } from "../../app/models/unsubscribe-link.server";
import { launchBrowser } from "../helpers/browser";
import { DEMO, TEST_SESSION_SECRET, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

it("a person set to Bahasa Indonesia stops one kind of email from the page's button, without signing in", async () => {
  const db = openDatabase(server.databasePath);
  try {
    const partner = await db.selectFrom("users").select("id").where("email", "=", DEMO.commenter).executeTakeFirstOrThrow();
    await db.updateTable("users").set({ locale: "id" }).where("id", "=", partner.id).execute();
    // The link as a mail would carry it (signed with the server's secret).
    const link = unsubscribeUrl({ publicUrl: server.url, secret: TEST_SESSION_SECRET }, partner.id, "reply");

    const context = await browser.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(link);
    await page.getByRole("heading", { name: "Hentikan email ini?", level: 1 }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("id");
    await page.getByText("Balasan di utas yang saya mulai atau ikuti").waitFor();

    await page.getByRole("button", { name: "Hentikan email ini" }).click();
    await page.getByRole("status").getByText("Selesai: tidak ada lagi email tentang").waitFor();
    expect(errors).toEqual([]);
    const settings = await db.selectFrom("notification_settings").select(["user_id", "kind", "delivery"]).execute();
    expect(settings).toEqual([{ user_id: partner.id, kind: "reply", delivery: "off" }]);
    await context.close();
  } finally {
    await db.destroy();
  }
});
