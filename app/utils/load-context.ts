// What the server process hands every loader and action (server/app.ts builds it).
// Declared here so the app depends on this shape, never on server/ itself.
export interface PresenceSummary {
  id: number;
  name: string;
  color: string;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The caller's network address, for sign-in throttling. */
    clientAddress: string;
    /** A fresh nonce for this response's inline scripts (Content-Security-Policy). */
    cspNonce: string;
    collab: {
      onlineUsers(planId: string): Promise<PresenceSummary[]>;
      /** Every open page of the plan reloads its details. */
      notifyPlanChanged(planId: string): void;
      /** The live document's state when the plan is open in this process, else null. */
      documentState(planId: string): Promise<Uint8Array | null>;
      /** Applies a changed role or membership to the user's open sockets at once. */
      refreshMember(planId: string, userId: number): Promise<void>;
    };
  }
  interface Future {
    v3_singleFetch: true;
  }
}

export {};
