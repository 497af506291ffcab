// The pages tests/helpers/browser.ts signed in and that are still open, for the report a
// failing test prints (tests/helpers/report-pages-on-failure.ts). Its own module, free of
// playwright and vitest: the setup file that reads it runs before every test file.
import type { Page } from "playwright-core";

export const openPages = new Set<Page>();
