// Debian's Chromium driven by playwright-core (no browser downloads here).
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

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
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${baseUrl}${path}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "gotong-demo");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${baseUrl}${path}`);
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}
