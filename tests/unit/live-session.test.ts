// A plan page's session opened before the page renders: the page takes that one (one socket),
// and the server's notices that came before the page handled them are handed over in order.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MESSAGE_THREADS_CHANGED } from "../../app/collab/protocol";

let socketsOpened = 0;
class CountedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    socketsOpened += 1;
  }
}

beforeAll(() => {
  // A closed port: the provider keeps trying to connect, which is all these tests need.
  Object.assign(globalThis, { window: { location: { protocol: "http:", host: "127.0.0.1:9" } }, WebSocket: CountedWebSocket });
});
afterAll(() => {
  Reflect.deleteProperty(globalThis, "window");
});

it("the page takes the session opened early for its plan, with the notices that came before", async () => {
  const { openLiveSession, openLiveSessionEarly } = await import("../../app/collab/live-session");
  openLiveSessionEarly("plan-a");
  const session = openLiveSession("plan-a");
  // No opening here (the fetch of a relative address fails outside a page): it connects at once.
  expect(await session.opening).toBeNull();
  expect(socketsOpened).toBe(1);
  // Two notices arrive before the page listens.
  for (let i = 0; i < 2; i += 1) {
    const encoder = encoding.createEncoder();
    session.provider.messageHandlers[MESSAGE_THREADS_CHANGED]!(
      encoder,
      decoding.createDecoder(new Uint8Array()),
      session.provider,
      false,
      MESSAGE_THREADS_CHANGED,
    );
  }
  let heard = 0;
  session.onNotice(MESSAGE_THREADS_CHANGED, () => (heard += 1));
  expect(heard).toBe(2);
  // From now on each is handled as it comes.
  session.provider.messageHandlers[MESSAGE_THREADS_CHANGED]!(
    encoding.createEncoder(),
    decoding.createDecoder(new Uint8Array()),
    session.provider,
    false,
    MESSAGE_THREADS_CHANGED,
  );
  expect(heard).toBe(3);
  // The page opened its session: one asked for early after that is not opened beside it.
  openLiveSessionEarly("plan-a");
  expect(socketsOpened).toBe(1);
  session.close();
});

it("with an opening, the socket waits until the page has applied its state and connects", async () => {
  const { openLiveSession } = await import("../../app/collab/live-session");
  const { encodeOpening } = await import("../../app/collab/opening");
  const plan = new Y.Doc();
  plan.getText("t").insert(0, "opened");
  const body = encodeOpening(new TextEncoder().encode(JSON.stringify({ type: "doc" })), Y.encodeStateAsUpdate(plan));
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async () => new Response(body)) as typeof fetch;
  try {
    const before = socketsOpened;
    const session = openLiveSession("plan-b");
    const opening = await session.opening;
    expect(opening?.content).toEqual({ type: "doc" });
    expect(socketsOpened).toBe(before);
    expect(session.applyOpeningState(opening!)).toBe(true);
    expect(session.doc.getText("t").toString()).toBe("opened");
    expect(socketsOpened).toBe(before);
    session.connect();
    expect(socketsOpened).toBe(before + 1);
    session.close();
  } finally {
    globalThis.fetch = realFetch;
  }
});
