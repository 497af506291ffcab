// Issue 20 (item 7): what one socket, or one account's burst of upgrades, can make the
// server do is bounded. Each attack runs through the real server with raw sockets and
// hand-made y-protocols frames; the assertions are on what the server did (its /healthz
// counters, close codes, what honest sockets still receive), never on timings.
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();

interface CollabCounters {
  openPlans: number;
  syncAnswersEncoded: number;
  sendBacklogClosed: number;
  unsentBytes: number;
  socketsReserved: number;
  presenceRefused: number;
}

async function counters(): Promise<CollabCounters> {
  const response = await fetch(`${demo.server.url}/healthz`);
  return ((await response.json()) as { collab: CollabCounters }).collab;
}

/** Polls /healthz until `check` holds. */
async function countersWhen(check: (now: CollabCounters) => boolean, what: string, timeoutMs = 15_000): Promise<CollabCounters> {
  const started = Date.now();
  for (;;) {
    const now = await counters();
    if (check(now)) return now;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(now)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A raw socket on the demo plan that keeps every frame it receives and how it closed. */
interface RawPeer {
  socket: WebSocket;
  frames: Buffer[];
  closed: { code: number; reason: string } | undefined;
}

function openPeer(role: DemoRole, planId: string = DEMO.planId): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${demo.server.wsUrl}/${planId}`, { headers: { cookie: demo.cookies[role] } });
    const peer: RawPeer = { socket, frames: [], closed: undefined };
    socket.on("message", (data: Buffer) => peer.frames.push(data));
    socket.on("close", (code, reason) => (peer.closed = { code, reason: reason.toString() }));
    socket.on("error", () => undefined);
    socket.once("open", () => resolve(peer));
    socket.once("unexpected-response", (_request, response) => reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode })));
  });
}

describe("sockets per account (item 7)", () => {
  let planId: string;
  beforeAll(async () => {
    // A plan of the commenter's own that nobody has open: every upgrade then waits for it to
    // load, the window in which the count used to lag behind the upgrades.
    const created = await fetch(`${demo.server.url}/plans?index`, {
      method: "POST",
      body: new URLSearchParams({ title: "Commenter's own plan", description: "" }),
      headers: { cookie: demo.cookies.commenter },
      redirect: "manual",
    });
    planId = created.headers.get("location")!.replace("/plans/", "");
  });

  /** Opens a socket, or resolves with the HTTP status that refused it. */
  function tryOpen(): Promise<RawPeer | number> {
    return openPeer("commenter", planId).catch((error: { status?: number }) => error.status ?? 0);
  }

  async function whenUnloaded(): Promise<void> {
    await countersWhen((now) => now.socketsReserved === 0 && now.openPlans === 0, "every socket released and the plans unloaded");
  }

  it("opens at most COLLAB_MAX_CONNECTIONS_PER_USER (50) of 300 simultaneous upgrades with one cookie", async () => {
    demo.closeClients();
    await whenUnloaded();
    const results = await Promise.all(Array.from({ length: 300 }, () => tryOpen()));
    const opened = results.filter((result): result is RawPeer => typeof result !== "number");
    expect(opened.length).toBe(50);
    expect(results.filter((result) => result === 429).length).toBe(250);
    for (const peer of opened) peer.socket.close();
    await whenUnloaded();
  });

  it("releases the reservation of an upgrade abandoned at any moment", async () => {
    await whenUnloaded();
    const abandoned = Array.from({ length: 120 }, (_, i) => {
      const socket = new WebSocket(`${demo.server.wsUrl}/${planId}`, { headers: { cookie: demo.cookies.commenter } });
      socket.on("error", () => undefined);
      return new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        setTimeout(() => socket.terminate(), i % 20);
      });
    });
    await Promise.all(abandoned);
    await whenUnloaded();
    // All 50 are the account's again.
    const results = await Promise.all(Array.from({ length: 50 }, () => tryOpen()));
    const opened = results.filter((result): result is RawPeer => typeof result !== "number");
    expect(opened.length).toBe(50);
    for (const peer of opened) peer.socket.close();
    await whenUnloaded();
  });
});
