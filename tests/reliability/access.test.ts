// Promise 4 (docs/reliability.md): nobody changes what their role does not allow, through
// any path. Every route, action and socket door × every role, signed out, and an account
// that is a member of another plan only; each cell is checked on the real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as encoding from "lib0/encoding";
import { CLOSE_MALFORMED, CLOSE_NOT_A_SUGGESTION } from "../../app/collab/protocol";
import { openRawSocket, whenClosed } from "../helpers/clients";
import { DEMO, signInEveryone, startServer, type TestServer } from "../helpers/server";

type Who = "signedOut" | "owner" | "editor" | "commenter" | "viewer" | "outsider";
const WHO: Who[] = ["signedOut", "owner", "editor", "commenter", "viewer", "outsider"];

let server: TestServer;
let cookies: Record<Who, string>;

beforeAll(async () => {
  server = await startServer();
  const signedIn = await signInEveryone(server.url);
  cookies = { signedOut: "", ...signedIn };
  // The outsider is a member of a plan of their own, just not of the demo plan.
  const created = await fetch(`${server.url}/plans?index`, {
    method: "POST",
    body: new URLSearchParams({ title: "Outsider's own plan", description: "" }),
    headers: { cookie: cookies.outsider },
    redirect: "manual",
  });
  expect(created.status).toBe(302);
});

afterAll(async () => {
  await server.stop();
  server.cleanup();
});

const plan = `/plans/${DEMO.planId}`;
/** Signed out: sent to sign in. Not a member: 404, so a plan's existence is not revealed. */
const READ = { signedOut: 302, owner: 200, editor: 200, commenter: 200, viewer: 200, outsider: 404 };

const doors: { name: string; method: "GET" | "POST"; path: string; form?: Record<string, string>; expected: Record<Who, number> }[] = [
  { name: "my plans", method: "GET", path: "/plans", expected: { ...READ, outsider: 200 } },
  { name: "the plan page", method: "GET", path: plan, expected: READ },
  { name: "the members page", method: "GET", path: `${plan}/members`, expected: READ },
  { name: "the actions CSV", method: "GET", path: `${plan}/actions.csv`, expected: READ },
  {
    // The role is checked before the form is read: only an owner gets as far as "invalid".
    name: "managing members",
    method: "POST",
    path: `${plan}/members`,
    form: { intent: "invalid" },
    expected: { signedOut: 302, owner: 422, editor: 403, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "section details",
    method: "POST",
    path: `${plan}/sections/s-concept`,
    form: { dueDate: "2027-03-31" },
    expected: { signedOut: 302, owner: 200, editor: 200, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "approving a draft that skipped review",
    method: "POST",
    path: `${plan}/sections/s-regulation`,
    form: { status: "approved" },
    expected: { signedOut: 302, owner: 403, editor: 403, commenter: 403, viewer: 403, outsider: 404 },
  },
];

describe.each(doors)("$name ($method $path)", ({ method, path, form, expected }) => {
  it.each(WHO)("as %s", async (who) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      body: form ? new URLSearchParams(form) : undefined,
      headers: cookies[who] ? { cookie: cookies[who] } : {},
      redirect: "manual",
    });
    expect(response.status).toBe(expected[who]);
    if (expected[who] === 302) expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

// The comment API (docs/comments.md): JSON refusals, 401 signed out rather than a redirect.
// Two section threads made in beforeAll: one started by the commenter, one by the owner.
const threadIds = { partners: "", owners: "" };
let partnersCommentId = 0;
const API = `/api/plans/${DEMO.planId}`;
const API_READ = { ...READ, signedOut: 401 };
const apiDoors: {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: () => string;
  json?: unknown;
  expected: Record<Who, number>;
  isBinary?: boolean;
}[] = [
  { name: "listing threads", method: "GET", path: () => `${API}/threads`, expected: API_READ },
  {
    // The demo plan has never been compacted: members hear there is no opening (app/collab/opening.ts).
    name: "the plan's opening",
    method: "GET",
    path: () => `${API}/opening`,
    expected: { ...API_READ, owner: 204, editor: 204, commenter: 204, viewer: 204 },
    // A binary answer (or none); refusals are JSON as everywhere.
    isBinary: true,
  },
  {
    name: "starting a thread",
    method: "POST",
    path: () => `${API}/threads`,
    json: { body: "A question.", sectionId: "s-concept" },
    expected: { signedOut: 401, owner: 201, editor: 201, commenter: 201, viewer: 403, outsider: 404 },
  },
  {
    name: "replying",
    method: "POST",
    path: () => `${API}/threads/${threadIds.partners}/comments`,
    json: { body: "A reply." },
    expected: { signedOut: 401, owner: 201, editor: 201, commenter: 201, viewer: 403, outsider: 404 },
  },
  {
    name: "editing the partner's comment",
    method: "PATCH",
    path: () => `${API}/threads/${threadIds.partners}/comments/${partnersCommentId}`,
    json: { body: "Edited." },
    expected: { signedOut: 401, owner: 403, editor: 403, commenter: 200, viewer: 403, outsider: 404 },
  },
  {
    name: "resolving the partner's own thread",
    method: "POST",
    path: () => `${API}/threads/${threadIds.partners}/resolve`,
    expected: { signedOut: 401, owner: 200, editor: 200, commenter: 200, viewer: 403, outsider: 404 },
  },
  {
    name: "reopening the owner's thread",
    method: "POST",
    path: () => `${API}/threads/${threadIds.owners}/reopen`,
    expected: { signedOut: 401, owner: 200, editor: 200, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    // The role is checked first: only the drafting team learns the thread is in no round.
    name: "recording a disposition",
    method: "POST",
    path: () => `${API}/threads/${threadIds.partners}/disposition`,
    json: { disposition: "accepted", response: "Done." },
    expected: { signedOut: 401, owner: 422, editor: 422, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "assigning the partner's own thread",
    method: "POST",
    path: () => `${API}/threads/${threadIds.partners}/assign`,
    json: { assigneeId: null },
    expected: { signedOut: 401, owner: 200, editor: 200, commenter: 200, viewer: 403, outsider: 404 },
  },
  {
    name: "assigning the owner's thread",
    method: "POST",
    path: () => `${API}/threads/${threadIds.owners}/assign`,
    json: { assigneeId: null },
    expected: { signedOut: 401, owner: 200, editor: 200, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "deleting the partner's comment",
    method: "DELETE",
    path: () => `${API}/threads/${threadIds.owners}/comments/${partnersCommentId}`,
    expected: { signedOut: 401, owner: 404, editor: 404, commenter: 404, viewer: 403, outsider: 404 },
  },
];

// Versions (docs/versions.md): everyone on the plan lists, opens and compares; editors and
// owners save and restore. A version saved in beforeAll below.
let versionId = 0;
apiDoors.push(
  { name: "listing versions", method: "GET", path: () => `${API}/versions`, expected: API_READ },
  { name: "opening a version", method: "GET", path: () => `${API}/versions/${versionId}`, expected: API_READ },
  { name: "comparing with the current text", method: "GET", path: () => `${API}/compare?from=${versionId}&to=current`, expected: API_READ },
  {
    name: "saving a version",
    method: "POST",
    path: () => `${API}/versions`,
    json: { name: "A version" },
    expected: { signedOut: 401, owner: 201, editor: 201, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "restoring a version",
    method: "POST",
    path: () => `${API}/versions/${versionId}/restore`,
    json: { sectionId: "s-concept" },
    expected: { signedOut: 401, owner: 200, editor: 200, commenter: 403, viewer: 403, outsider: 404 },
  },
);

// Suggestions (docs/suggestions.md): everyone on the plan lists them; commenters and up suggest
// and reply; editors and owners accept or reject. The partner's suggestion is made in beforeAll.
let suggestionId = "";
apiDoors.push(
  { name: "listing suggestions", method: "GET", path: () => `${API}/suggestions`, expected: API_READ },
  {
    // Suggesting does not change the accepted text: the same words can be found again.
    name: "suggesting",
    method: "POST",
    path: () => `${API}/suggestions`,
    json: { sectionId: "s-enterprises", find: "the support they need", replaceWith: "the support they ask for" },
    expected: { signedOut: 401, owner: 201, editor: 201, commenter: 201, viewer: 403, outsider: 404 },
  },
  {
    name: "replying to a suggestion",
    method: "POST",
    path: () => `${API}/suggestions/${suggestionId}/replies`,
    json: { body: "A reply." },
    expected: { signedOut: 401, owner: 201, editor: 201, commenter: 201, viewer: 403, outsider: 404 },
  },
  {
    // The owner rejects it first; the editor then finds it rejected already.
    name: "rejecting the partner's suggestion",
    method: "POST",
    path: () => `${API}/suggestions/${suggestionId}/reject`,
    json: { reason: "Not now." },
    expected: { signedOut: 401, owner: 200, editor: 409, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "accepting every suggestion of an organisation",
    method: "POST",
    path: () => `${API}/suggestions/resolve`,
    json: { action: "accept", organisationId: 999999 },
    expected: { signedOut: 401, owner: 409, editor: 409, commenter: 403, viewer: 403, outsider: 404 },
  },
);

// Sign-off (docs/workflow.md): everyone on the plan reads; owners ask and cancel; only the
// person asked answers. The editor is asked in beforeAll below.
let signOffId = 0;
apiDoors.push(
  { name: "listing sign-offs", method: "GET", path: () => `${API}/sign-offs`, expected: API_READ },
  {
    // The role is checked first: only an owner learns that nobody by that id is on the plan.
    name: "asking for sign-off",
    method: "POST",
    path: () => `${API}/sign-offs`,
    json: { sectionId: "s-actions", approverIds: [999999], dueDate: "2099-12-31" },
    expected: { signedOut: 401, owner: 422, editor: 403, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "answering the sign-off asked of the editor",
    method: "POST",
    path: () => `${API}/sign-offs/${signOffId}/answer`,
    json: { decision: "refuse", reason: "Not yet." },
    expected: { signedOut: 401, owner: 403, editor: 200, commenter: 403, viewer: 403, outsider: 404 },
  },
  {
    name: "cancelling a sign-off",
    method: "POST",
    path: () => `${API}/sign-offs/${signOffId}/cancel`,
    expected: { signedOut: 401, owner: 200, editor: 403, commenter: 403, viewer: 403, outsider: 404 },
  },
);

// Notifications (docs/workflow.md): each account reads and marks its own; another's is not
// found. The owner is mentioned in beforeAll below.
let ownersNotificationId = 0;
const EVERY_ACCOUNT = { signedOut: 401, owner: 200, editor: 200, commenter: 200, viewer: 200, outsider: 200 };
apiDoors.push(
  { name: "listing one's notifications", method: "GET", path: () => "/api/notifications", expected: EVERY_ACCOUNT },
  {
    name: "marking the owner's notification read",
    method: "POST",
    path: () => `/api/notifications/${ownersNotificationId}/read`,
    expected: { signedOut: 401, owner: 200, editor: 404, commenter: 404, viewer: 404, outsider: 404 },
  },
  { name: "marking all one's notifications read", method: "POST", path: () => "/api/notifications/read-all", expected: EVERY_ACCOUNT },
);

async function apiCall(who: Who, method: string, path: string, json?: unknown, origin?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    body: json === undefined ? undefined : JSON.stringify(json),
    headers: {
      ...(cookies[who] ? { cookie: cookies[who] } : {}),
      ...(json === undefined ? {} : { "content-type": "application/json" }),
      ...(origin ? { origin } : {}),
    },
    redirect: "manual",
  });
}

describe("the comment and version API", () => {
  beforeAll(async () => {
    const partners = (await (
      await apiCall("commenter", "POST", `${API}/threads`, { body: "Partner's thread.", sectionId: "s-r193" })
    ).json()) as {
      id: string;
      comments: { id: number }[];
    };
    threadIds.partners = partners.id;
    const mention = { body: `@${DEMO.owner} could you look at this?`, sectionId: "s-r193" };
    expect((await apiCall("commenter", "POST", `${API}/threads`, mention)).status).toBe(201);
    const inbox = (await (await apiCall("owner", "GET", "/api/notifications")).json()) as { notifications: { id: number }[] };
    ownersNotificationId = inbox.notifications[0]!.id;
    partnersCommentId = partners.comments[0]!.id;
    threadIds.owners = (
      (await (await apiCall("owner", "POST", `${API}/threads`, { body: "Owner's thread.", sectionId: "s-r193" })).json()) as { id: string }
    ).id;
    versionId = ((await (await apiCall("editor", "POST", `${API}/versions`, { name: "Access matrix" })).json()) as { id: number }).id;
    const suggestion = { sectionId: "s-mapping", find: "mapped SSE policy", replaceWith: "compared SSE policy" };
    suggestionId = ((await (await apiCall("commenter", "POST", `${API}/suggestions`, suggestion)).json()) as { id: string }).id;
    const editorId = (
      (await (await apiCall("editor", "GET", `${API}/threads`)).json()) as { members: { id: number; name: string }[] }
    ).members.find((member) => member.name === "Tendy Gunawan")!.id;
    const asked = { sectionId: "s-regulation", approverIds: [editorId], dueDate: "2099-12-31" };
    signOffId = ((await (await apiCall("owner", "POST", `${API}/sign-offs`, asked)).json()) as { id: number }).id;
  });

  describe.each(apiDoors)("$name ($method)", ({ method, path, json, expected, isBinary }) => {
    it.each(WHO)("as %s", async (who) => {
      const response = await apiCall(who, method, path(), json);
      expect(response.status).toBe(expected[who]);
      if (!isBinary || response.status >= 400) expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      if (response.status >= 400) expect(typeof ((await response.json()) as { error?: unknown }).error).toBe("string");
    });
  });

  it.each(apiDoors.filter((d) => d.method !== "GET"))(
    "$name is refused with a foreign Origin, even for an owner",
    async ({ method, path, json }) => {
      const response = await apiCall("owner", method, path(), json, "https://evil.example");
      expect(response.status).toBe(403);
    },
  );
});

describe("posts from another site", () => {
  it.each(doors.filter((d) => d.method === "POST"))("$name is refused with a foreign Origin, even for an owner", async ({ path, form }) => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      body: new URLSearchParams(form),
      headers: { cookie: cookies.owner, origin: "https://evil.example" },
      redirect: "manual",
    });
    expect(response.status).toBe(403);
  });
});

describe("the websocket", () => {
  const upgrade: Record<Who, number> = { signedOut: 401, owner: 101, editor: 101, commenter: 101, viewer: 101, outsider: 403 };
  it.each(WHO)("opens for %s only if a member", async (who) => {
    const outcome = await openRawSocket(server.wsUrl, DEMO.planId, cookies[who] ? { cookie: cookies[who] } : {}).then(
      (socket) => {
        socket.close();
        return 101;
      },
      (error: { status?: number }) => error.status,
    );
    expect(outcome).toBe(upgrade[who]);
  });

  it("refuses an owner's session from a foreign Origin (cross-site websocket hijacking)", async () => {
    await expect(openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.owner, origin: "https://evil.example" })).rejects.toMatchObject(
      {
        status: 403,
      },
    );
  });

  it("refuses crafted paths before looking at membership, even for the plan's owner", async () => {
    // Each would name the demo plan if the path were normalised or decoded loosely.
    for (const path of ["../demo-sse", "demo-sse%2F..%2Fdemo-sse", "DEMO-SSE", "demo-sse%00"]) {
      const outcome = await openRawSocket(server.wsUrl, path, { cookie: cookies.owner }).then(
        (socket) => (socket.close(), 101),
        (error: { status?: number }) => error.status,
      );
      expect(outcome, path).toBe(404);
    }
  });

  // A commenter may suggest: an update that is not their own suggestion closes their socket
  // (tests/integration/suggestion-gate.test.ts has every case).
  it("closes a commenter's socket for an update that is not their own suggestion, and stores nothing of it", async () => {
    const socket = await openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies.commenter });
    const closed = whenClosed(socket);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, Uint8Array.from([1, 1, 200, 1, 0, 4, 1, 7, 100, 101, 102, 97, 117, 108, 116, 1, 120, 0]));
    socket.send(encoding.toUint8Array(encoder));
    expect([CLOSE_MALFORMED, CLOSE_NOT_A_SUGGESTION]).toContain((await closed).code);
  });

  it.each(["viewer"] as const)("tells a %s that it cannot write, keeps the socket open and drops the update", async (who) => {
    const socket = await openRawSocket(server.wsUrl, DEMO.planId, { cookie: cookies[who] });
    const denied = new Promise<Buffer>((resolve) =>
      socket.on("message", (data: Buffer) => {
        if (data[0] === 2) resolve(data); // y-protocols auth: permission denied
      }),
    );
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, Uint8Array.from([1, 1, 200, 1, 0, 4, 1, 7, 100, 101, 102, 97, 117, 108, 116, 1, 120, 0]));
    socket.send(encoding.toUint8Array(encoder));
    await denied;
    expect(socket.readyState).toBe(socket.OPEN);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { collab: { droppedReadOnlyUpdates: number } };
    expect(health.collab.droppedReadOnlyUpdates).toBeGreaterThan(0);
    socket.close();
    await whenClosed(socket);
  });
});
