// Real y-websocket clients in Node, signed in with a session cookie, and small helpers to
// edit and read the plan document the way the editor's schema lays it out.
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { MESSAGE_PLAN_CHANGED, MESSAGE_THREADS_CHANGED } from "../../app/collab/protocol";
import { applyServerState } from "../../app/collab/remote-updates";
import { SaveTracker } from "../../app/collab/save-status";
import { planText, PLAN_FRAGMENT } from "../../app/editor/document.server";

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  tracker: SaveTracker;
  /** The accepted text (open suggestions left out, as every reader shows the plan). */
  text(): string;
  /** Every character, open suggestions' words included. */
  allText(): string;
  destroy(): void;
}

export function cookieWebSocket(cookie: string | undefined, origin?: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      const headers: Record<string, string> = {};
      if (cookie) headers.cookie = cookie;
      if (origin) headers.origin = origin;
      super(address, protocols, { headers });
    }
  } as typeof WebSocket;
}

/** `initialState`: applied before the socket connects, as the page applies its plan's opening. */
export function connectClient(wsUrl: string, planId: string, cookie: string, options: { initialState?: Uint8Array } = {}): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, planId, doc, {
    WebSocketPolyfill: cookieWebSocket(cookie) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: !options.initialState,
  });
  if (options.initialState) {
    applyServerState(provider, doc, options.initialState);
    provider.connect();
  }
  // The page reloads details or threads on these notices; a test client has nothing to reload.
  provider.messageHandlers[MESSAGE_PLAN_CHANGED] = () => undefined;
  provider.messageHandlers[MESSAGE_THREADS_CHANGED] = () => undefined;
  const tracker = new SaveTracker(provider, doc);
  return {
    doc,
    provider,
    tracker,
    text: () => planText(doc),
    allText: () => rawPlanText(doc),
    destroy: () => {
      tracker.destroy();
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function whenSynced(client: TestClient): Promise<void> {
  return waitFor(() => client.provider.synced, "sync");
}

export function whenSaved(client: TestClient): Promise<void> {
  // The acknowledgement itself: the page's "Saved" also waits for the text to be still.
  return waitFor(() => client.tracker.isEverythingStored, "the server's Saved acknowledgement");
}

/** The XmlText of the first paragraph of section `sectionIndex`. */
export function paragraphText(doc: Y.Doc, sectionIndex = 0): Y.XmlText {
  const section = doc.getXmlFragment(PLAN_FRAGMENT).get(sectionIndex) as Y.XmlElement;
  const paragraph = section.toArray().find((node) => node instanceof Y.XmlElement && node.nodeName === "paragraph") as Y.XmlElement;
  return paragraph.get(0) as Y.XmlText;
}

export function typeAt(doc: Y.Doc, text: string, sectionIndex = 0, index = 0): void {
  paragraphText(doc, sectionIndex).insert(index, text);
}

/** Opens a raw socket; resolves with it once open, or rejects with the HTTP status. */
export function openRawSocket(wsUrl: string, planId: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsUrl}/${planId}`, { headers });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
    socket.once("error", reject);
  });
}

export function whenClosed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** Every character of the plan, open suggestions' words included. */
export function rawPlanText(doc: Y.Doc): string {
  const texts: string[] = [];
  const walk = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText) => {
    if (node instanceof Y.XmlText)
      texts.push(
        node
          .toDelta()
          .map((op: { insert?: unknown }) => (typeof op.insert === "string" ? op.insert : ""))
          .join(""),
      );
    else for (const child of node.toArray()) walk(child as Y.XmlElement | Y.XmlText);
  };
  walk(doc.getXmlFragment(PLAN_FRAGMENT));
  return texts.join("\n");
}
