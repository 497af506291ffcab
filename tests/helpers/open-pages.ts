// The pages tests/helpers/browser.ts signed in, with what each has printed: its errors (tests
// assert there are none) and its last console lines (the report a failing test prints,
// tests/helpers/report-pages-on-failure.ts). Its own module, free of playwright's runtime and of
// vitest: the setup file that reads it runs before every test file.
import type { Page } from "playwright-core";

interface PageRecord {
  errors: string[];
  consoleLines: string[];
}

/** Open pages and what they printed; a page leaves when it closes. */
export const openPages = new Map<Page, PageRecord>();
/** What every watched page printed, closed ones too (a test may check after closing). */
const records = new WeakMap<Page, PageRecord>();

const CONSOLE_LINES_KEPT = 20;

/** Starts recording a page's errors and console lines. */
export function watchPage(page: Page): void {
  const record: PageRecord = { errors: [], consoleLines: [] };
  openPages.set(page, record);
  records.set(page, record);
  page.on("pageerror", (error) => record.errors.push(error.message));
  page.on("console", (message) => {
    record.consoleLines.push(`${message.type()}: ${message.text()}`);
    if (record.consoleLines.length > CONSOLE_LINES_KEPT) record.consoleLines.shift();
  });
  page.on("close", () => openPages.delete(page));
}

/** The uncaught errors the page has had, open or closed (none for a page that was not watched). */
export function pageErrors(page: Page): string[] {
  return records.get(page)?.errors ?? [];
}
