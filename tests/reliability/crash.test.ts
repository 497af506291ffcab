// Promise 1 and 2 (docs/reliability.md): every edit acknowledged as Saved survives kill -9
// at any moment, and after each restart every client converges, with nothing duplicated and
// nothing lost that a client still holds. CRASH_KILLS=500 runs the long suite.
import { afterAll, expect, it } from "vitest";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { SaveTracker } from "../../app/collab/save-status";
import { planText } from "../../app/editor/document.server";
import { cookieWebSocket, paragraphText, waitFor } from "../helpers/clients";
import { DEMO, signIn, startServer, storedPlanText, type TestServer } from "../helpers/server";

const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const WRITERS = 20;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);

let server: TestServer | undefined;
afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

interface Writer {
  doc: Y.Doc;
  provider: WebsocketProvider;
  tracker: SaveTracker;
  /** Each token this writer typed, with the change count just after typing it. */
  typed: { token: string; change: number }[];
}

it(`keeps every Saved edit through ${KILLS} kills at random moments (seed ${SEED})`, async () => {
  console.log(`crash suite seed ${SEED} (CRASH_SEED=${SEED} replays it)`);
  let state = SEED;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  server = await startServer();
  const cookie = await signIn(server.url, DEMO.editor);
  const writers: Writer[] = Array.from({ length: WRITERS }, () => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(server!.wsUrl, DEMO.planId, doc, {
      WebSocketPolyfill: cookieWebSocket(cookie) as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 200,
    });
    return { doc, provider, tracker: new SaveTracker(provider, doc), typed: [] };
  });
  const allSynced = () => waitFor(() => writers.every((w) => w.provider.synced), "every writer synced", 20_000);
  await allSynced();

  let typing = true;
  const typeLoops = writers.map(async (writer, w) => {
    for (let n = 0; typing; n += 1) {
      // Each writer types into its own section's first paragraph (six sections: shared).
      const token = `[w${w}.${n}]`;
      const text = paragraphText(writer.doc, w % 6);
      text.insert(text.length, token);
      writer.typed.push({ token, change: writer.tracker.changesMade });
      await new Promise((r) => setTimeout(r, 5 + random() * 40));
    }
  });

  const everAcknowledged = new Set<string>();
  for (let kill = 0; kill < KILLS; kill += 1) {
    await new Promise((r) => setTimeout(r, 50 + random() * 400));
    // What the server has told a client is stored, at the moment of the kill.
    const acknowledged = writers.flatMap((w) => w.typed.filter((t) => t.change <= w.tracker.changesSaved).map((t) => t.token));
    for (const token of acknowledged) everAcknowledged.add(token);
    await server.kill();
    const stored = await storedPlanText(server.databasePath, DEMO.planId);
    const lost = acknowledged.filter((token) => !stored.includes(token));
    expect(lost, `kill ${kill + 1}: acknowledged but not stored`).toEqual([]);
    await server.restart();
  }
  typing = false;
  await Promise.all(typeLoops);

  // Everyone reconnects, sends what the server lacks, and hears it was stored.
  await allSynced();
  await waitFor(() => writers.every((w) => !w.tracker.hasUnsavedChanges), "every writer saved", 20_000);
  const texts = writers.map((w) => planText(w.doc));
  expect(new Set(texts).size).toBe(1);
  const finalText = texts[0]!;
  const tokens = writers.flatMap((w) => w.typed.map((t) => t.token));
  const missing = tokens.filter((token) => !finalText.includes(token));
  const duplicated = tokens.filter((token) => finalText.split(token).length > 2);
  expect(missing).toEqual([]);
  expect(duplicated).toEqual([]);
  expect(await storedPlanText(server.databasePath, DEMO.planId)).toBe(finalText);
  console.log(
    `crash suite: ${KILLS} kills, ${tokens.length} updates typed, ${everAcknowledged.size} acknowledged before a kill, 0 lost, 0 duplicated`,
  );
  for (const w of writers) {
    w.tracker.destroy();
    w.provider.destroy();
  }
}, 600_000);
