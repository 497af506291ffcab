// What the page does with what the server sends, and which presence it sends back, kept cheap on
// a long plan where a hundred updates and a hundred cursor messages arrive a second.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { applyAwarenessUpdate } from "y-protocols/awareness";
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from "y-protocols/sync";
import { messageAwareness, messageSync, type WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { afterNextPaint } from "../utils/after-paint";

/**
 * Others' changes that arrive within this time of the first are applied together, in one Yjs
 * transaction and so one editor transaction: with twenty people typing, a hundred a second
 * arrive, and each applied alone cost the editor, its plugins and the view a whole transaction.
 * Their text shows at most this much later.
 */
const GATHER_MS = 50;

/** Runs before others' changes are applied: the editor reads what the browser did meanwhile. */
const beforeOthersChanges = new WeakMap<Y.Doc, () => void>();

/**
 * `read` runs before gathered changes of others are applied to `doc`. The editor reads the
 * selection the browser has changed and not yet reported (Shift+Arrow): applied first, a remote
 * change made the binding put back the selection as it was. Returns a function that stops it.
 */
export function beforeApplyingOthersChanges(doc: Y.Doc, read: () => void): () => void {
  beforeOthersChanges.set(doc, read);
  return () => {
    if (beforeOthersChanges.get(doc) === read) beforeOthersChanges.delete(doc);
  };
}

/**
 * This person's keystroke, from its key event until the frame that shows it: others' gathered
 * changes wait for that frame rather than run inside it. Applying a batch of them on a 100-page
 * plan is a task of several milliseconds to tens, and one that fell between a key press and its
 * frame delayed the typed letter by as much (the long tail of keystroke to paint).
 */
const typingUntilPainted = new WeakMap<Y.Doc, { isWaiting: boolean; whenPainted: (() => void) | null }>();

/** Others' changes to `doc` wait while a key pressed in `target` is not painted yet. Returns a
 * function that stops it. */
export function holdOthersChangesWhileTyping(doc: Y.Doc, target: HTMLElement): () => void {
  const typing = { isWaiting: false, whenPainted: null as (() => void) | null };
  let cancelWait = () => {};
  const painted = () => {
    cancelWait();
    if (!typing.isWaiting) return;
    typing.isWaiting = false;
    const then = typing.whenPainted;
    typing.whenPainted = null;
    then?.();
  };
  const onKey = () => {
    if (typing.isWaiting) return;
    typing.isWaiting = true;
    // No frames in a hidden tab: others' changes are not held for long.
    cancelWait = afterNextPaint(painted, 100);
  };
  typingUntilPainted.set(doc, typing);
  target.addEventListener("keydown", onKey, true);
  target.addEventListener("beforeinput", onKey, true);
  return () => {
    target.removeEventListener("keydown", onKey, true);
    target.removeEventListener("beforeinput", onKey, true);
    if (typingUntilPainted.get(doc) === typing) typingUntilPainted.delete(doc);
    painted();
  };
}

/**
 * From now on, the server's sync messages are applied without the "update" events for them
 * (withoutUpdateEvents). Once synced, the server's updates (others' changes) are gathered for
 * GATHER_MS and applied together; anything else the server says in the sync protocol (its sync
 * steps on a reconnection) applies what was gathered first, then itself, as y-websocket does.
 * Others' presence (their carets) is gathered with them and applied after them, merged into one
 * awareness change: each caret message redrew every caret in an editor transaction, a hundred a
 * second with twenty people typing, and one of them ran in nearly every frame that showed a
 * keystroke. After the changes, so a caret in text that came in the same batch finds its place.
 */
export function applyServerUpdatesQuietly(provider: WebsocketProvider, doc: Y.Doc): void {
  const applyMessage = provider.messageHandlers[messageSync]!;
  const gathered: Uint8Array[] = [];
  const gatheredPresence: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const applyGatheredUnlessTyping = () => {
    const typing = typingUntilPainted.get(doc);
    if (typing?.isWaiting) typing.whenPainted = applyGathered;
    else applyGathered();
  };
  const applyGathered = () => {
    clearTimeout(timer);
    timer = undefined;
    if (doc.isDestroyed) return;
    if (gathered.length > 0) {
      const updates = gathered.splice(0);
      beforeOthersChanges.get(doc)?.();
      withoutUpdateEvents(doc, provider, () =>
        Y.transact(
          doc,
          () => {
            for (const update of updates) Y.applyUpdate(doc, update, provider);
          },
          provider,
        ),
      );
    }
    const presence = gatheredPresence.splice(0);
    // Gathered before a disconnection, which removed everyone's caret: they stay removed.
    if (presence.length > 0 && provider.wsconnected) applyAwarenessUpdate(provider.awareness, mergeAwarenessUpdates(presence), provider);
  };
  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    if (provider.synced) {
      const message = decoding.clone(decoder);
      if (decoding.readVarUint(message) === messageYjsUpdate) {
        gathered.push(decoding.readVarUint8Array(message));
        timer ??= setTimeout(applyGatheredUnlessTyping, GATHER_MS);
        return; // nothing to answer: y-websocket sends an empty encoder nowhere
      }
    }
    applyGathered();
    withoutUpdateEvents(doc, provider, () => applyMessage(encoder, decoder, ...rest));
  };
  provider.messageHandlers[messageAwareness] = (_encoder, decoder) => {
    gatheredPresence.push(decoding.readVarUint8Array(decoder));
    timer ??= setTimeout(applyGatheredUnlessTyping, GATHER_MS);
  };
}

/**
 * Awareness updates (each a list of client, clock, state) as one: per client the entry with the
 * highest clock, and of two with the same clock the removal, as applying them one by one would
 * leave it.
 */
export function mergeAwarenessUpdates(updates: Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0]!;
  const latest = new Map<number, { clock: number; state: string }>();
  for (const update of updates) {
    const decoder = decoding.createDecoder(update);
    try {
      for (let count = decoding.readVarUint(decoder); count > 0; count--) {
        const client = decoding.readVarUint(decoder);
        const clock = decoding.readVarUint(decoder);
        const state = decoding.readVarString(decoder);
        const known = latest.get(client);
        if (!known || clock > known.clock || (clock === known.clock && state === "null")) latest.set(client, { clock, state });
      }
    } catch (error) {
      // Cut short: what was read of it stands, as applying it alone would have left it; the
      // others' carets in the batch are not lost with it.
      console.warn("a presence message could not be read", error);
    }
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, latest.size);
  for (const [client, { clock, state }] of latest) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Applies a whole state the server sent (a plan's opening), quietly as its sync messages are.
 * Until the server's first sync step 1: if the page has changed nothing since, it answers that
 * it has nothing the server lacks. Yjs's answer would hold every deletion in the state, and the
 * server would build the plan's document (most of a second on a 100-page plan) only to find it
 * knows them all.
 */
export function applyServerState(provider: WebsocketProvider, doc: Y.Doc, state: Uint8Array): void {
  withoutUpdateEvents(doc, provider, () => Y.applyUpdate(doc, state, provider));
  const applied = Y.snapshot(doc);
  const handle = provider.messageHandlers[messageSync]!;
  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    if (decoding.readVarUint(decoding.clone(decoder)) !== messageYjsSyncStep1) return handle(encoder, decoder, ...rest);
    provider.messageHandlers[messageSync] = handle;
    if (!Y.equalSnapshots(Y.snapshot(doc), applied)) return handle(encoder, decoder, ...rest);
    encoding.writeVarUint(encoder, messageSync);
    encoding.writeVarUint(encoder, messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, NOTHING);
  };
}

/** An update that adds nothing. */
const NOTHING = Y.encodeStateAsUpdate(new Y.Doc());

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
