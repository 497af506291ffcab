// Promise 3 (docs/reliability.md): no input from the network crashes the server or corrupts a
// stored plan. A seeded generator sends FUZZ_FRAMES (10,000 by default) hostile frames over
// signed-in sockets while two honest clients keep editing; FUZZ_SEED=<seed> replays a run.
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import { afterAll, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import { connectClient, typeAt, waitFor, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { DEMO, signIn, startServer, storedPlanText, type TestServer } from "../helpers/server";

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const SOCKETS = 4;

let server: TestServer | undefined;
afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
  const int = (n: number) => next() % n;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const frame = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    write(e);
    return encoding.toUint8Array(e);
  };

  // Real frames to damage: an update, a sync step 1, an awareness update, a save request.
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  doc.getXmlFragment("default").insert(0, [new Y.XmlText("fuzz")]);
  (doc.getXmlFragment("default").get(0) as Y.XmlText).insert(4, "ed");
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: { name: "Fuzzer" }, cursor: null });
  const realFrames = [
    frame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, updates[0]!);
    }),
    frame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
    }),
    frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
    }),
    frame((e) => {
      encoding.writeVarUint(e, 100);
      encoding.writeVarUint(e, 1);
    }),
  ];
  // An update whose left neighbour the server has never seen: it must wait, harmlessly.
  const orphan = frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, updates[1]!);
  });

  const kinds = [
    () => bytes(int(64)),
    () => {
      const real = realFrames[int(realFrames.length)]!;
      return real.slice(0, int(real.length));
    },
    () => {
      const copy = realFrames[int(realFrames.length)]!.slice();
      for (let flips = 1 + int(3); flips > 0; flips -= 1) copy[int(copy.length)]! ^= 1 << int(8);
      return copy;
    },
    // A length prefix of 2^35 bytes with almost nothing behind it.
    () => Uint8Array.from([int(2), 2, 0xff, 0xff, 0xff, 0xff, 0x7f, ...bytes(int(8))]),
    () => frame((e) => encoding.writeVarUint(e, 3 + int(1000))),
    () => orphan,
    // An awareness flood: hundreds of client ids with bulky states.
    () =>
      frame((e) => {
        const flood = encoding.createEncoder();
        const count = 50 + int(300);
        encoding.writeVarUint(flood, count);
        for (let i = 0; i < count; i += 1) {
          encoding.writeVarUint(flood, int(2 ** 30));
          encoding.writeVarUint(flood, int(100));
          encoding.writeVarString(flood, JSON.stringify({ user: { name: "x".repeat(int(200)) }, i }));
        }
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, encoding.toUint8Array(flood));
      }),
    // Awareness whose state is not JSON.
    () =>
      frame((e) => {
        const bad = encoding.createEncoder();
        encoding.writeVarUint(bad, 1);
        encoding.writeVarUint(bad, int(2 ** 30));
        encoding.writeVarUint(bad, 1);
        encoding.writeVarString(bad, "{not json");
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, encoding.toUint8Array(bad));
      }),
    () => realFrames[int(realFrames.length)]!,
  ];
  return () => kinds[int(kinds.length)]!();
}

it(`survives ${FRAMES} hostile frames while honest clients keep editing (seed ${SEED})`, async () => {
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
  server = await startServer();
  const cookie = await signIn(server.url, DEMO.editor);
  const ownerCookie = await signIn(server.url, DEMO.owner);
  const honest: TestClient[] = [connectClient(server.wsUrl, DEMO.planId, ownerCookie), connectClient(server.wsUrl, DEMO.planId, cookie)];
  await Promise.all(honest.map(whenSynced));
  let typing = true;
  let typed = 0;
  const typeLoop = (async () => {
    while (typing) {
      // Hostile structure may sit in the tree for a moment before the server takes it out:
      // find the section by name rather than by position.
      const doc = honest[typed % 2]!.doc;
      const sections = doc
        .getXmlFragment("default")
        .toArray()
        .filter((n) => n instanceof Y.XmlElement && n.nodeName === "section");
      const paragraph = (sections[1 + (typed % 2)] as Y.XmlElement | undefined)
        ?.toArray()
        .find((n) => n instanceof Y.XmlElement && n.nodeName === "paragraph");
      const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : undefined;
      if (text instanceof Y.XmlText) {
        text.insert(0, `<h${typed}>`);
        typed += 1;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const nextFrame = generator(SEED);
  let delivered = 0;
  let reopened = 0;
  let closedByServer = 0;
  const open = () =>
    new Promise<WebSocket>((resolve) => {
      const socket = new WebSocket(`${server!.wsUrl}/${DEMO.planId}`, { headers: { cookie } });
      socket.on("error", () => undefined);
      socket.once("open", () => resolve(socket));
      socket.once("unexpected-response", () => resolve(socket));
    });
  // Each frame is followed by an awareness query; its answer (or the socket closing) shows
  // the server has dealt with the frame before the next one goes.
  const QUERY_AWARENESS = Uint8Array.of(3);
  const processed = (socket: WebSocket) =>
    new Promise<void>((resolve) => {
      const done = () => {
        socket.off("message", onMessage);
        socket.off("close", onClose);
        resolve();
      };
      const onMessage = (data: Buffer) => {
        if (data[0] === 1) done();
      };
      const onClose = () => {
        closedByServer += 1;
        done();
      };
      socket.on("message", onMessage);
      socket.once("close", onClose);
    });
  const fuzzLoops = Array.from({ length: SOCKETS }, async () => {
    let socket = await open();
    while (delivered < FRAMES) {
      if (socket.readyState !== WebSocket.OPEN) {
        socket = await open();
        reopened += 1;
        continue;
      }
      const answered = processed(socket);
      socket.send(nextFrame());
      socket.send(QUERY_AWARENESS);
      delivered += 1;
      await answered;
    }
    socket.terminate();
  });
  await Promise.all(fuzzLoops);
  typing = false;
  await typeLoop;

  // The server is up, the honest clients never lost their sockets and still sync.
  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
  for (const client of honest) expect(client.tracker.state.status).not.toBe("closed");
  typeAt(honest[0]!.doc, "<after the storm>", 1);
  await waitFor(() => honest[1]!.text().includes("<after the storm>"), "the honest clients to keep syncing", 20_000);
  await Promise.all(honest.map(whenSaved));
  expect(honest[0]!.text()).toBe(honest[1]!.text());
  const expected = honest[0]!.text();
  expect(await storedPlanText(server.databasePath, DEMO.planId)).toBe(expected);
  // And the stored plan opens again after a restart with the same text.
  for (const client of honest) client.destroy();
  await server.restart();
  const reader = connectClient(server.wsUrl, DEMO.planId, cookie);
  await whenSynced(reader);
  expect(reader.text()).toBe(expected);
  reader.destroy();
  console.log(
    `fuzz: ${delivered} frames, each answered or answered by closing (${closedByServer} closes), on ${reopened + SOCKETS} sockets; ${typed} honest edits; server up, plan intact`,
  );
}, 300_000);
