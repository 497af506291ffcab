// Suggestions through the real server and real y-websocket clients (docs/suggestions.md, "Data
// and API"): the server writes a suggestion's marks for the person who asks, lists what the
// document holds with what the database knows, and accepts or rejects them as one edit.
import { describe, expect, it } from "vitest";
import { planSchema } from "../../app/editor/document.server";
import { suggestionsInDocument } from "../../app/editor/suggestion-marks";
import { openDatabase } from "../../db";
import { waitFor } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { editLikeEditor, findText, pmDocOf } from "../helpers/pm-edit";
import { DEMO } from "../helpers/server";
import { suggestionsApi, type Suggestion } from "../helpers/suggestions-api";

const demo = useDemoServer();

const { api, suggestions, suggestionById, suggest, syncedClient } = suggestionsApi(demo);

describe("making a suggestion", () => {
  it("lists a commenter's suggestion as open, with its author, and every client receives its marks", async () => {
    const editor = await syncedClient("editor");
    const id = await suggest("s-enterprises", "part of the SSE", "a full part of the SSE");
    expect(await suggestionById(id)).toMatchObject({
      id,
      sectionId: "s-enterprises",
      status: "open",
      inserted: "a full ",
      deleted: "",
      author: { name: "Eri Trinurini", organisation: "Bina Swadaya" },
      replies: [],
    });
    expect(new Date((await suggestionById(id))!.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    await waitFor(() => suggestionsInDocument(pmDocOf(editor.doc)).some((entry) => entry.id === id), "the suggestion's marks");
    // Proposed words are not accepted text: the paragraph reads as before, plus the proposal.
    expect(editor.allText()).toContain("are a full part of the SSE");
  });

  it("answers 422 when the text is not in the section exactly once, or the section is not there", async () => {
    const refusals = [
      { sectionId: "s-enterprises", find: "cooperatives", replaceWith: "co-ops", code: "ambiguous" },
      { sectionId: "s-enterprises", find: "nowhere in this plan", replaceWith: "x", code: "notFound" },
      { sectionId: "s-nowhere", find: "SSE", replaceWith: "x", code: "noSuchSection" },
    ];
    for (const { code, ...body } of refusals) {
      const { status, json } = await api("commenter", "POST", "/suggestions", body);
      expect(status).toBe(422);
      expect(json.code).toBe(code);
      expect(typeof json.error).toBe("string");
    }
    expect((await api("commenter", "POST", "/suggestions", { sectionId: "s-enterprises", find: "x" })).status).toBe(422);
  });

  it("is refused to viewers (403), and the plan is hidden from non-members (404)", async () => {
    const body = { sectionId: "s-enterprises", find: "social enterprises and", replaceWith: "x" };
    expect((await api("viewer", "POST", "/suggestions", body)).status).toBe(403);
    expect((await api("outsider", "POST", "/suggestions", body)).status).toBe(404);
    expect((await api("outsider", "GET", "/suggestions")).status).toBe(404);
  });

  it("takes replies from commenters and up", async () => {
    const id = (await suggestions()).find((suggestion) => suggestion.inserted === "a full ")!.id;
    const { status } = await api("commenter", "POST", `/suggestions/${id}/replies`, { body: "Recognition matters to our members." });
    expect(status).toBe(201);
    expect((await suggestionById(id))!.replies).toMatchObject([
      { body: "Recognition matters to our members.", author: { name: "Eri Trinurini" } },
    ]);
    expect((await api("viewer", "POST", `/suggestions/${id}/replies`, { body: "x" })).status).toBe(403);
  });
});

describe("accepting and rejecting", () => {
  it("is refused to commenters", async () => {
    const id = await suggest("s-concept", "how the action plan understands SSE", "how the action plan defines SSE");
    expect((await api("commenter", "POST", `/suggestions/${id}/accept`, {})).status).toBe(403);
    expect((await api("commenter", "POST", `/suggestions/${id}/reject`, {})).status).toBe(403);
    expect((await suggestionById(id))!.status).toBe("open");
  });

  it("accepting makes the proposal the text, for everyone, and records who accepted it", async () => {
    const editor = await syncedClient("editor");
    const id = (await suggestions()).find((suggestion) => suggestion.inserted === "defines")!.id;
    const { status, json } = await api("editor", "POST", `/suggestions/${id}/accept`, {});
    expect(status).toBe(200);
    expect(json).toMatchObject({ id, status: "accepted", resolvedBy: { name: "Tendy Gunawan", organisation: "ILO" } });
    await waitFor(() => editor.text().includes("how the action plan defines SSE, and how"), "the accepted text");
    expect(editor.text()).not.toContain("understands");
    expect(suggestionsInDocument(pmDocOf(editor.doc)).some((entry) => entry.id === id)).toBe(false);
    const again = await api("editor", "POST", `/suggestions/${id}/accept`, {});
    expect(again.status).toBe(409);
  });

  it("rejecting takes the proposal out and keeps the reason", async () => {
    const editor = await syncedClient("editor");
    const before = editor.allText();
    const id = await suggest("s-mapping", "mapped SSE policy in six countries", "mapped SSE policy in several countries");
    await waitFor(() => editor.allText() !== before, "the suggestion");
    const { status, json } = await api("owner", "POST", `/suggestions/${id}/reject`, { reason: "The six are named below." });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: "rejected", reason: "The six are named below.", deleted: "six", inserted: "several" });
    await waitFor(() => editor.allText() === before, "the text as it was");
  });

  it("shows a suggestion whose words an editor deleted as outdated, and refuses to accept it", async () => {
    const editor = await syncedClient("editor");
    const id = await suggest("s-mapping", "funded by the Ministry", "funded by the Korean Ministry");
    await waitFor(() => suggestionsInDocument(pmDocOf(editor.doc)).some((entry) => entry.id === id), "the suggestion's marks");
    editLikeEditor(editor.doc, (tr) => {
      const from = findText(editor.doc, ", funded by").from;
      const to = findText(editor.doc, "Republic of Korea,").to - 1;
      tr.delete(from, to);
    });
    await waitFor(() => !editor.text().includes("funded by"), "the deletion");
    let status = "";
    for (let attempt = 0; attempt < 50 && status !== "outdated"; attempt++) {
      status = (await suggestionById(id))!.status;
      if (status !== "outdated") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe("outdated");
    const textBefore = editor.text();
    const refused = await api("editor", "POST", `/suggestions/${id}/accept`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe("outdated");
    expect(refused.json.error).toMatch(/outdated/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(editor.text()).toBe(textBefore);
    expect((await suggestionById(id))!.status).toBe("outdated");
  });

  it("accepts every suggestion in a section at once", async () => {
    const editor = await syncedClient("editor");
    const first = await suggest("s-actions", "Gap analysis report", "Gap analysis report and roadmap");
    const second = await suggest("s-actions", "1 report", "2 reports");
    const { status, json } = await api("editor", "POST", "/suggestions/resolve", { action: "accept", sectionId: "s-actions" });
    expect(status).toBe(200);
    expect(json.ids).toEqual(expect.arrayContaining([first, second]));
    await waitFor(() => editor.text().includes("Gap analysis report and roadmap") && editor.text().includes("2 reports"), "both accepted");
    for (const id of [first, second]) expect((await suggestionById(id))!.status).toBe("accepted");
    expect((await api("commenter", "POST", "/suggestions/resolve", { action: "accept", sectionId: "s-actions" })).status).toBe(403);
    const db = openDatabase(demo.server.databasePath);
    const partners = await db.selectFrom("organisations").select("id").where("short_name", "=", "Bina Swadaya").executeTakeFirstOrThrow();
    await db.destroy();
    const third = await suggest("s-actions", "Webinar held", "Webinar held online");
    const rejected = await api("editor", "POST", "/suggestions/resolve", { action: "reject", organisationId: partners.id });
    expect(rejected.json.ids).toContain(third);
    expect((await suggestionById(third))!.status).toBe("rejected");
    const nothingLeft = await api("editor", "POST", "/suggestions/resolve", { action: "accept", sectionId: "s-actions" });
    expect(nothingLeft.status).toBe(409);
  });
});

describe("suggestions from any source", () => {
  it("records a suggestion written over a socket, and hides it when its author takes it back", async () => {
    const editor = await syncedClient("editor");
    const schema = planSchema();
    const id = "g-socket000001";
    editLikeEditor(editor.doc, (tr) => {
      const at = findText(editor.doc, "Japan").to;
      tr.insert(at, schema.text(" (a pioneer)", [schema.marks.suggestionInsert!.create({ id, authorId: 2 })]));
    });
    let listed: Suggestion | undefined;
    for (let attempt = 0; attempt < 50 && !listed; attempt++) {
      listed = await suggestionById(id);
      if (!listed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed).toMatchObject({
      id,
      sectionId: "s-mapping",
      status: "open",
      inserted: " (a pioneer)",
      author: { name: "Tendy Gunawan" },
    });

    editLikeEditor(editor.doc, (tr) => {
      const { from, to } = findText(editor.doc, " (a pioneer)");
      tr.delete(from, to);
    });
    for (let attempt = 0; attempt < 50 && listed; attempt++) {
      listed = await suggestionById(id);
      if (listed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed).toBeUndefined();
  });
});

describe("consultation rounds", () => {
  it("puts a suggestion made during an open round in the round's matrix and CSV, with its disposition", async () => {
    const db = openDatabase(demo.server.databasePath);
    const organisation = await db
      .selectFrom("organisations")
      .select("id")
      .where("short_name", "=", "Bina Swadaya")
      .executeTakeFirstOrThrow();
    await db.destroy();
    const deadline = new Date(Date.now() + 24 * 3600_000 + 7 * 3600_000).toISOString().slice(0, 16);
    const opened = await fetch(`${demo.server.url}/plans/${DEMO.planId}/rounds`, {
      method: "POST",
      body: new URLSearchParams([
        ["intent", "open"],
        ["name", "Suggestions round"],
        ["deadline", deadline],
        ["sectionIds", "s-regulation"],
        ["organisationIds", String(organisation.id)],
      ]),
      headers: { cookie: demo.cookies.owner },
      redirect: "manual",
    });
    expect(opened.status).toBeLessThan(400);
    const readDb = openDatabase(demo.server.databasePath);
    const round = await readDb
      .selectFrom("consultation_rounds")
      .select("id")
      .where("name", "=", "Suggestions round")
      .executeTakeFirstOrThrow();
    await readDb.destroy();

    const id = await suggest("s-regulation", "Existing law on cooperatives", "Existing laws on cooperatives");
    expect((await suggestionById(id))!.roundId).toBe(round.id);
    const rejected = await api("editor", "POST", `/suggestions/${id}/reject`, { reason: "One law covers them." });
    expect(rejected.status).toBe(200);

    const partly = await suggest("s-regulation", "input to its action plan", "input to its action plan and budget");
    expect(
      (await api("owner", "POST", `/suggestions/${partly}/accept`, { partly: true, reason: "The plan, not the budget." })).status,
    ).toBe(200);

    const page = await fetch(`${demo.server.url}/plans/${DEMO.planId}/rounds/${round.id}`, { headers: { cookie: demo.cookies.viewer } });
    const html = await page.text();
    expect(html).toContain("Suggestion: replace “law” with “laws”");
    expect(html).toContain("One law covers them.");
    const csv = await (
      await fetch(`${demo.server.url}/plans/${DEMO.planId}/rounds/${round.id}/responses.csv`, { headers: { cookie: demo.cookies.viewer } })
    ).text();
    const row = csv.split("\n").find((line) => line.includes("Suggestion: replace"));
    expect(row).toContain("Not accepted");
    expect(row).toContain("One law covers them.");
    expect(row).toContain("Bina Swadaya");
    const partlyRow = csv.split("\n").find((line) => line.includes("Suggestion: insert “ and budget”"));
    expect(partlyRow).toContain("Partly accepted");
  });
});
