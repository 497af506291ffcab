// Counters the collaboration server keeps for /healthz and the logs.
export interface CollabMetrics {
  connectionsOpened: number;
  refusedUpgrades: number;
  malformed: number;
  rateLimited: number;
  droppedReadOnlyUpdates: number;
  /** Client updates that put structure outside the plan schema (taken out again). */
  outsideSchema: number;
  /** Updates from a suggest-only socket (or under another's name) refused (suggestion-gate.ts). */
  notASuggestion: number;
  /** Client updates refused for writing under another account's Yjs client id. */
  foreignClientUpdates: number;
  /** Sync step 2 answers encoded from the document (the rest were served from a cache). */
  syncAnswersEncoded: number;
  /** Sockets closed because too much was waiting to be sent to them (4507). */
  sendBacklogClosed: number;
  /** Presence states refused because their socket had spoken for its budget of ids. */
  presenceRefused: number;
}

export function newCollabMetrics(): CollabMetrics {
  return {
    connectionsOpened: 0,
    refusedUpgrades: 0,
    malformed: 0,
    rateLimited: 0,
    droppedReadOnlyUpdates: 0,
    outsideSchema: 0,
    notASuggestion: 0,
    foreignClientUpdates: 0,
    syncAnswersEncoded: 0,
    sendBacklogClosed: 0,
    presenceRefused: 0,
  };
}
