// A compacted plan opened in Chromium from its opening (app/collab/opening.ts): the page shows
// and edits the compacted state's document before it has applied the state, keeps what is typed
// at once, saves it, and gets what others wrote after the compaction through its socket, which
// does not send the whole plan again.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { connectClient, typeAt, waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { editorText, launchBrowser, pageErrors, signedInPage } from "../helpers/browser";
import { DEMO, signInEveryone, startServer, storedPlanText, type TestServer } from "../helpers/server";

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

it("opens a compacted plan from its opening: typing at once is kept and saved, later edits arrive", async () => {
  const signed = await signInEveryone(server.url);
  const db = openDatabase(server.databasePath);
  try {
    // Enough edits for the plan to be compacted, with its opening, when the last person leaves.
    const writer = connectClient(server.wsUrl, DEMO.planId, signed.editor);
    await whenSynced(writer);
    for (let i = 0; i < 210; i += 1) typeAt(writer.doc, "x", 1);
    await whenSaved(writer);
    writer.destroy();
    const contentStored = async () =>
      (await db.selectFrom("plan_documents").select("content").where("plan_id", "=", DEMO.planId).executeTakeFirst())?.content ?? null;
    await expect.poll(contentStored, { timeout: 20_000 }).not.toBeNull();
  } finally {
    await db.destroy();
  }
  // Someone writes after the compaction and stays: the opening does not hold it.
  const other = connectClient(server.wsUrl, DEMO.planId, signed.editor);
  await whenSynced(other);
  typeAt(other.doc, "Meanwhile. ", 2);
  await whenSaved(other);

  const page = await signedInPage(await browser.newContext(), server.url, DEMO.owner, "/plans");
  // Whether the editor's binding was still waiting for the state at the first key typed.
  await page.addInitScript(() => {
    const keyed = window as unknown as { awaitingAtFirstKey?: boolean };
    document.addEventListener(
      "keydown",
      () => {
        const editor = (document.querySelector(".ProseMirror") as unknown as { editor?: { state: Record<string, unknown> } }).editor;
        const sync = editor?.state["y-sync$"] as { binding?: { isAwaitingContent?: boolean } } | undefined;
        keyed.awaitingAtFirstKey ??= sync?.binding?.isAwaitingContent === true;
      },
      true,
    );
  });
  const cdp = await page.context().newCDPSession(page);
  const framesReceived: number[] = [];
  cdp.on("Network.webSocketFrameReceived", ({ response }: { response: { payloadData: string } }) => {
    framesReceived.push(Buffer.from(response.payloadData, "base64").byteLength);
  });
  await cdp.send("Network.enable");
  const openings: number[] = [];
  page.on("response", async (response) => {
    if (response.url().endsWith("/opening")) openings.push(response.status() === 200 ? (await response.body()).byteLength : 0);
  });
  // The page's clock stands still: it shows the plan and takes typing, but the moment after its
  // first frame, when it applies the state, does not come until the clock goes on.
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1000);
  await page.goto(`${server.url}/plans/${DEMO.planId}`);
  const paragraph = page.locator('.ProseMirror[contenteditable="true"] section').nth(1).locator("p").first();
  await paragraph.click();
  await page.keyboard.press("End");
  await page.keyboard.type(" Early words.");
  expect(await page.evaluate(() => (window as unknown as { awaitingAtFirstKey?: boolean }).awaitingAtFirstKey)).toBe(true);
  await page.clock.resume();

  await page.locator('[data-status="saved"]').waitFor({ timeout: 20_000 });
  await waitFor(() => other.text().includes("Early words."), "the early words at the other person's");
  expect(await editorText(page)).toContain("Meanwhile. ");
  expect(await editorText(page)).toContain("Early words.");
  expect(await storedPlanText(server.databasePath, DEMO.planId)).toContain("Early words.");
  // One request for the opening (the preload's, taken by the page), and the socket brought only
  // what came after it: no message the size of the plan.
  expect(openings).toHaveLength(1);
  expect(Math.max(...framesReceived)).toBeLessThan(openings[0]! / 4);
  expect(pageErrors(page)).toEqual([]);
  other.destroy();
});
