// A plan page's live session: its Y.Doc, the websocket that syncs it and the save tracker.
// Opened before React hydrates the page when the page is a plan's (entry.client.tsx), so the
// socket connects and the plan arrives while the page's code renders, instead of after.
import * as decoding from "lib0/decoding";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { takePlanOpening, type PlanOpening } from "./opening";
import { MESSAGE_AUTH, MESSAGE_PLAN_CHANGED, MESSAGE_THREADS_CHANGED } from "./protocol";
import { applyServerState, applyServerUpdatesQuietly, sendOwnPresenceOnly } from "./remote-updates";
import { SaveTracker } from "./save-status";

/** The server's notices the page answers once it has rendered (before, they wait). */
const PAGE_NOTICES = [MESSAGE_AUTH, MESSAGE_PLAN_CHANGED, MESSAGE_THREADS_CHANGED] as const;
type PageNotice = (typeof PAGE_NOTICES)[number];

/** An early session nobody took (the page failed to render, say) is closed after this. */
const UNCLAIMED_SESSION_MS = 15_000;

export interface LiveSession {
  planId: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  tracker: SaveTracker;
  /**
   * What the page can show and edit before the plan's Yjs state is applied (app/collab/opening.ts),
   * or null: the plan then comes through the socket, which connects at once. With an opening, the
   * socket waits for `connect` so that it syncs only what came after the opening's state.
   */
  opening: Promise<PlanOpening | null>;
  /** Applies the opening's state to `doc` (once); false if it could not be. */
  applyOpeningState(opening: PlanOpening): boolean;
  /** Connects the socket (at once when there is no opening). */
  connect(): void;
  /** Handles one of the server's notices from now on, after any that came before. */
  onNotice(type: PageNotice, handle: (decoder: decoding.Decoder) => void): void;
  close(): void;
}

let early: { session: LiveSession; timer: ReturnType<typeof setTimeout> } | null = null;
/** Whether the page has opened its session already (then one opened early would be a second). */
let hasPageOpened = false;

/** Opens the plan's session now, for the page about to render to take (`openLiveSession`). */
export function openLiveSessionEarly(planId: string): void {
  if (early || hasPageOpened) return;
  const session = createSession(planId);
  early = { session, timer: setTimeout(() => takeEarly(planId)?.close(), UNCLAIMED_SESSION_MS) };
}

/** The plan's session: the one opened early for it, or a new one. */
export function openLiveSession(planId: string): LiveSession {
  hasPageOpened = true;
  return takeEarly(planId) ?? createSession(planId);
}

function takeEarly(planId: string): LiveSession | null {
  if (!early) return null;
  const { session, timer } = early;
  early = null;
  clearTimeout(timer);
  if (session.planId === planId) return session;
  session.close();
  return null;
}

function createSession(planId: string): LiveSession {
  const doc = new Y.Doc();
  const serverUrl = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/collab`;
  // Every tab hears the server; copying each update and cursor to the other tabs of this
  // browser too (BroadcastChannel) cost as much as sending it.
  const provider = new WebsocketProvider(serverUrl, planId, doc, { disableBc: true, connect: false });
  let isClosed = false;
  let appliedOpening: PlanOpening | undefined;
  const connect = () => {
    if (!isClosed && !provider.shouldConnect) provider.connect();
  };
  const opening = takePlanOpening(planId).then((value) => {
    if (!value) connect();
    return value;
  });
  applyServerUpdatesQuietly(provider, doc);
  sendOwnPresenceOnly(provider);
  const tracker = new SaveTracker(provider, doc);

  // Notices that arrive before the page handles them are kept, in order, and handed over then.
  const waiting: { type: PageNotice; body: Uint8Array }[] = [];
  for (const type of PAGE_NOTICES) {
    provider.messageHandlers[type] = (_encoder, decoder) => waiting.push({ type, body: decoding.readTailAsUint8Array(decoder) });
  }
  return {
    planId,
    doc,
    provider,
    tracker,
    opening,
    applyOpeningState(value) {
      if (appliedOpening) return appliedOpening === value;
      appliedOpening = value;
      try {
        applyServerState(provider, doc, value.state);
        return true;
      } catch (error) {
        console.error("the plan's opening state could not be applied", error);
        return false;
      }
    },
    connect,
    onNotice(type, handle) {
      provider.messageHandlers[type] = (_encoder, decoder) => handle(decoder);
      for (const notice of waiting.filter((n) => n.type === type)) handle(decoding.createDecoder(notice.body));
      waiting.splice(0, waiting.length, ...waiting.filter((n) => n.type !== type));
    },
    close() {
      isClosed = true;
      tracker.destroy();
      provider.destroy();
      doc.destroy();
    },
  };
}
