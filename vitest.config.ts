import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globals: true,
    pool: "forks",
    // Two cores: integration and browser files each start real servers (and Chromium).
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a state a server or a page reaches (a reply, a revalidation, a
    // broadcast). Vitest's default of one second failed such waits in CI when two browser files
    // and the crash suite shared two cores; a state that never comes still fails, later.
    expect: { poll: { timeout: 10_000 } },
    setupFiles: ["tests/helpers/report-pages-on-failure.ts"],
  },
});
