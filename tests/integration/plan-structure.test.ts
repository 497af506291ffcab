// The plan's structure through the real server: the CSV of all matrices, the SSE template,
// and the dashboard's progress and assignments.
import { describe, expect, it } from "vitest";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();

const get = (path: string, role: DemoRole) =>
  fetch(`${demo.server.url}${path}`, { headers: { cookie: demo.cookies[role]! }, redirect: "manual" });

describe("the actions CSV", () => {
  it("holds one row per action of the seeded plan, with its section", async () => {
    const response = await get(`/plans/${DEMO.planId}/actions.csv`, "viewer");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const lines = (await response.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "Section ID,Section,Programme,Activity,Output,Indicator,Baseline,Target,Timeline,Responsible institution,Supporting institutions",
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(
      // Fields holding a semicolon are quoted: Excel with `;` as list separator would split them.
      's-actions,6. Action matrix,SSE awareness,National webinar on SSE and the entrepreneurship programme,"Webinar held; proceedings published",Participants from ministries and partners,0,150 participants,2026 Q1,Bappenas,"ILO; Bina Swadaya"',
    );
    expect(lines[2]).toContain("Ministry of Cooperatives and SMEs");
  });

  it("has its headers and file name in the account's language", async () => {
    const setLanguage = (locale: string) =>
      fetch(`${demo.server.url}/settings`, {
        method: "POST",
        body: new URLSearchParams({ locale }),
        headers: { cookie: demo.cookies.viewer! },
        redirect: "manual",
      });
    expect((await setLanguage("id")).status).toBe(302);
    try {
      const response = await get(`/plans/${DEMO.planId}/actions.csv`, "viewer");
      expect(decodeURIComponent(response.headers.get("content-disposition") ?? "")).toContain(" - aksi.csv");
      const lines = (await response.text())
        .replace(/^\uFEFF/, "")
        .trim()
        .split("\r\n");
      expect(lines[0]).toBe(
        "ID bagian,Bagian,Program,Kegiatan,Keluaran,Indikator,Nilai dasar,Target,Jadwal,Lembaga penanggung jawab,Lembaga pendukung",
      );
    } finally {
      await setLanguage("en");
    }
  });

  it("is a 404 for a non-member and sends a signed-out visitor to sign in", async () => {
    expect((await get(`/plans/${DEMO.planId}/actions.csv`, "outsider")).status).toBe(404);
    expect((await fetch(`${demo.server.url}/plans/${DEMO.planId}/actions.csv`, { redirect: "manual" })).status).toBe(302);
  });
});

describe("the SSE template", () => {
  it("starts a new plan with the brief's sections, each with guidance for drafters", async () => {
    const created = await fetch(`${demo.server.url}/plans?index`, {
      method: "POST",
      body: new URLSearchParams({ title: "Provincial SSE plan", description: "", template: "sse" }),
      headers: { cookie: demo.cookies.editor! },
      redirect: "manual",
    });
    expect(created.status).toBe(302);
    const csv = await (await get(`${created.headers.get("location")}/actions.csv`, "editor")).text();
    expect(csv.trim().split("\r\n")).toHaveLength(2); // the header and one empty action row
    const page = await (await get(created.headers.get("location")!, "editor")).text();
    for (const title of [
      "1. The SSE concept and Indonesian practice",
      "2. Alignment with ILO Recommendation No. 193",
      "3. Regulatory aspects: existing and incoming",
      "4. Social enterprises and cooperatives beyond the traditional model",
      "5. Lessons from the six-country SSE policy mapping",
      "6. Action matrix",
    ]) {
      expect(page).toContain(title);
    }
    expect(page).toContain("Japan, the Republic of Korea, China, Malaysia, the Philippines and Indonesia");
  });
});

describe("my plans dashboard", () => {
  it("shows progress by status and the sections assigned to me", async () => {
    const before = await (await get("/plans", "editor")).text();
    expect(before).toContain("0 of 6 sections approved");
    expect(before).toContain("No sections are assigned to you.");
    const assign = await fetch(`${demo.server.url}/plans/${DEMO.planId}/sections/s-mapping`, {
      method: "POST",
      body: new URLSearchParams({ assigneeUserId: "2", status: "in_review" }),
      headers: { cookie: demo.cookies.owner! },
    });
    expect(assign.status).toBe(200);
    await fetch(`${demo.server.url}/plans/${DEMO.planId}/sections/s-mapping`, {
      method: "POST",
      body: new URLSearchParams({ status: "approved" }),
      headers: { cookie: demo.cookies.owner! },
    });
    const after = await (await get("/plans", "editor")).text();
    expect(after).toContain("1 of 6 sections approved");
    expect(after).toContain("5. Lessons from the six-country SSE policy mapping");
    expect(after).toContain("Sections by status: 5 draft, 0 in review, 1 approved");
  });
});
