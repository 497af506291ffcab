// Others' changes are applied together, not one message at a time. On a long plan with twenty
// people typing a hundred updates arrive a second, and each applied alone was a whole editor
// transaction (the binding rebuilds the document's top level, every plugin runs, the page
// re-renders what changed). Gathered for a few milliseconds, they are one Yjs transaction and
// so one editor transaction; nobody sees others' words 40 ms later.
import * as decoding from "lib0/decoding";
import { messageYjsUpdate } from "y-protocols/sync";
import { messageSync, type WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

export const REMOTE_BATCH_MS = 40;

/**
 * From now on, the provider's updates from the server wait up to `REMOTE_BATCH_MS` and are applied
 * in one transaction (with the provider as origin, as y-websocket applies them). Any other sync
 * message (the server's sync steps) first applies what waits, so the order stays the server's.
 * Returns a function that applies what waits and stops the timer.
 */
export function batchRemoteUpdates(provider: WebsocketProvider, doc: Y.Doc, delayMs = REMOTE_BATCH_MS): () => void {
  const applyMessage = provider.messageHandlers[messageSync]!;
  let waiting: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const applyWaiting = () => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const updates = waiting;
    waiting = [];
    try {
      withoutUpdateEvents(doc, provider, () =>
        doc.transact(() => {
          for (const update of updates) Y.applyUpdate(doc, update, provider);
        }, provider),
      );
    } catch (error) {
      // As y-protocols does for one update: an observer's error must not stop the connection.
      console.error("Caught error while handling Yjs updates", error);
    }
  };
  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    if (decoding.peekVarUint(decoder) === messageYjsUpdate) {
      decoding.readVarUint(decoder);
      waiting.push(decoding.readVarUint8Array(decoder));
      if (delayMs === 0) applyWaiting();
      else timer ??= setTimeout(applyWaiting, delayMs);
      return;
    }
    applyWaiting();
    withoutUpdateEvents(doc, provider, () => applyMessage(encoder, decoder, ...rest));
  };
  return applyWaiting;
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
