// Several Gotong instances behind one address (issue 14): two instances (A and B) on one
// PostgreSQL, joined by one Redis, with real y-websocket clients on each, directly or through
// a TCP load balancer (tests/helpers/proxy.ts). Edits, presence and role changes cross
// instances; healing from the update log keeps edits converging while Redis is down; a
// kill -9 of one instance loses no edit that was acknowledged as Saved; automatic checkpoints
// are kept once, not once per instance.
import * as authProtocol from "y-protocols/auth";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_SESSION_ENDED, MESSAGE_AUTH, MESSAGE_PLAN_CHANGED, MESSAGE_THREADS_CHANGED } from "../../app/collab/protocol";
import { SaveTracker } from "../../app/collab/save-status";
import { planText } from "../../app/editor/document.server";
import { versionState } from "../../app/versions/version.server";
import { openDatabase, type DB } from "../../db";
import { DEMO_THREAD } from "../../db/demo-plan";
import { cookieWebSocket, paragraphText, rawPlanText, typeAt, type TestClient } from "../helpers/clients";
import { startPostgres, type TestPostgres } from "../helpers/postgres";
import { startProxy } from "../helpers/proxy";
import { startRedis, type TestRedis } from "../helpers/redis";
import { DEMO, signIn, signInEveryone, startServer, storedPlanText, type DemoRole, type TestServer } from "../helpers/server";

const HEAL_INTERVAL_MS = 1000;
const VERSION_QUIET_MS = 800;
/** Names the server stamps on presence (db/seed.ts DEMO_ACCOUNTS). */
const NAMES = { owner: "Sri Wahyuni", editor: "Tendy Gunawan" } as const;

let postgres: TestPostgres | undefined;
let redis: TestRedis | undefined;
let a: TestServer;
let b: TestServer;
let db: DB | undefined;
let cookies: Record<DemoRole, string>;
const servers: TestServer[] = [];
const clients: Client[] = [];

function instanceEnv(redisUrl: string): Record<string, string> {
  return {
    DATABASE_URL: postgres!.url,
    REDIS_URL: redisUrl,
    COLLAB_HEAL_INTERVAL_MS: String(HEAL_INTERVAL_MS),
    VERSION_QUIET_MS: String(VERSION_QUIET_MS),
    // Only the relayed role change, never the periodic recheck, can explain a refusal.
    COLLAB_RECHECK_INTERVAL_MS: "600000",
  };
}

beforeAll(async () => {
  // Whatever started is stopped in afterAll, even when something else failed to.
  const firstFailure = (results: PromiseSettledResult<unknown>[]) =>
    results.find((result): result is PromiseRejectedResult => result.status === "rejected")?.reason;
  const services = await Promise.allSettled([startPostgres(), startRedis()]);
  if (services[0].status === "fulfilled") postgres = services[0].value;
  if (services[1].status === "fulfilled") redis = services[1].value;
  if (!postgres || !redis) throw firstFailure(services);
  // Both at once on the empty database: migrating and seeding must happen once.
  const started = await Promise.allSettled([startServer({ env: instanceEnv(redis.url) }), startServer({ env: instanceEnv(redis.url) })]);
  for (const result of started) if (result.status === "fulfilled") servers.push(result.value);
  if (servers.length < 2) throw firstFailure(started);
  [a, b] = servers as [TestServer, TestServer];
  db = openDatabase(postgres.url);
  cookies = await signInEveryone(a.url);
}, 120_000);

afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const server of servers) {
    await server.stop();
    server.cleanup();
  }
  await db?.destroy();
  await redis?.cleanup();
  await postgres?.stop();
}, 60_000);

// A failed test shows what each instance logged besides routine lines.
afterEach((context) => {
  if (context.task.result?.state !== "fail") return;
  const routine = new Set(["signed in", "listening"]);
  for (const [i, server] of servers.entries()) {
    const lines = server.logs.filter((entry) => !routine.has(String(entry.msg))).slice(-25);
    console.log(`instance ${i} (port ${server.port}), last log lines:\n${lines.map((line) => JSON.stringify(line)).join("\n")}`);
  }
});

// ---------------------------------------------------------------------------------------
// Clients and waiting

interface Client extends TestClient {
  /** Reasons of the y-protocols auth "permission denied" messages received. */
  denied: string[];
  /** "The plan's details changed" notices received. */
  planChanged: number;
}

/** A real y-websocket client signed in as `role`, reconnecting quickly (at most 200 ms). */
function connect(wsUrl: string, role: DemoRole, cookie = cookies[role]): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, DEMO.planId, doc, {
    WebSocketPolyfill: cookieWebSocket(cookie) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
  const tracker = new SaveTracker(provider, doc);
  const client: Client = {
    doc,
    provider,
    tracker,
    denied: [],
    planChanged: 0,
    text: () => planText(doc),
    allText: () => rawPlanText(doc),
    destroy: () => {
      tracker.destroy();
      provider.destroy();
      doc.destroy();
    },
  };
  provider.messageHandlers[MESSAGE_PLAN_CHANGED] = () => void (client.planChanged += 1);
  provider.messageHandlers[MESSAGE_THREADS_CHANGED] = () => undefined;
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) =>
    authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => void client.denied.push(reason));
  clients.push(client);
  return client;
}

function release(...list: Client[]): void {
  for (const client of list) {
    const index = clients.indexOf(client);
    if (index >= 0) clients.splice(index, 1);
    client.destroy();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  explain?: () => unknown | Promise<unknown>,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) {
      const detail = explain ? `: ${JSON.stringify(await explain())}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await pause(50);
  }
}

function synced(list: Client[], timeoutMs = 20_000): Promise<void> {
  return waitUntil(
    () => list.every((c) => c.provider.synced),
    "every client synced",
    timeoutMs,
    () => list.map((c) => ({ connected: c.provider.wsconnected, synced: c.provider.synced })),
  );
}

/** Every client has heard from its server that all it typed is stored. */
function saved(list: Client[], timeoutMs = 20_000): Promise<void> {
  return waitUntil(
    () => list.every((c) => c.tracker.isEverythingStored),
    "every writer's Saved",
    timeoutMs,
    () => list.map((c) => ({ status: c.tracker.state.status, made: c.tracker.changesMade, saved: c.tracker.changesSaved })),
  );
}

function occurrences(text: string, token: string): number {
  return text.split(token).length - 1;
}

/** Every client has the same text, holding each token exactly once. */
function converge(list: Client[], tokens: string[], what: string, timeoutMs = 20_000): Promise<void> {
  const done = () => {
    const first = list[0]!.text();
    return list.every((c) => c.text() === first) && tokens.every((token) => occurrences(first, token) === 1);
  };
  return waitUntil(done, what, timeoutMs, () =>
    list.map((c) => {
      const text = c.text();
      return {
        length: text.length,
        missing: tokens.filter((token) => !text.includes(token)).slice(0, 10),
        duplicated: tokens.filter((token) => occurrences(text, token) > 1).slice(0, 10),
      };
    }),
  );
}

interface Typist {
  client: Client;
  section: number;
  prefix: string;
  /** Each token typed, with the client's change count just after typing it. */
  typed: { token: string; change: number }[];
}

/** Each client appends numbered tokens to its section's first paragraph until stopped. */
function startTyping(specs: { client: Client; section: number; prefix: string }[], seed = 7) {
  let running = true;
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const typists: Typist[] = specs.map((spec) => ({ ...spec, typed: [] }));
  const loops = typists.map(async (typist) => {
    for (let n = 0; running; n += 1) {
      const token = `[${typist.prefix}.${n}]`;
      const text = paragraphText(typist.client.doc, typist.section);
      text.insert(text.length, token);
      typist.typed.push({ token, change: typist.client.tracker.changesMade });
      await pause(40 + random() * 60);
    }
  });
  return {
    tokens: () => typists.flatMap((t) => t.typed.map((x) => x.token)),
    /** The tokens the server has told their client are stored, now. */
    acknowledged: () => typists.flatMap((t) => t.typed.filter((x) => x.change <= t.client.tracker.changesSaved).map((x) => x.token)),
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The server from outside

interface Health {
  status: number;
  body: { cluster?: { instanceId?: unknown; redis?: unknown }; collab?: Record<string, number> };
}

async function health(server: TestServer): Promise<Health> {
  const response = await fetch(`${server.url}/healthz`);
  return { status: response.status, body: (await response.json()) as Health["body"] };
}

async function redisState(server: TestServer): Promise<unknown> {
  return (await health(server)).body.cluster?.redis;
}

function waitForRedisState(server: TestServer, state: "connected" | "unavailable", timeoutMs = 20_000): Promise<void> {
  return waitUntil(
    async () => (await redisState(server)) === state,
    `/healthz cluster.redis "${state}"`,
    timeoutMs,
    async () => ({
      health: (await health(server)).body.cluster,
      lastLogs: server.logs.slice(-5),
    }),
  );
}

function logged(server: TestServer, startsWith: string): number {
  return server.logs.filter((entry) => typeof entry.msg === "string" && entry.msg.startsWith(startsWith)).length;
}

function manageMembers(server: TestServer, form: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/plans/${DEMO.planId}/members`, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { cookie: cookies.owner },
    redirect: "manual",
  });
}

async function countRows(table: "users" | "organisations" | "plans" | "comment_threads" | "comments"): Promise<number> {
  const row = await db!.selectFrom(table).select(db!.fn.countAll().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function checkpointCount(): Promise<number> {
  const row = await db!
    .selectFrom("plan_versions")
    .select(db!.fn.countAll().as("n"))
    .where("plan_id", "=", DEMO.planId)
    .where("kind", "=", "checkpoint")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The checkpoint count once no checkpoint is still due from earlier edits. */
async function settledCheckpointCount(): Promise<number> {
  let previous = await checkpointCount();
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await pause(VERSION_QUIET_MS * 3);
    const now = await checkpointCount();
    if (now === previous) return now;
    previous = now;
  }
  throw new Error("checkpoints kept being written with nobody editing");
}

// ---------------------------------------------------------------------------------------

describe("two instances on one PostgreSQL and one Redis", () => {
  it("started together on an empty database, they migrate and seed it once", async () => {
    expect(a.port).not.toBe(b.port);
    expect(await countRows("users")).toBe(5);
    expect(await countRows("organisations")).toBe(7);
    expect(await countRows("plans")).toBe(1);
    expect(await countRows("comment_threads")).toBe(1);
    expect(await countRows("comments")).toBe(2);
    const stored = await storedPlanText(postgres!.url, DEMO.planId);
    expect(occurrences(stored, DEMO_THREAD.quote)).toBe(1);

    // Each serves the same plan; each says which instance it is, and that Redis is there.
    const onA = connect(a.wsUrl, "viewer");
    const onB = connect(b.wsUrl, "viewer");
    await synced([onA, onB]);
    expect(onA.text()).toBe(stored);
    expect(onB.text()).toBe(stored);
    release(onA, onB);
    await Promise.all([waitForRedisState(a, "connected"), waitForRedisState(b, "connected")]);
    const [healthA, healthB] = await Promise.all([health(a), health(b)]);
    expect(healthA.status).toBe(200);
    expect(healthB.status).toBe(200);
    expect(typeof healthA.body.cluster?.instanceId).toBe("string");
    expect(typeof healthB.body.cluster?.instanceId).toBe("string");
    expect(healthA.body.cluster?.instanceId).not.toBe(healthB.body.cluster?.instanceId);
  }, 60_000);

  it("concurrent edits on A and on B converge and are stored, and each sees the other's caret", async () => {
    const onA = connect(a.wsUrl, "owner");
    const onB = connect(b.wsUrl, "editor");
    await synced([onA, onB]);
    const tokens: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      // Both at once, before either hears of the other: the same place, then different ones.
      const sameA = `<A-same-${round}>`;
      const sameB = `<B-same-${round}>`;
      typeAt(onA.doc, sameA, 0, 0);
      typeAt(onB.doc, sameB, 0, 0);
      const ownA = `<A-own-${round}>`;
      const ownB = `<B-own-${round}>`;
      const paragraphA = paragraphText(onA.doc, 1);
      paragraphA.insert(paragraphA.length, ownA);
      const paragraphB = paragraphText(onB.doc, 3);
      paragraphB.insert(paragraphB.length, ownB);
      tokens.push(sameA, sameB, ownA, ownB);
      await pause(30);
    }
    await converge([onA, onB], tokens, "A and B to converge");
    await saved([onA, onB]);
    expect(await storedPlanText(postgres!.url, DEMO.planId)).toBe(onA.text());

    // Presence crosses instances, stamped with the signed-in account.
    onA.provider.awareness.setLocalStateField("cursor", { caret: "on-A" });
    onB.provider.awareness.setLocalStateField("cursor", { caret: "on-B" });
    type Presence = { user?: { name?: string }; cursor?: { caret?: string } };
    const seen = (viewer: Client, other: Client, name: string, caret: string) => () => {
      const state = viewer.provider.awareness.getStates().get(other.doc.clientID) as Presence | undefined;
      return state?.user?.name === name && state.cursor?.caret === caret;
    };
    const states = () => ({
      onA: [...onA.provider.awareness.getStates().entries()],
      onB: [...onB.provider.awareness.getStates().entries()],
    });
    await waitUntil(seen(onB, onA, NAMES.owner, "on-A"), "A's caret on B", 10_000, states);
    await waitUntil(seen(onA, onB, NAMES.editor, "on-B"), "B's caret on A", 10_000, states);
    release(onA, onB);
  }, 60_000);

  it("edits arriving on both instances keep exactly one checkpoint for a quiet period", async () => {
    const onA = connect(a.wsUrl, "owner");
    const onB = connect(b.wsUrl, "editor");
    await synced([onA, onB]);
    const before = await settledCheckpointCount();

    const tokens: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const [tokenA, tokenB] = [`{cp-A-${round}}`, `{cp-B-${round}}`];
      typeAt(onA.doc, tokenA, 2, 0);
      typeAt(onB.doc, tokenB, 4, 0);
      tokens.push(tokenA, tokenB);
      await pause(100);
    }
    await converge([onA, onB], tokens, "A and B to converge");
    await saved([onA, onB]);

    // Quiet now: a checkpoint comes, and no second one for the same text.
    await waitUntil(async () => (await checkpointCount()) > before, "a checkpoint after the quiet time", 20_000);
    await pause(VERSION_QUIET_MS * 4 + HEAL_INTERVAL_MS * 2);
    expect(await checkpointCount()).toBe(before + 1);
    const latest = await db!
      .selectFrom("plan_versions")
      .select(["state", "state_encoding"])
      .where("plan_id", "=", DEMO.planId)
      .where("kind", "=", "checkpoint")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await versionState(latest));
    expect(planText(doc)).toBe(onA.text());
    release(onA, onB);
  }, 90_000);

  it("a Redis restart mid-session: edits converge while it is down (healing) and after it is back", async () => {
    const writers = [connect(a.wsUrl, "owner"), connect(a.wsUrl, "editor"), connect(b.wsUrl, "owner"), connect(b.wsUrl, "editor")];
    const [firstA, , firstB] = writers as [Client, Client, Client, Client];
    // A session that signs out on A while Redis is down; its socket is on B.
    const session = await signIn(a.url, DEMO.editor);
    const signingOut = connect(b.wsUrl, "editor", session);
    const closes: number[] = [];
    signingOut.provider.on("connection-close", (event) => void closes.push(event?.code ?? 0));
    await synced([...writers, signingOut]);
    const connectedLogs = [logged(a, "redis connected"), logged(b, "redis connected")];

    let typing = startTyping(
      writers.map((client, i) => ({ client, section: i, prefix: `r1-${i}` })),
      11,
    );
    await pause(700);
    let redisRunning = true;
    try {
      await redis!.stop();
      redisRunning = false;
      await Promise.all([waitForRedisState(a, "unavailable"), waitForRedisState(b, "unavailable")]);
      await pause(1000);
      await typing.stop();
      const whileDown = typing.tokens();
      await converge(writers, whileDown, "convergence while Redis is down", 20_000);
      await saved(writers);
      // It was healing, not Redis, that brought them together.
      expect(await redisState(a)).toBe("unavailable");
      expect(await redisState(b)).toBe("unavailable");
      expect((await health(a)).status).toBe(200);
      expect(await storedPlanText(postgres!.url, DEMO.planId)).toBe(firstA.text());
      // Not published while Redis is away: B re-reads sessions at the heal pace (the periodic
      // re-check is 10 minutes away in this file).
      expect((await fetch(`${a.url}/logout`, { method: "POST", headers: { cookie: session }, redirect: "manual" })).status).toBe(302);
      await waitUntil(() => closes.includes(CLOSE_SESSION_ENDED), "the signed-out socket on B to close while Redis is down", 10_000);
      release(signingOut);

      const noticesOnB = firstB.planChanged;
      await redis!.start();
      redisRunning = true;
      typing = startTyping(
        writers.map((client, i) => ({ client, section: i + 1, prefix: `r2-${i}` })),
        13,
      );
      await Promise.all([waitForRedisState(a, "connected"), waitForRedisState(b, "connected")]);
      await pause(1000);
      await typing.stop();
      await converge(writers, [...whileDown, ...typing.tokens()], "convergence after Redis is back", 20_000);
      await saved(writers);
      expect(await storedPlanText(postgres!.url, DEMO.planId)).toBe(firstA.text());
      expect(logged(a, "redis connected")).toBeGreaterThan(connectedLogs[0]!);
      expect(logged(b, "redis connected")).toBeGreaterThan(connectedLogs[1]!);
      // Notices published during the outage were lost: pages are told to reload details.
      expect(firstB.planChanged).toBeGreaterThan(noticesOnB);

      // Presence travels only through Redis: once it is back, it crosses instances again.
      firstA.provider.awareness.setLocalStateField("cursor", { caret: "after-redis-restart" });
      await waitUntil(
        () =>
          (firstB.provider.awareness.getStates().get(firstA.doc.clientID) as { cursor?: { caret?: string } } | undefined)?.cursor?.caret ===
          "after-redis-restart",
        "A's caret on B after the Redis restart",
        10_000,
      );
      release(...writers);
    } finally {
      await typing.stop();
      // The tests that follow need Redis.
      if (!redisRunning) await redis!.start();
    }
  }, 120_000);

  it("an instance that starts while Redis is down serves, heals from the database, and connects once Redis is there", async () => {
    // A Redis started and stopped again: nothing listens on its port until we start it.
    const lateRedis = await startRedis();
    await lateRedis.stop();
    let c: TestServer | undefined;
    try {
      c = await startServer({ env: instanceEnv(lateRedis.url) });
      servers.push(c);
      const third = c;
      await waitUntil(
        () => logged(third, "redis unavailable") > 0,
        'a "redis unavailable" log line',
        15_000,
        () => third.logs.slice(-5),
      );
      const healthC = await health(c);
      expect(healthC.status).toBe(200);
      expect(healthC.body.cluster?.redis).toBe("unavailable");
      expect(typeof healthC.body.cluster?.instanceId).toBe("string");
      expect(healthC.body.cluster?.instanceId).not.toBe((await health(a)).body.cluster?.instanceId);

      const onC = connect(c.wsUrl, "editor");
      const onA = connect(a.wsUrl, "owner");
      await synced([onC, onA]);
      const typing = startTyping(
        [
          { client: onC, section: 5, prefix: "c" },
          { client: onA, section: 5, prefix: "a" },
        ],
        17,
      );
      await pause(1000);
      await typing.stop();
      await converge([onC, onA], typing.tokens(), "a client on the instance without Redis and one on A to converge", 20_000);
      await saved([onC, onA]);
      expect(await storedPlanText(postgres!.url, DEMO.planId)).toBe(onA.text());
      release(onC, onA);

      // It kept retrying: once Redis listens, it connects.
      await lateRedis.start();
      await waitForRedisState(c, "connected", 30_000);
      expect(logged(c, "redis connected")).toBeGreaterThan(0);
    } finally {
      if (c) {
        await c.stop();
        c.cleanup();
        servers.splice(servers.indexOf(c), 1);
      }
      await lateRedis.cleanup();
    }
  }, 90_000);

  it("kill -9 of one instance behind the proxy: every Saved edit survives and every client converges on the other", async () => {
    const proxy = await startProxy([a.port, b.port]);
    let typing: ReturnType<typeof startTyping> | undefined;
    try {
      const observer = connect(b.wsUrl, "viewer"); // directly on the instance that survives
      const writers = Array.from({ length: 6 }, (_, i) => connect(proxy.wsUrl, i % 2 === 0 ? "editor" : "owner"));
      await synced([observer, ...writers]);
      expect(proxy.openTo(a.port)).toBeGreaterThan(0);
      expect(proxy.openTo(b.port)).toBeGreaterThan(0);

      typing = startTyping(
        writers.map((client, i) => ({ client, section: i % 6, prefix: `k${i}` })),
        23,
      );
      await pause(1500);
      // Nobody reconnects until we have looked at the survivor (a balancer noticing late).
      await proxy.pause();
      const acknowledged = typing.acknowledged();
      expect(acknowledged.length).toBeGreaterThan(0);
      await a.kill();

      const stored = await storedPlanText(postgres!.url, DEMO.planId);
      expect(
        acknowledged.filter((token) => !stored.includes(token)),
        "acknowledged but not stored",
      ).toEqual([]);
      await waitUntil(
        () => acknowledged.every((token) => observer.text().includes(token)),
        "every acknowledged edit on the surviving instance",
        20_000,
        () => acknowledged.filter((token) => !observer.text().includes(token)),
      );

      // The killed instance's clients reconnect through the proxy, to the survivor.
      await proxy.resume();
      await pause(1500);
      await typing.stop();
      await synced(writers, 30_000);
      expect(proxy.openTo(a.port)).toBe(0);
      await saved(writers, 30_000);
      await converge([observer, ...writers], typing.tokens(), "every client to converge on the survivor", 30_000);
      expect(await storedPlanText(postgres!.url, DEMO.planId)).toBe(observer.text());
      release(observer, ...writers);
    } finally {
      await typing?.stop();
      await proxy.close();
      // Back for the tests that follow; it loads the same text from the database.
      await a.restart();
    }
    const reader = connect(a.wsUrl, "viewer");
    await synced([reader]);
    expect(reader.text()).toBe(await storedPlanText(postgres!.url, DEMO.planId));
    release(reader);
    await waitForRedisState(a, "connected");
  }, 120_000);

  it("the dashboard on A shows who is on a plan through B, and stops once they leave", async () => {
    const { name } = await db!.selectFrom("users").select("name").where("email", "=", DEMO.commenter).executeTakeFirstOrThrow();
    const dashboardOnA = async () => (await fetch(`${a.url}/plans`, { headers: { cookie: cookies.viewer } })).text();
    expect(await dashboardOnA()).not.toContain(`aria-label="${name}"`);
    const onB = connect(b.wsUrl, "commenter");
    await synced([onB]);
    await waitUntil(async () => (await dashboardOnA()).includes(`aria-label="${name}"`), "the commenter on A's dashboard", 10_000);
    release(onB);
    await waitUntil(async () => !(await dashboardOnA()).includes(`aria-label="${name}"`), "the commenter gone from A's dashboard", 10_000);
  }, 60_000);

  it("signing out on A closes that session's sockets on B at once", async () => {
    const session = await signIn(a.url, DEMO.editor);
    const onB = connect(b.wsUrl, "editor", session);
    const othersOnB = connect(b.wsUrl, "editor");
    await synced([onB, othersOnB]);
    const closes: number[] = [];
    onB.provider.on("connection-close", (event) => void closes.push(event?.code ?? 0));
    const out = await fetch(`${a.url}/logout`, { method: "POST", headers: { cookie: session }, redirect: "manual" });
    expect(out.status).toBe(302);
    // The periodic re-check is 10 minutes away: only the published sign-out explains this.
    await waitUntil(() => closes.includes(CLOSE_SESSION_ENDED), "the signed-out session's socket on B to close", 10_000);
    expect(othersOnB.provider.wsconnected).toBe(true);
    release(onB, othersOnB);
  }, 60_000);

  it("an editor demoted on A can no longer write on B, at once", async () => {
    const editorRow = await db!.selectFrom("users").select("id").where("email", "=", DEMO.editor).executeTakeFirstOrThrow();
    const editorId = String(editorRow.id);
    const editor = connect(b.wsUrl, "editor");
    const ownerOnA = connect(a.wsUrl, "owner");
    const ownerOnB = connect(b.wsUrl, "owner");
    await synced([editor, ownerOnA, ownerOnB]);
    typeAt(editor.doc, "<before-demotion>", 1, 0);
    await waitUntil(() => ownerOnA.text().includes("<before-demotion>"), "the editor's edit on A", 10_000);
    await saved([editor]);
    const socket = editor.provider.ws;

    let demoted = false;
    try {
      const dropsBefore = (await health(b)).body.collab?.droppedReadOnlyUpdates ?? 0;
      // When B tells the editor's page that the plan changed (the page reloads its details and
      // shows the viewer role), the socket the editor holds on B has the new role already: an
      // edit typed the moment the notice arrives is refused, and the client is told.
      let noticed = false;
      editor.provider.messageHandlers[MESSAGE_PLAN_CHANGED] = () => {
        editor.planChanged += 1;
        if (noticed) return;
        noticed = true;
        typeAt(editor.doc, "<after-demotion-1>", 1, 0);
      };
      expect((await manageMembers(a, { intent: "changeRole", userId: editorId, role: "viewer" })).status).toBe(200);
      demoted = true;
      await waitUntil(() => noticed, "B to tell the editor's page the plan changed", 10_000);
      await waitUntil(
        () => editor.denied.length > 0 || ownerOnA.text().includes("<after-demotion-1>"),
        "B to refuse (or take) the edit typed on the notice",
        10_000,
      );
      expect(editor.denied, "B took an edit typed after it told the page the role changed").toHaveLength(1);
      expect(editor.denied[0]).toMatch(/viewer/);
      typeAt(editor.doc, "<after-demotion-2>", 1, 0);
      await waitUntil(
        async () => ((await health(b)).body.collab?.droppedReadOnlyUpdates ?? 0) >= dropsBefore + 2,
        "B to drop both updates",
        10_000,
      );
      // Everything B relays after the refused edits arrives after them on A.
      typeAt(ownerOnB.doc, "<barrier>", 1, 0);
      await waitUntil(() => ownerOnA.text().includes("<barrier>"), "the owner's later edit on A", 10_000);
      await saved([ownerOnB]);
      expect(editor.denied).toHaveLength(1);
      expect(editor.provider.ws).toBe(socket);
      expect(ownerOnA.text()).not.toContain("<after-demotion");
      expect(ownerOnB.text()).not.toContain("<after-demotion");
      expect(await storedPlanText(postgres!.url, DEMO.planId)).not.toContain("<after-demotion");
    } finally {
      // Restored, and a fresh page on B writes again (the refused one holds edits the server never took).
      if (demoted) expect((await manageMembers(a, { intent: "changeRole", userId: editorId, role: "editor" })).status).toBe(200);
      release(editor);
    }
    const reloaded = connect(b.wsUrl, "editor");
    await synced([reloaded]);
    typeAt(reloaded.doc, "<after-promotion>", 1, 0);
    await waitUntil(() => ownerOnA.text().includes("<after-promotion>"), "the editor writing again", 10_000);
    await saved([reloaded]);
    release(reloaded, ownerOnA, ownerOnB);
  }, 60_000);
});

describe("refusals at start", () => {
  /** Starts a server that must refuse to start; returns why it said it did not. */
  async function refusal(options: Parameters<typeof startServer>[0]): Promise<string> {
    const outcome = await startServer(options).then(
      (server) => server,
      (error: unknown) => error,
    );
    if (!(outcome instanceof Error)) {
      const server = outcome as TestServer;
      await server.stop();
      server.cleanup();
      throw new Error(`the server started with ${JSON.stringify(options)}`);
    }
    expect(outcome.message).toMatch(/before listening/);
    return outcome.message;
  }

  it("REDIS_URL with SQLite: the server does not start and says PostgreSQL is needed", async () => {
    expect(await refusal({ sqlite: true, env: { REDIS_URL: redis!.url } })).toMatch(/postgres/i);
  }, 60_000);

  it("REDIS_URL without SESSION_SECRET: the server does not start and says every instance needs the same one", async () => {
    expect(await refusal({ env: { ...instanceEnv(redis!.url), SESSION_SECRET: "" } })).toMatch(/SESSION_SECRET/);
  }, 60_000);
});
