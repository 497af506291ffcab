// What the page does with what the server sends, and which presence it sends back, kept cheap on
// a long plan where a hundred updates and a hundred cursor messages arrive a second.
import { messageSync, type WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";

/**
 * From now on, the server's sync messages (its sync steps and updates) are applied as
 * y-websocket applies them, but without the "update" events for them (withoutUpdateEvents).
 * Gathering updates for a few milliseconds into one transaction was tried and dropped: a remote
 * change then often landed between the browser extending a selection and ProseMirror reading it,
 * and the binding restored the old selection (docs/architecture.md, "Others' typing").
 */
export function applyServerUpdatesQuietly(provider: WebsocketProvider, doc: Y.Doc): void {
  const applyMessage = provider.messageHandlers[messageSync]!;
  provider.messageHandlers[messageSync] = (...message) => withoutUpdateEvents(doc, provider, () => applyMessage(...message));
}

/**
 * Runs `apply` (which applies what came from the server) without announcing the provider's
 * transactions as "update" events. Yjs encodes what a transaction integrated just to hand it to
 * "update" listeners, and on the first sync that is the whole plan again (a quarter of the time to
 * open a long plan); this page's listeners (y-websocket's sender, the save tracker) ignore what
 * the provider applied anyway. A change of the page's own made meanwhile (by an observer) is
 * announced as always: the listeners are back before Yjs announces it.
 */
function withoutUpdateEvents(doc: Y.Doc, provider: WebsocketProvider, apply: () => void): void {
  const listeners = doc._observers.get("update");
  if (!listeners) return apply();
  doc._observers.delete("update");
  const restore = () => {
    const addedMeanwhile = doc._observers.get("update");
    if (addedMeanwhile) for (const listener of addedMeanwhile) listeners.add(listener);
    doc._observers.set("update", listeners);
  };
  const onTransaction = (transaction: Y.Transaction) => {
    if (transaction.origin !== provider) restore();
  };
  doc.on("afterTransaction", onTransaction);
  try {
    apply();
  } finally {
    doc.off("afterTransaction", onTransaction);
    restore();
  }
}

/**
 * The provider tells the server of this page's own presence only. y-websocket sends every change
 * to the awareness states, others' included, so each presence message the server relayed came
 * back from every page (the server drops such echoes unread): with twenty people typing, every
 * open page encoded and sent a hundred a second.
 */
export function sendOwnPresenceOnly(provider: WebsocketProvider): void {
  const sendPresence = provider._awarenessUpdateHandler;
  provider.awareness.off("update", sendPresence);
  provider._awarenessUpdateHandler = (changes, origin) => {
    if (origin !== provider) sendPresence(changes, origin);
  };
  provider.awareness.on("update", provider._awarenessUpdateHandler);
}
