// Sections: the status workflow and details rules on the server, concurrent additions,
// the index kept in SQLite, and live notice of changed details.
import * as Y from "yjs";
import { afterAll, describe, expect, it } from "vitest";
import { MESSAGE_PLAN_CHANGED } from "../../app/collab/protocol";
import { readSections, PLAN_FRAGMENT } from "../../app/editor/document.server";
import { openDatabase } from "../../db";
import { connectClient, waitFor, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();
const clients: TestClient[] = [];

afterAll(() => {
  for (const c of clients) c.destroy();
});

async function changeDetails(role: DemoRole, sectionId: string, form: Record<string, string>) {
  const response = await fetch(`${demo.server.url}/plans/${DEMO.planId}/sections/${sectionId}`, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { cookie: demo.cookies[role]! },
    redirect: "manual",
  });
  return { status: response.status, body: response.status < 300 || response.status >= 400 ? await response.text() : "" };
}

async function sectionRow(sectionId: string) {
  const db = openDatabase(demo.server.databasePath);
  try {
    return await db
      .selectFrom("plan_sections")
      .selectAll()
      .where("plan_id", "=", DEMO.planId)
      .where("section_id", "=", sectionId)
      .executeTakeFirst();
  } finally {
    await db.destroy();
  }
}

describe("the status workflow", () => {
  const section = "s-concept";

  it("lets an editor send a draft for review, and not approve it", async () => {
    expect((await changeDetails("editor", section, { status: "in_review" })).status).toBe(200);
    expect((await sectionRow(section))?.status).toBe("in_review");
    const approve = await changeDetails("editor", section, { status: "approved" });
    expect(approve.status).toBe(403);
    expect((await sectionRow(section))?.status).toBe("in_review");
  });

  it("lets an owner approve, and only an owner send an approved section back to draft", async () => {
    expect((await changeDetails("owner", section, { status: "approved" })).status).toBe(200);
    expect((await changeDetails("editor", section, { status: "draft" })).status).toBe(403);
    expect((await sectionRow(section))?.status).toBe("approved");
    expect((await changeDetails("owner", section, { status: "draft" })).status).toBe(200);
    expect((await sectionRow(section))?.status).toBe("draft");
  });

  it("refuses commenters, viewers and non-members", async () => {
    expect((await changeDetails("commenter", section, { status: "in_review" })).status).toBe(403);
    expect((await changeDetails("viewer", section, { status: "in_review" })).status).toBe(403);
    expect((await changeDetails("outsider", section, { status: "in_review" })).status).toBe(404);
    expect((await sectionRow(section))?.status).toBe("draft");
  });

  it("records who changed what, from what to what, in the activity list", async () => {
    const page = await (await fetch(`${demo.server.url}/plans/${DEMO.planId}`, { headers: { cookie: demo.cookies.viewer! } })).text();
    expect(page).toContain("Tendy Gunawan changed the status of “1. The SSE concept and Indonesian practice” from Draft to In review");
    expect(page).toContain("Sri Wahyuni changed the status of “1. The SSE concept and Indonesian practice” from In review to Approved");
  });
});

describe("section details", () => {
  it("sets lead, assignee and due date", async () => {
    const response = await changeDetails("editor", "s-r193", { leadOrganisationId: "2", assigneeUserId: "2", dueDate: "2027-03-31" });
    expect(response.status).toBe(200);
    expect(await sectionRow("s-r193")).toMatchObject({ lead_organisation_id: 2, assignee_user_id: 2, due_date: "2027-03-31" });
  });

  it("refuses an assignee who is not a member, and a malformed date", async () => {
    const outsiderId = "5";
    expect((await changeDetails("editor", "s-r193", { assigneeUserId: outsiderId })).status).toBe(422);
    expect((await changeDetails("editor", "s-r193", { dueDate: "next week" })).status).toBe(422);
    expect(await sectionRow("s-r193")).toMatchObject({ assignee_user_id: 2, due_date: "2027-03-31" });
  });

  it("refuses a commenter or a viewer as assignee: only people who can edit write a section", async () => {
    const [commenterId, viewerId] = ["3", "4"];
    expect((await changeDetails("editor", "s-r193", { assigneeUserId: commenterId })).status).toBe(422);
    expect((await changeDetails("owner", "s-r193", { assigneeUserId: viewerId })).status).toBe(422);
    expect(await sectionRow("s-r193")).toMatchObject({ assignee_user_id: 2 });
  });

  it("offers only editors and owners as assignees on the plan page", async () => {
    const response = await fetch(`${demo.server.url}/plans/${DEMO.planId}.data`, { headers: { cookie: demo.cookies.editor! } });
    const payload = await response.text();
    expect(payload).toContain("Sri Wahyuni");
    expect(payload).not.toContain("Eri Trinurini"); // the commenter
    expect(payload).not.toContain("Destry Anna"); // the viewer
  });

  it("tells every open page of the plan to reload its details", async () => {
    const watcher = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.viewer!);
    clients.push(watcher);
    await whenSynced(watcher);
    let notices = 0;
    watcher.provider.messageHandlers[MESSAGE_PLAN_CHANGED] = () => void (notices += 1);
    await changeDetails("owner", "s-regulation", { status: "in_review" });
    await waitFor(() => notices > 0, "the plan-changed notice");
  });
});

function appendSection(doc: Y.Doc, id: string, title: string): void {
  const section = new Y.XmlElement("section");
  section.setAttribute("id", id);
  const heading = new Y.XmlElement("heading");
  heading.setAttribute("level", 2 as unknown as string);
  heading.insert(0, [new Y.XmlText(title)]);
  const paragraph = new Y.XmlElement("paragraph");
  section.insert(0, [heading, paragraph]);
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  fragment.insert(fragment.length, [section]);
}

describe("concurrent sections", () => {
  it("two editors adding a section at the same moment both keep theirs", async () => {
    const a = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.owner!);
    const b = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.editor!);
    clients.push(a, b);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    // Both offline, so neither sees the other's addition before making its own.
    a.provider.disconnect();
    b.provider.disconnect();
    appendSection(a.doc, "s-from-a", "Added by the owner");
    appendSection(b.doc, "s-from-b", "Added by the editor");
    a.provider.connect();
    b.provider.connect();
    await Promise.all([whenSaved(a), whenSaved(b)]);
    await waitFor(() => a.text() === b.text() && readSections(a.doc).length === readSections(b.doc).length, "convergence");
    const ids = readSections(a.doc).map((s) => s.id);
    expect(ids).toContain("s-from-a");
    expect(ids).toContain("s-from-b");
    await expect.poll(async () => (await sectionRow("s-from-a"))?.title, { timeout: 5000 }).toBe("Added by the owner");
    // Each section's row follows its own change: polled too, not read once after the other's.
    await expect.poll(async () => (await sectionRow("s-from-b"))?.title, { timeout: 5000 }).toBe("Added by the editor");
  });
});
