// What a server loads at start: the Word, import and PostgreSQL/Redis libraries wait until they
// are first used (docs/architecture.md), so a restart does not pay for them. The built server
// runs with a hook that records every module it imports or requires (tests/helpers/record-imports.mjs);
// what it bundles (scripts/build-server.mjs) is not resolved at all.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO } from "../helpers/server";

const recorded = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gotong-imports-")), "imports.txt");
const demo = useDemoServer({
  nodeArgs: ["--import", path.resolve("tests/helpers/record-imports.mjs")],
  env: { RECORD_IMPORTS_TO: recorded },
});

/** Packages the server has resolved so far, by name. */
function loadedPackages(): Set<string> {
  const urls = fs.existsSync(recorded) ? fs.readFileSync(recorded, "utf8").split("\n") : [];
  return new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
}

const LOADED_WHEN_USED = ["docx", "mammoth", "jszip", "@xmldom/xmldom", "@tiptap/html", "happy-dom", "pg", "ioredis", "nodemailer"];

describe("a started server", () => {
  it("answers /healthz and pages without having loaded the Word, import, PostgreSQL, Redis or mail libraries", async () => {
    expect((await fetch(`${demo.server.url}/healthz`)).status).toBe(200);
    const page = await fetch(`${demo.server.url}/plans/${DEMO.planId}`, { headers: { cookie: demo.cookies.editor } });
    expect(page.status).toBe(200);
    const loaded = loadedPackages();
    // The recorder sees what the server does load from node_modules: the SQLite driver, required.
    expect(loaded).toContain("sqlite3");
    expect(LOADED_WHEN_USED.filter((name) => loaded.has(name))).toEqual([]);
  });

  it("loads docx with the first Word export", async () => {
    const response = await fetch(`${demo.server.url}/plans/${DEMO.planId}/export.docx`, { headers: { cookie: demo.cookies.editor } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(loadedPackages()).toContain("docx");
  });
});
