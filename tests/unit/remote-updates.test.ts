// The server's updates are applied without being encoded again for the page's listeners, and
// once synced gathered into one transaction with others' presence after them; the page sends
// only its own presence.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import { messageAwareness, messageSync, WebsocketProvider } from "y-websocket";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { afterEach, expect, it } from "vitest";
import {
  applyServerUpdatesQuietly,
  beforeApplyingOthersChanges,
  holdOthersChangesWhileTyping,
  mergeAwarenessUpdates,
  sendOwnPresenceOnly,
} from "../../app/collab/remote-updates";

const providers: WebsocketProvider[] = [];
afterEach(() => providers.splice(0).forEach((provider) => provider.destroy()));

function offlineProvider(doc: Y.Doc): WebsocketProvider {
  const provider = new WebsocketProvider("ws://127.0.0.1:9", "plan", doc, {
    connect: false,
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  providers.push(provider);
  return provider;
}

/** Hands a message to the provider as if the server had sent it. */
function receive(provider: WebsocketProvider, message: Uint8Array) {
  const decoder = decoding.createDecoder(message);
  const type = decoding.readVarUint(decoder);
  provider.messageHandlers[type]!(encoding.createEncoder(), decoder, provider, true, type);
}

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Three keystrokes by someone else, each its own update. */
function othersTyping(): Uint8Array[] {
  const other = new Y.Doc();
  const updates: Uint8Array[] = [];
  other.on("update", (update: Uint8Array) => updates.push(update));
  const text = other.getText("t");
  for (const letter of "abc") text.insert(text.length, letter);
  return updates;
}

it("applies the server's updates at once until synced, with the provider as origin, as y-websocket does", () => {
  const doc = new Y.Doc();
  const provider = offlineProvider(doc);
  applyServerUpdatesQuietly(provider, doc);
  const origins: unknown[] = [];
  doc.on("afterTransaction", (transaction: Y.Transaction) => origins.push(transaction.origin));
  for (const update of othersTyping())
    receive(
      provider,
      syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update)),
    );
  expect(doc.getText("t").toString()).toBe("abc");
  expect(origins).toEqual([provider, provider, provider]);
});

it("once synced, gathers the server's updates into one transaction, after the editor has read the browser's pending changes", async () => {
  const doc = new Y.Doc();
  const provider = offlineProvider(doc);
  applyServerUpdatesQuietly(provider, doc);
  provider.synced = true;
  const events: string[] = [];
  const stop = beforeApplyingOthersChanges(doc, () => events.push(`read pending, text "${doc.getText("t").toString()}"`));
  doc.on("afterTransaction", (transaction: Y.Transaction) => {
    if (transaction.origin === provider) events.push(`applied "${doc.getText("t").toString()}"`);
  });
  for (const update of othersTyping())
    receive(
      provider,
      syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update)),
    );
  expect(doc.getText("t").toString()).toBe("");
  await expect.poll(() => events).toEqual(['read pending, text ""', 'applied "abc"']);

  // Anything else of the sync protocol (a reconnection's sync step) applies what was gathered first.
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  const more: Uint8Array[] = [];
  other.on("update", (update: Uint8Array) => more.push(update));
  other.getText("t").insert(3, "d");
  receive(
    provider,
    syncMessage((encoder) => syncProtocol.writeUpdate(encoder, more[0]!)),
  );
  other.getText("t").insert(4, "e");
  receive(
    provider,
    syncMessage(
      (encoder) => (
        encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2),
        encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(other))
      ),
    ),
  );
  expect(doc.getText("t").toString()).toBe("abcde");
  expect(events.slice(2)).toEqual(['read pending, text "abc"', 'applied "abcd"', 'applied "abcde"']);
  stop();
});

it("does not encode the server's updates for the page's listeners, yet announces a change an observer makes meanwhile", async () => {
  const doc = new Y.Doc();
  const provider = offlineProvider(doc);
  applyServerUpdatesQuietly(provider, doc);
  const announced: unknown[] = [];
  doc.on("update", (_update: Uint8Array, origin: unknown) => announced.push(origin));
  // An observer that answers others' typing with a change of its own (as a plugin might).
  const text = doc.getText("t");
  text.observe((event) => {
    if (event.transaction.origin === provider && !text.toString().endsWith("!")) doc.transact(() => text.insert(text.length, "!"), "page");
  });
  const typed = Y.mergeUpdates(othersTyping());
  receive(
    provider,
    syncMessage((encoder) => syncProtocol.writeUpdate(encoder, typed)),
  );
  expect(text.toString()).toBe("abc!");
  expect(announced).toEqual(["page"]);
  // The first sync's whole plan is applied the same way.
  const first = Y.encodeStateAsUpdate(doc);
  const fresh = new Y.Doc();
  const freshProvider = offlineProvider(fresh);
  applyServerUpdatesQuietly(freshProvider, fresh);
  const freshAnnounced: unknown[] = [];
  fresh.on("update", (_update: Uint8Array, origin: unknown) => freshAnnounced.push(origin));
  receive(
    freshProvider,
    syncMessage(
      (encoder) => (encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2), encoding.writeVarUint8Array(encoder, first)),
    ),
  );
  expect(fresh.getText("t").toString()).toBe("abc!");
  expect(freshAnnounced).toEqual([]);
  // Listeners are all back afterwards: a change of the page's own is announced.
  fresh.getText("t").insert(0, ">");
  expect(freshAnnounced).toEqual([null]);
});

it("sends this page's presence, never others' presence back to the server", () => {
  const doc = new Y.Doc();
  const provider = offlineProvider(doc);
  sendOwnPresenceOnly(provider);
  const sent: Uint8Array[] = [];
  // With no socket and no BroadcastChannel, broadcastMessage reaches nothing: count the encodes.
  const handler = provider._awarenessUpdateHandler;
  provider.awareness.off("update", handler);
  provider.awareness.on("update", (changes: never, origin: unknown) => {
    if (origin !== provider) sent.push(new Uint8Array());
    handler(changes, origin);
  });
  const other = new Awareness(new Y.Doc());
  other.setLocalState({ cursor: 1 });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1); // messageAwareness
  encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(other, [other.clientID]));
  receive(provider, encoding.toUint8Array(encoder));
  expect(provider.awareness.getStates().has(other.clientID)).toBe(true);
  provider.awareness.setLocalStateField("cursor", 2);
  expect(sent).toHaveLength(1);
});

it("holds others' gathered changes from this person's key press until the frame that shows it", async () => {
  const doc = new Y.Doc();
  const provider = offlineProvider(doc);
  applyServerUpdatesQuietly(provider, doc);
  provider.synced = true;
  const frames: (() => void)[] = [];
  const realFrame = globalThis.requestAnimationFrame;
  const realCancelFrame = globalThis.cancelAnimationFrame;
  globalThis.requestAnimationFrame = (callback) => frames.push(() => callback(0));
  globalThis.cancelAnimationFrame = () => undefined;
  const editorElement = new EventTarget();
  const stop = holdOthersChangesWhileTyping(doc, editorElement as HTMLElement);
  try {
    editorElement.dispatchEvent(new Event("keydown"));
    for (const update of othersTyping())
      receive(
        provider,
        syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update)),
      );
    const typist = new Awareness(new Y.Doc());
    typist.setLocalState({ cursor: 3 });
    provider.wsconnected = true;
    receive(provider, presenceMessage(typist));
    // Past the gathering time, the key's frame not painted yet: nothing applied.
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(doc.getText("t").toString()).toBe("");
    expect(provider.awareness.getStates().has(typist.clientID)).toBe(false);
    frames.shift()!();
    await expect.poll(() => doc.getText("t").toString()).toBe("abc");
    expect(provider.awareness.getStates().get(typist.clientID)).toEqual({ cursor: 3 });
    // No key waiting: gathered and applied as before.
    const later = new Y.Doc();
    Y.applyUpdate(later, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(later);
    later.getText("t").insert(3, "d");
    receive(
      provider,
      syncMessage((encoder) => syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(later, before))),
    );
    await expect.poll(() => doc.getText("t").toString()).toBe("abcd");
    expect(frames).toHaveLength(0);
  } finally {
    stop();
    globalThis.requestAnimationFrame = realFrame;
    globalThis.cancelAnimationFrame = realCancelFrame;
  }
});

/** A presence message from the server: `other`'s awareness state, as y-websocket frames it. */
function presenceMessage(other: Awareness): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageAwareness);
  encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(other, [other.clientID]));
  return encoding.toUint8Array(encoder);
}

it("gathers others' presence with their changes and applies it after them, as one change", async () => {
  const doc = new Y.Doc();
  const provider = offlineProvider(doc);
  applyServerUpdatesQuietly(provider, doc);
  provider.synced = true;
  provider.wsconnected = true;
  const events: string[] = [];
  doc.on("afterTransaction", (transaction: Y.Transaction) => {
    if (transaction.origin === provider) events.push(`text "${doc.getText("t").toString()}"`);
  });
  provider.awareness.on("change", ({ added, updated }: { added: number[]; updated: number[] }) =>
    events.push(`presence of ${added.length + updated.length}`),
  );
  const typist = new Awareness(new Y.Doc());
  const reader = new Awareness(new Y.Doc());
  const leaving = new Awareness(new Y.Doc());
  leaving.setLocalState({ cursor: 0 });
  receive(provider, presenceMessage(leaving));
  await expect.poll(() => provider.awareness.getStates().has(leaving.clientID)).toBe(true);
  events.splice(0);

  // Three keystrokes, each with its caret after it; a reader's caret; someone leaving.
  const updates = othersTyping();
  updates.forEach((update, index) => {
    receive(
      provider,
      syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update)),
    );
    typist.setLocalState({ cursor: index + 1 });
    receive(provider, presenceMessage(typist));
  });
  reader.setLocalState({ cursor: 0 });
  receive(provider, presenceMessage(reader));
  leaving.setLocalState(null);
  receive(provider, presenceMessage(leaving));
  expect(provider.awareness.getStates().has(typist.clientID)).toBe(false);
  await expect.poll(() => events).toEqual(['text "abc"', "presence of 2"]);
  expect(provider.awareness.getStates().get(typist.clientID)).toEqual({ cursor: 3 });
  expect(provider.awareness.getStates().get(reader.clientID)).toEqual({ cursor: 0 });
  expect(provider.awareness.getStates().has(leaving.clientID)).toBe(false);

  // Presence gathered when the socket closes is not applied after y-websocket removed everyone's.
  typist.setLocalState({ cursor: 9 });
  receive(provider, presenceMessage(typist));
  provider.wsconnected = false;
  await new Promise((resolve) => setTimeout(resolve, 120));
  expect(provider.awareness.getStates().get(typist.clientID)).toEqual({ cursor: 3 });
});

it("merges presence messages as applying them one by one would, skipping one that cannot be read", () => {
  const person = new Awareness(new Y.Doc());
  const update = () => encodeAwarenessUpdate(person, [person.clientID]);
  person.setLocalState({ cursor: 1 });
  const first = update();
  person.setLocalState({ cursor: 2 });
  const second = update();
  const removal = encodeAwarenessUpdate(person, [person.clientID], new Map()); // same clock, no state
  const broken = second.slice(0, second.length - 3);
  const apply = (merged: Uint8Array) => {
    const page = new Awareness(new Y.Doc());
    applyAwarenessUpdate(page, merged, "server");
    return page.getStates().get(person.clientID);
  };
  expect(apply(mergeAwarenessUpdates([second, first]))).toEqual({ cursor: 2 });
  expect(apply(mergeAwarenessUpdates([first, second, removal]))).toBeUndefined();
  expect(apply(mergeAwarenessUpdates([first, broken]))).toEqual({ cursor: 1 });
});
