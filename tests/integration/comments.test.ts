// Comments through the real server and real y-websocket clients: the server adds the
// commenter's mark and nothing else, anchors follow their words, threads live in SQLite.
import type * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import { MESSAGE_THREADS_CHANGED } from "../../app/collab/protocol";
import { commentAnchorsIn } from "../../app/editor/comment-anchors";
import { openDatabase } from "../../db";
import { waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { anchorFor, editLikeEditor, findText, typeText } from "../helpers/pm-edit";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();

interface Thread {
  id: string;
  sectionId: string;
  quote: string;
  status: string;
  detached: boolean;
  canResolve: boolean;
  comments: {
    id: number;
    body: string;
    deleted: boolean;
    mentions: number[];
    canEdit: boolean;
    author: { name: string; email?: string; organisation: string };
  }[];
}

async function api(role: DemoRole | null, method: string, path: string, body?: unknown) {
  const response = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}${path}`, {
    method,
    headers: { ...(role ? { cookie: demo.cookies[role] } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json };
}

async function threads(role: DemoRole = "owner"): Promise<Thread[]> {
  const { status, json } = await api(role, "GET", "/threads");
  expect(status).toBe(200);
  return json.threads as Thread[];
}

describe("the demo plan", () => {
  it("starts with a partner's comment marked in its text, and the ILO's reply", async () => {
    const demo = (await threads("viewer")).find((t) => t.id === "t-demo-r193");
    expect(demo).toMatchObject({ sectionId: "s-r193", quote: "used by more than 110 member States", detached: false, status: "open" });
    // Names and organisations for every member; email addresses only for owners.
    expect(demo!.comments.map((c) => c.author)).toEqual([
      { id: 3, name: "Eri Trinurini", organisation: "Bina Swadaya" },
      { id: 2, name: "Tendy Gunawan", organisation: "ILO" },
    ]);
  });
});

describe("the commenter path", () => {
  it("adds exactly the mark, stored as the commenter's edit, and nothing else", async () => {
    const partner = demo.client("commenter");
    const editor = demo.client("editor");
    await Promise.all([whenSynced(partner), whenSynced(editor)]);
    const textBefore = editor.text();
    const anchor = anchorFor(partner.doc, "Gotong royong");

    const created = await api("commenter", "POST", "/threads", { body: "Define this term for readers abroad.", anchor });
    expect(created.status).toBe(201);
    const thread = created.json as unknown as Thread;
    expect(thread).toMatchObject({ sectionId: "s-concept", quote: "Gotong royong", status: "open", detached: false });
    expect(thread.comments[0]).toMatchObject({ body: "Define this term for readers abroad.", author: { name: "Eri Trinurini" } });
    expect(thread.comments[0]!.author.email).toBeUndefined();

    // Everyone on the plan receives the mark live; the text is as it was.
    for (const c of [partner, editor]) await waitFor(() => commentAnchorsIn(c.doc).has(thread.id), "the comment mark");
    expect(commentAnchorsIn(editor.doc).get(thread.id)).toEqual({ sectionId: "s-concept", text: "Gotong royong" });
    expect(editor.text()).toBe(textBefore);

    // Stored under the commenter's account, with its client id bound to them.
    const db = openDatabase(demo.server.databasePath);
    try {
      const partnerId = (await db.selectFrom("users").select("id").where("email", "=", DEMO.commenter).executeTakeFirstOrThrow()).id;
      const last = await db
        .selectFrom("plan_updates")
        .select(["user_id"])
        .where("plan_id", "=", DEMO.planId)
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      expect(last.user_id).toBe(partnerId);
      const bound = await db.selectFrom("plan_clients").select("client_id").where("user_id", "=", partnerId).execute();
      expect(bound.length).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });

  it("refuses anything but a passage and its exact quote: no text can travel this way", async () => {
    const partner = demo.client("commenter");
    await whenSynced(partner);
    const before = partner.text();
    const anchor = anchorFor(partner.doc, "working together");
    const forged = [
      { body: "x", anchor: { ...anchor, quote: "working apart" } },
      { body: "x", anchor: { ...anchor, content: [{ type: "text", text: "injected" }] } },
      { body: "x", anchor, update: "AQHk8ZYBAAQBB2RlZmF1bHQBaW5qZWN0ZWQA" },
      { body: "x", anchor: { from: anchor.to, to: anchor.from, quote: anchor.quote } },
      { body: "x", anchor: { from: "AAAA", to: "AAAA", quote: "" } },
      { body: "x", sectionId: "s-nonexistent" },
      { body: "   ", anchor },
      { body: "x".repeat(5001), anchor },
    ];
    for (const request of forged) {
      const { status, json } = await api("commenter", "POST", "/threads", request);
      expect(status, JSON.stringify(request).slice(0, 80)).toBe(422);
      expect(typeof json.error).toBe("string");
    }
    expect(partner.text()).toBe(before);
  });
});

describe("anchors through live editing", () => {
  it("follow their words through typing around and inside, and a split; deleting the text detaches", async () => {
    const owner = demo.client("owner");
    const editor = demo.client("editor");
    await Promise.all([whenSynced(owner), whenSynced(editor)]);
    const passage = "principles of solidarity and cooperation";
    const first = (await api("commenter", "POST", "/threads", { body: "Which principles?", anchor: anchorFor(owner.doc, passage) }))
      .json as unknown as Thread;
    const overlapping = (
      await api("editor", "POST", "/threads", { body: "Cite the source.", anchor: anchorFor(owner.doc, "solidarity and cooperation.") })
    ).json as unknown as Thread;
    for (const c of [owner, editor])
      await waitFor(() => commentAnchorsIn(c.doc).has(overlapping.id) && commentAnchorsIn(c.doc).has(first.id), "both marks");

    // Concurrently: the owner types before and inside; the editor after.
    editLikeEditor(owner.doc, (tr) => typeText(tr, findText(owner.doc, "solidarity").from, "mutual "));
    editLikeEditor(owner.doc, (tr) => typeText(tr, findText(owner.doc, passage.replace("solidarity", "mutual solidarity")).from, "the "));
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "cooperation.").to, " Both matter."));
    await Promise.all([whenSaved(owner), whenSaved(editor)]);
    await waitFor(() => owner.text() === editor.text(), "convergence");
    // Then the editor splits the paragraph inside the passage.
    editLikeEditor(editor.doc, (tr) => tr.split(findText(editor.doc, "and cooperation").from));
    await whenSaved(editor);
    await waitFor(() => owner.text() === editor.text(), "convergence after the split");

    const late = demo.client("viewer"); // a fresh copy from the server
    await whenSynced(late);
    for (const c of [owner, editor, late]) {
      expect(commentAnchorsIn(c.doc).get(first.id)).toEqual({
        sectionId: "s-concept",
        text: "principles of mutual solidarity and cooperation",
      });
      // "mutual " was typed at the overlapping thread's start edge: not inclusive, so not in it.
      expect(commentAnchorsIn(c.doc).get(overlapping.id)?.text).toBe("solidarity and cooperation.");
    }
    expect((await threads()).find((t) => t.id === first.id)).toMatchObject({ detached: false, sectionId: "s-concept" });

    // Deleting the commented text keeps the thread, detached, with its quote.
    editLikeEditor(editor.doc, (tr) => {
      const from = findText(editor.doc, "principles of mutual solidarity ").from;
      const to = findText(editor.doc, "cooperation.").to;
      tr.delete(from, to);
    });
    await whenSaved(editor);
    await waitFor(() => !commentAnchorsIn(owner.doc).has(first.id), "the deletion to arrive");
    const listed = (await threads()).find((t) => t.id === first.id);
    expect(listed).toMatchObject({ detached: true, quote: passage, sectionId: "s-concept", status: "open" });
  });
});

describe("threads", () => {
  it("replies, mentions, edits, deletes, resolves and reopens by the rules", async () => {
    const created = await api("commenter", "POST", "/threads", { body: "This section needs a timeline.", sectionId: "s-r193" });
    expect(created.status).toBe(201);
    const id = (created.json as unknown as Thread).id;
    expect(created.json).toMatchObject({ anchor: "section", quote: "", sectionId: "s-r193", detached: false });

    const reply = await api("editor", "POST", `/threads/${id}/comments`, { body: "Agreed, @planner@bappenas.example can you add one?" });
    expect(reply.status).toBe(201);
    const replied = reply.json as unknown as Thread;
    const ownerId = ((await api("owner", "GET", "/threads")).json.members as { id: number; email: string }[]).find(
      (m) => m.email === DEMO.owner,
    )!.id;
    expect(replied.comments[1]!.mentions).toEqual([ownerId]);
    // A mention written with an email address goes out as the member's name, to everyone.
    expect(replied.comments[1]!.body).toBe("Agreed, @Sri Wahyuni can you add one?");
    const byName = await api("commenter", "POST", `/threads/${id}/comments`, { body: "@Tendy Gunawan and @sri wahyuni: thank you." });
    expect((byName.json as unknown as Thread).comments[2]!.mentions.sort()).toEqual([2, ownerId].sort());

    // Only your own comment: edit and delete.
    const first = replied.comments[0]!;
    expect((await api("editor", "PATCH", `/threads/${id}/comments/${first.id}`, { body: "changed" })).status).toBe(403);
    expect((await api("owner", "DELETE", `/threads/${id}/comments/${first.id}`)).status).toBe(403);
    const edited = await api("commenter", "PATCH", `/threads/${id}/comments/${first.id}`, {
      body: "This section needs a timeline and a budget.",
    });
    expect(edited.status).toBe(200);
    const deleted = await api("commenter", "DELETE", `/threads/${id}/comments/${first.id}`);
    expect(deleted.status).toBe(200);
    expect((deleted.json as unknown as Thread).comments[0]).toMatchObject({ deleted: true, body: "" });
    expect((deleted.json as unknown as Thread).comments).toHaveLength(3);

    // Resolve: the thread's author and the drafting team; not a viewer, not another partner's.
    expect((await api("viewer", "POST", `/threads/${id}/resolve`)).status).toBe(403);
    expect((await api("commenter", "POST", `/threads/${id}/resolve`)).json).toMatchObject({ status: "resolved" });
    expect((await api("editor", "POST", `/threads/${id}/reopen`)).json).toMatchObject({ status: "open" });
    const editorsThread = (await api("editor", "POST", "/threads", { body: "Internal note.", sectionId: "s-r193" }))
      .json as unknown as Thread;
    expect((await api("commenter", "POST", `/threads/${editorsThread.id}/resolve`)).status).toBe(403);
    expect(editorsThread.canResolve).toBe(true);

    // A thread whose only comment is deleted is no longer listed.
    const onlyComment = editorsThread.comments[0]!.id;
    expect((await api("editor", "DELETE", `/threads/${editorsThread.id}/comments/${onlyComment}`)).json).toEqual({ deleted: true });
    expect((await threads()).some((t) => t.id === editorsThread.id)).toBe(false);
    expect((await api("editor", "POST", `/threads/${editorsThread.id}/comments`, { body: "x" })).status).toBe(404);
  });

  it("refuses by role and membership with JSON: 401, 403, 404", async () => {
    expect((await api(null, "GET", "/threads")).status).toBe(401);
    expect((await api("outsider", "GET", "/threads")).status).toBe(404);
    expect((await api("viewer", "GET", "/threads")).status).toBe(200);
    const refused = await api("viewer", "POST", "/threads", { body: "x", sectionId: "s-r193" });
    expect(refused.status).toBe(403);
    expect(typeof refused.json.error).toBe("string");
    expect((await api("commenter", "POST", "/threads/t-nope/comments", { body: "x" })).status).toBe(404);
    expect((await api("commenter", "POST", "/threads/t-nope/resolve")).status).toBe(404);
    const crossOrigin = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads`, {
      method: "POST",
      headers: { cookie: demo.cookies.commenter, "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ body: "x", sectionId: "s-r193" }),
    });
    expect(crossOrigin.status).toBe(403);
  });

  it("limits how fast one account asks for comment marks (each one copies the plan), with a clear 429", async () => {
    const owner = demo.client("owner");
    await whenSynced(owner);
    const anchor = anchorFor(owner.doc, "working together");
    const statuses = await Promise.all(Array.from({ length: 15 }, () => api("owner", "POST", "/threads", { body: "Again.", anchor })));
    expect(statuses.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    const refused = statuses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.json.error).toMatch(/Too many comments/);
  });

  it("tells every socket on the plan when threads change", async () => {
    const watcher = demo.client("viewer");
    await whenSynced(watcher);
    let notices = 0;
    watcher.provider.messageHandlers[MESSAGE_THREADS_CHANGED] = (_encoder: unknown, _decoder: decoding.Decoder) => {
      notices += 1;
    };
    await api("commenter", "POST", "/threads", { body: "Live?", sectionId: "s-concept" });
    await waitFor(() => notices > 0, "the threads-changed notice");
  });
});
