// Members: only owners manage them, an added account becomes a member only when it accepts,
// a plan keeps its last owner, and role changes reach open websockets at once.
import { afterAll, describe, expect, it } from "vitest";
import { CLOSE_FORBIDDEN } from "../../app/collab/protocol";
import { connectClient, typeAt, waitFor, whenSynced, type TestClient } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();
const clients: TestClient[] = [];
const USER_IDS = { owner: 1, editor: 2, commenter: 3, viewer: 4, outsider: 5 };

afterAll(() => {
  for (const c of clients) c.destroy();
});

function manage(role: DemoRole, form: Record<string, string>) {
  return fetch(`${demo.server.url}/plans/${DEMO.planId}/members`, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { cookie: demo.cookies[role]! },
    redirect: "manual",
  });
}

async function health(): Promise<{ collab: Record<string, number> }> {
  return (await fetch(`${demo.server.url}/healthz`)).json() as Promise<{ collab: Record<string, number> }>;
}

describe("managing members", () => {
  it("is refused to editors, commenters and viewers", async () => {
    for (const role of ["editor", "commenter", "viewer"] as const) {
      const response = await manage(role, { intent: "invite", email: DEMO.outsider, role: "editor" });
      expect(response.status).toBe(403);
    }
    expect((await manage("outsider", { intent: "invite", email: DEMO.outsider, role: "owner" })).status).toBe(404);
  });

  it("never removes or demotes the last owner", async () => {
    const demote = await manage("owner", { intent: "changeRole", userId: String(USER_IDS.owner), role: "editor" });
    expect(demote.status).toBe(422);
    expect(await demote.text()).toContain("A plan must keep at least one owner.");
    expect((await manage("owner", { intent: "remove", userId: String(USER_IDS.owner) })).status).toBe(422);
    expect((await fetch(`${demo.server.url}/plans/${DEMO.planId}/members`, { headers: { cookie: demo.cookies.owner! } })).status).toBe(200);
  });

  it("lets an owner invite an existing account, which can open the plan once it accepts", async () => {
    const openPlan = () => fetch(`${demo.server.url}/plans/${DEMO.planId}`, { headers: { cookie: demo.cookies.outsider! } });
    expect((await openPlan()).status).toBe(404);
    const invited = await manage("owner", { intent: "invite", email: DEMO.outsider, role: "commenter" });
    expect(invited.status).toBe(200);
    expect(await invited.text()).toContain(`Invitation sent to ${DEMO.outsider}.`);
    expect((await openPlan()).status).toBe(404);
    const owners = await (
      await fetch(`${demo.server.url}/plans/${DEMO.planId}/members`, { headers: { cookie: demo.cookies.owner! } })
    ).text();
    expect(owners).toContain("Invitations awaiting an answer");
    expect(owners).toContain("Alex Outsider");
    const again = await manage("owner", { intent: "invite", email: DEMO.outsider, role: "editor" });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("That account already has an invitation to this plan awaiting an answer.");

    const accepted = await fetch(`${demo.server.url}/invitations`, {
      method: "POST",
      body: new URLSearchParams({ intent: "accept", planId: DEMO.planId }),
      headers: { cookie: demo.cookies.outsider! },
      redirect: "manual",
    });
    expect(accepted.status).toBe(302);
    const page = await openPlan();
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Can suggest and comment");
    expect((await manage("owner", { intent: "invite", email: DEMO.outsider, role: "viewer" })).status).toBe(422);
    expect((await manage("owner", { intent: "invite", email: "nobody@example.org", role: "viewer" })).status).toBe(422);
  });

  it("lets an owner withdraw an invitation before it is answered", async () => {
    // The outsider, removed, is invited again; the owner takes it back.
    expect((await manage("owner", { intent: "remove", userId: String(USER_IDS.outsider) })).status).toBe(200);
    expect((await manage("owner", { intent: "invite", email: DEMO.outsider, role: "viewer" })).status).toBe(200);
    const owners = await (
      await fetch(`${demo.server.url}/plans/${DEMO.planId}/members`, { headers: { cookie: demo.cookies.owner! } })
    ).text();
    const invitationId = /data-invitation-id="(\d+)"/.exec(owners)?.[1];
    expect(invitationId).toBeTruthy();
    expect((await manage("owner", { intent: "withdraw", invitationId: invitationId! })).status).toBe(200);
    expect((await manage("owner", { intent: "withdraw", invitationId: invitationId! })).status).toBe(404);
    const dashboard = await (await fetch(`${demo.server.url}/plans`, { headers: { cookie: demo.cookies.outsider! } })).text();
    expect(dashboard).not.toContain("data-invitation-plan=");
  });
});

describe("role changes on open websockets", () => {
  it("an editor demoted to viewer can no longer write, without reconnecting", async () => {
    const editor = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.editor!);
    const owner = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.owner!);
    clients.push(editor, owner);
    await Promise.all([whenSynced(editor), whenSynced(owner)]);
    typeAt(editor.doc, "before-demotion ");
    await waitFor(() => owner.text().includes("before-demotion"), "the editor's edit");
    const socket = editor.provider.ws;

    expect((await manage("owner", { intent: "changeRole", userId: String(USER_IDS.editor), role: "viewer" })).status).toBe(200);
    const dropsBefore = (await health()).collab.droppedReadOnlyUpdates!;
    typeAt(editor.doc, "after-demotion ");
    await expect.poll(async () => (await health()).collab.droppedReadOnlyUpdates).toBeGreaterThan(dropsBefore);
    expect(owner.text()).not.toContain("after-demotion");
    expect(editor.provider.ws).toBe(socket);

    // Promoted again, a fresh page (the refused one holds an edit the server never took).
    expect((await manage("owner", { intent: "changeRole", userId: String(USER_IDS.editor), role: "editor" })).status).toBe(200);
    const reloaded = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.editor!);
    clients.push(reloaded);
    await whenSynced(reloaded);
    typeAt(reloaded.doc, "after-promotion ");
    await waitFor(() => owner.text().includes("after-promotion"), "the editor writing again");
  });

  it("a removed member's socket is closed", async () => {
    const viewer = connectClient(demo.server.wsUrl, DEMO.planId, demo.cookies.viewer!);
    clients.push(viewer);
    await whenSynced(viewer);
    let closeCode = 0;
    viewer.provider.on("connection-close", (event) => void (closeCode = event?.code ?? 0));
    expect((await manage("owner", { intent: "remove", userId: String(USER_IDS.viewer) })).status).toBe(200);
    await waitFor(() => closeCode === CLOSE_FORBIDDEN, "the socket to close");
  });
});
