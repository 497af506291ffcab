// A plan open on several instances (docs/architecture.md, "Several instances"), one LivePlan
// standing for each instance over one database: what one learns from the other through the
// relay, and what it reads back from the update log when messages are lost.
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStoredUpdates, loadPlanUpdates } from "../../app/models/plan-document.server";
import { compactPlan } from "../../server/collab/storage/compaction";
import { appendUpdates, sqlUpdateLog } from "../../server/collab/storage/sql-update-log";
import type { UserSummary } from "../../app/models/user.server";
import { MESSAGE_SYNC } from "../../app/collab/protocol";
import { planText, PLAN_FRAGMENT } from "../../app/editor/document.server";
import { CollabConnection } from "../../server/collab/connection";
import { LivePlan } from "../../server/collab/live-plan";
import type { CollabMetrics } from "../../server/collab/metrics";
import { newCollabMetrics } from "../../server/collab/metrics";
import { UpdateStore } from "../../server/collab/update-store";
import type { RelayedUpdate } from "../../server/collab/cluster/relay-codec";
import type { WebSocket } from "ws";
import { createTestPlan, createTestUser, useTemporaryDatabase } from "../helpers/database";

/** What another instance stored: `words` typed one by one by a client, each its own row. */
async function storedElsewhere(planId: string, userId: number, words: string[]): Promise<RelayedUpdate[]> {
  const client = new Y.Doc();
  client.clientID = 4242;
  applyStoredUpdates(client, await loadPlanUpdates(planId));
  const rows: RelayedUpdate[] = [];
  for (const [i, word] of words.entries()) {
    let update!: Uint8Array;
    client.once("update", (u: Uint8Array) => (update = u));
    client.getText("t").insert(client.getText("t").length, word);
    const [rowId] = await appendUpdates([{ planId, userId, update, createdAt: Date.now(), newClientIds: i === 0 ? [4242] : [] }]);
    rows.push({ rowId: rowId!, userId, update });
  }
  return rows;
}

async function storedText(planId: string): Promise<string> {
  const doc = new Y.Doc();
  applyStoredUpdates(doc, await loadPlanUpdates(planId));
  return doc.getText("t").toString();
}

describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  let database: Awaited<ReturnType<typeof useTemporaryDatabase>>;
  beforeAll(async () => {
    database = await useTemporaryDatabase(kind);
  });
  afterAll(() => database.cleanup());

  describe("an instance with the plan open", () => {
    it("reads back a lost message even when another instance compacts the plan between its two reads", async () => {
      const { planId, owner } = await createTestPlan();
      const here = await LivePlan.load({ planId, store: new UpdateStore(sqlUpdateLog), log: sqlUpdateLog });
      here.document();
      const rows = await storedElsewhere(planId, owner.id, ["alpha ", "beta ", "gamma "]);
      // The message with "beta " was lost.
      here.healing.receive([rows[0]!], [[4242, owner.id]]);
      here.healing.receive([rows[2]!], []);
      // Healing lists the ids, compaction merges the lost row into the last, healing reads.
      await Promise.all([here.healing.heal(), compactPlan(planId)]);
      await here.healing.heal();
      expect(here.document().getText("t").toString()).toBe("alpha beta gamma ");
      expect(here.document().store.pendingStructs).toBeNull();
      expect(await storedText(planId)).toBe("alpha beta gamma ");
      here.destroy();
    });

    it("reads an update published without its bytes (too large for Redis) from the database", async () => {
      const { planId, owner } = await createTestPlan();
      const here = await LivePlan.load({ planId, store: new UpdateStore(sqlUpdateLog), log: sqlUpdateLog });
      here.document();
      const [row] = await storedElsewhere(planId, owner.id, ["a long pasted report "]);
      here.healing.receive([{ ...row!, update: new Uint8Array(0) }], [[4242, owner.id]]);
      await here.healing.heal();
      expect(here.document().getText("t").toString()).toBe("a long pasted report ");
      here.destroy();
    });

    it("relays what another instance stored to its sockets without storing it again", async () => {
      const { planId, owner } = await createTestPlan();
      const written: unknown[] = [];
      const store = new UpdateStore({ append: async (updates) => (written.push(...updates), []) });
      const here = await LivePlan.load({ planId, store, log: sqlUpdateLog });
      const socket = fakeConnection(here, owner);
      const rows = await storedElsewhere(planId, owner.id, ["relayed "]);
      here.healing.receive(rows, [[4242, owner.id]]);
      await store.whenStored();
      expect(socket.sent).toHaveLength(1);
      expect(written).toEqual([]);
      here.destroy();
    });
  });

  describe("after an instance died with a new editing session's first edit unstored", () => {
    it("the session's own later edits are not acknowledged: its socket is closed with 4409 so the page says so", async () => {
      const { planId, owner: first } = await createTestPlan();
      const second = await createTestUser();
      const here = await LivePlan.load({ planId, store: new UpdateStore(sqlUpdateLog), log: sqlUpdateLog });
      // The second person's tab (Yjs client 777) typed on the dead instance, which relayed it to
      // the first person's tab and died before committing it.
      const tab = new Y.Doc();
      tab.clientID = 777;
      applyStoredUpdates(tab, await loadPlanUpdates(planId));
      // Client updates are checked against the plan schema: the tab types into a paragraph.
      const paragraph = () => {
        const section = tab.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement;
        const element = section.toArray().find((node) => node instanceof Y.XmlElement && node.nodeName === "paragraph") as Y.XmlElement;
        if (element.length === 0) element.insert(0, [new Y.XmlText()]);
        return element.get(0) as Y.XmlText;
      };
      const textBefore = planText(tab);
      paragraph().insert(0, "first ");
      const firstOnHere = fakeConnection(here, first);
      // The first person's tab reaches this instance first; its sync brings the text under 777.
      expect(here.applyClientUpdate(Y.encodeStateAsUpdate(tab), firstOnHere.connection)).toBe("applied");
      const secondOnHere = fakeConnection(here, second);
      secondOnHere.say(presence(777, 1, { cursor: "here" }));
      const before = Y.encodeStateVector(tab);
      paragraph().insert(6, "second ");
      secondOnHere.receive(syncUpdateFrame(Y.encodeStateAsUpdate(tab, before)));
      expect(secondOnHere.closedWith).toBe(4409);
      expect(planText(here.document())).toBe(textBefore.replace(/^([^\n]*\n)?/, (title) => `${title}first `));
      here.destroy();
    });
  });

  describe("presence on one instance", () => {
    it("an echoed removal claims nobody's id: its own tab can still show its presence", async () => {
      const { planId, owner } = await createTestPlan();
      const other = await createTestUser();
      const here = await LivePlan.load({ planId, store: new UpdateStore(sqlUpdateLog), log: sqlUpdateLog });
      const echoing = fakeConnection(here, other);
      // Stock clients send back the awareness changes they receive, removals included.
      echoing.say(removal(4321, 3));
      const ownTab = fakeConnection(here, owner);
      ownTab.say(presence(4321, 4, { cursor: "mine" }));
      expect(here.awareness.getStates().get(4321)).toMatchObject({ cursor: "mine", user: { id: owner.id } });
      // A removal from the tab that speaks for the id gives its claim up.
      ownTab.say(removal(4321, 5));
      echoing.say(presence(4321, 6, { cursor: "now someone else's" }));
      expect(here.awareness.getStates().get(4321)).toMatchObject({ user: { id: other.id } });
      here.destroy();
    });
  });

  describe("presence across instances", () => {
    it("never lets a relayed state replace the presence of an id a socket here speaks for", async () => {
      const { planId, owner: victim } = await createTestPlan();
      const attacker = await createTestUser();
      // Each plan relays to the other: `a` is assigned once `b`, which refers to it, exists.
      // eslint-disable-next-line prefer-const
      let a!: LivePlan;
      const b: LivePlan = await LivePlan.load({
        planId,
        store: new UpdateStore(sqlUpdateLog),
        log: sqlUpdateLog,
        shareAwareness: (u) => a.presence.applyRelayed(u),
      });
      a = await LivePlan.load({
        planId,
        store: new UpdateStore(sqlUpdateLog),
        log: sqlUpdateLog,
        shareAwareness: (u) => b.presence.applyRelayed(u),
      });
      const victimOnB = fakeConnection(b, victim);
      const attackerOnA = fakeConnection(a, attacker);
      const id = 5555;
      victimOnB.say(presence(id, 1, { cursor: "victim" }));
      // A opened the plan after the victim's last renewal: it has not heard of the id.
      awarenessProtocol.removeAwarenessStates(a.awareness, [id], "timeout");
      attackerOnA.say(presence(id, 1000, { cursor: "attacker" }));
      expect(b.awareness.getStates().get(id)).toMatchObject({ cursor: "victim", user: { id: victim.id } });
      victimOnB.say(presence(id, 2, { cursor: "victim again" }));
      expect(b.awareness.getStates().get(id)).toMatchObject({ cursor: "victim again", user: { id: victim.id } });
      a.destroy();
      b.destroy();
    });
  });
});

/** An awareness update for one client id at a given clock. */
function presence(clientId: number, clock: number, state: Record<string, unknown>): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  awareness.meta.set(clientId, { clock, lastUpdated: Date.now() });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

/** An awareness update removing one client id's presence at a given clock. */
function removal(clientId: number, clock: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, "null");
  return encoding.toUint8Array(encoder);
}

/** A socket on the plan whose frames are kept, and through which the test can send presence. */
function fakeConnection(plan: LivePlan, user: UserSummary) {
  const sent: Uint8Array[] = [];
  const result = { closedWith: undefined as number | undefined };
  const socket = {
    readyState: 1,
    send: (data: Uint8Array) => sent.push(data),
    on: () => undefined,
    close: (code: number) => (result.closedWith = code),
  } as unknown as WebSocket;
  const metrics: CollabMetrics = newCollabMetrics();
  const connection = new CollabConnection({
    socket,
    plan,
    user,
    sessionId: "session",
    role: "owner",
    store: new UpdateStore(sqlUpdateLog),
    metrics,
    maxMessagesPerSecond: 1000,
  });
  plan.connections.add(connection);
  const handle = connection as unknown as { handleAwareness(update: Uint8Array): void; receive(data: Buffer, isBinary: boolean): void };
  return {
    connection,
    sent,
    get closedWith() {
      return result.closedWith;
    },
    say: (update: Uint8Array) => handle.handleAwareness(update),
    receive: (frame: Uint8Array) => handle.receive(Buffer.from(frame), true),
  };
}

/** A y-websocket "update" frame, as a client sends an edit. */
function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}
