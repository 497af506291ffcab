// The Markdown download and the print view of a plan, through the real server: the seeded plan's
// Markdown is the reviewed snapshot, a saved version exports as it was, and only members get either.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDeadline } from "../../app/utils/deadline";
import { connectClient, typeAt, whenSaved, whenSynced } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const SNAPSHOT = path.resolve("tests/snapshots/demo-plan.md");
/** The snapshot's stand-in for the export's date: the only part that changes with the clock. */
const DATE_PLACEHOLDER = "{{date}}";

const demo = useDemoServer();
/** Saved before the text changes; the print view's tests open it too. */
let versionId: number;

function get(pathname: string, role: DemoRole | null, language = "en") {
  return fetch(`${demo.server.url}${pathname}`, {
    headers: { ...(role ? { cookie: demo.cookies[role] } : {}), "accept-language": language },
    redirect: "manual",
  });
}

/** The Markdown of the current text, with the export time (between before and after) replaced. */
async function currentMarkdown(role: DemoRole): Promise<string> {
  const before = Date.now();
  const response = await get(`/plans/${DEMO.planId}/export.md`, role);
  const after = Date.now();
  expect(response.status).toBe(200);
  const markdown = await response.text();
  const date = [before, after].map((time) => formatDeadline(time, "en")).find((formatted) => markdown.includes(formatted));
  expect(date, "the export is dated when it was made").toBeDefined();
  return markdown.replace(date!, DATE_PLACEHOLDER);
}

describe("the Markdown download", () => {
  it("writes the seeded plan exactly as the reviewed snapshot", async () => {
    expect(await currentMarkdown("viewer")).toBe(fs.readFileSync(SNAPSHOT, "utf8"));
  });

  it("is a Markdown attachment named after the plan", async () => {
    const response = await get(`/plans/${DEMO.planId}/export.md`, "viewer");
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent("National Entrepreneurship Action Plan — Social and Solidarity Economy.md")}`,
    );
  });

  it("labels the details and the matrix in the reader's interface language", async () => {
    const markdown = await (await get(`/plans/${DEMO.planId}/export.md`, "viewer", "id-ID,id;q=0.9")).text();
    expect(markdown).toContain("*Teks sekarang, ");
    expect(markdown).toContain("*Lembaga penanggung jawab: ");
    expect(markdown).toContain(
      "| Program | Kegiatan | Keluaran | Indikator | Nilai dasar | Target | Jadwal | Lembaga penanggung jawab | Lembaga pendukung |",
    );
  });

  it("exports a saved version as it was, under the version's name", async () => {
    const saved = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/versions`, {
      method: "POST",
      headers: { cookie: demo.cookies.editor, "content-type": "application/json" },
      body: JSON.stringify({ name: "Draft for partners", note: "" }),
    });
    expect(saved.status).toBe(201);
    versionId = ((await saved.json()) as { id: number }).id;

    const editor = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.editor);
    try {
      await whenSynced(editor);
      typeAt(editor.doc, "Written after the version was saved. ", 0);
      await whenSaved(editor);
    } finally {
      editor.destroy();
    }

    expect(await currentMarkdown("viewer")).toContain("Written after the version was saved.");
    const response = await get(`/plans/${DEMO.planId}/export.md?version=${versionId}`, "viewer");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain(encodeURIComponent(" - Draft for partners.md"));
    const markdown = await response.text();
    expect(markdown).not.toContain("Written after the version was saved.");
    expect(markdown.split("\n")[2]).toMatch(/^\*Version “Draft for partners”, saved .+ WIB\*$/);
    expect(markdown).toContain("## 1. The SSE concept and Indonesian practice");
  });

  it("answers 404 for a version that is not one of this plan's", async () => {
    for (const version of ["999999", "abc", "-1"]) {
      expect((await get(`/plans/${DEMO.planId}/export.md?version=${version}`, "viewer")).status).toBe(404);
    }
  });

  it("is refused to someone who is not a member, and sends a signed-out visitor to sign in", async () => {
    expect((await get(`/plans/${DEMO.planId}/export.md`, "outsider")).status).toBe(404);
    expect((await get(`/plans/no-such-plan/export.md`, "viewer")).status).toBe(404);
    const signedOut = await get(`/plans/${DEMO.planId}/export.md`, null);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

describe("a plan started from the SSE template", () => {
  it("has its section titles in its creator's interface language", async () => {
    const created = await fetch(`${demo.server.url}/plans?index`, {
      method: "POST",
      headers: { cookie: demo.cookies.outsider, "accept-language": "id-ID,id;q=0.9" },
      body: new URLSearchParams({ title: "Rencana uji", template: "sse" }),
      redirect: "manual",
    });
    expect(created.status).toBe(302);
    const planPath = created.headers.get("location")!;
    const markdown = await (await get(`${planPath}/export.md`, "outsider", "id-ID")).text();
    expect(markdown).toContain("## 1. Konsep ESS dan praktiknya di Indonesia\n");
    expect(markdown).toContain("## 6. Matriks aksi\n");
    expect(markdown).toContain("| Program | Kegiatan |");
  });
});

describe("the print view", () => {
  it("renders the plan without the site's header, with matrices whose header row repeats", async () => {
    const response = await get(`/plans/${DEMO.planId}/print`, "viewer");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('class="site-header"');
    expect(html).toContain("<h2>1. The SSE concept and Indonesian practice</h2>");
    expect(html).toMatch(/<table class="print-action-matrix"><thead><tr><th scope="col">Programme<\/th>/);
    expect(html).toContain("<strong>Promotion of Cooperatives Recommendation, 2002 (No. 193)</strong>");
    // Its stylesheet sets the A4 page, and keeps headings with their text and header rows on every page.
    const cssHref = /<link rel="stylesheet" href="([^"]*print[^"]*\.css)"/.exec(html)?.[1];
    expect(cssHref).toBeDefined();
    const css = await (await fetch(`${demo.server.url}${cssHref}`)).text();
    expect(css).toMatch(/@page\s*{\s*size:\s*A4;\s*margin:\s*20mm/);
    expect(css).toMatch(/thead\s*{\s*display:\s*table-header-group/);
    expect(css).toMatch(/h2[^{]*{[^}]*break-after:\s*avoid/);
  });

  it("shows a saved version as it was", async () => {
    const html = await (await get(`/plans/${DEMO.planId}/print?version=${versionId}`, "viewer")).text();
    expect(html).toContain("Version “Draft for partners”, saved ");
    expect(html).not.toContain("Written after the version was saved.");
    const current = await (await get(`/plans/${DEMO.planId}/print`, "viewer")).text();
    expect(current).toContain("Written after the version was saved.");
  });

  it("follows the same rule as the plan page", async () => {
    expect((await get(`/plans/${DEMO.planId}/print?version=999999`, "viewer")).status).toBe(404);
    expect((await get(`/plans/${DEMO.planId}/print`, "outsider")).status).toBe(404);
    expect((await get(`/plans/${DEMO.planId}/print`, null)).status).toBe(302);
  });
});
