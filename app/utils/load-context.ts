// What the server process hands every loader and action (server/app.ts builds it).
// Declared here so the app depends on this shape, never on server/ itself.
import type { AnchorPlace, AnchorRequest, PreparedAnchor } from "../editor/comment-anchors";
import type { PreparedRestore } from "../editor/restore";
import type {
  ResolveSuggestionsResult,
  SuggestionResolution,
  SuggestionTarget,
  SuggestTextInput,
  SuggestTextResult,
} from "../editor/suggestion-edits";
import type { SuggestionInDocument } from "../editor/suggestion-marks";
export interface PresenceSummary {
  id: number;
  name: string;
  color: string;
}

/** What loaders and actions may ask of the collaboration server. */
export interface CollabServices {
  onlineUsers(planId: string): Promise<PresenceSummary[]>;
  /** Every open page of the plan reloads its details. */
  notifyPlanChanged(planId: string): void;
  /** The live document's state when the plan is open in this process, else null. */
  documentState(planId: string): Promise<Uint8Array | null>;
  /** Every open page of the plan fetches its comment threads again. */
  notifyThreadsChanged(planId: string): void;
  /** Adds a comment mark for a person (docs/comments.md); `check` may throw to refuse. */
  markComment(
    planId: string,
    userId: number,
    anchor: AnchorRequest,
    threadId: string,
    check: (sectionId: string) => Promise<void>,
  ): Promise<PreparedAnchor>;
  /** Where each comment thread's passage is now. */
  commentAnchors(planId: string): Promise<Map<string, AnchorPlace>>;
  /** Saves a named version of the plan as it is now; its id, or null when asked too often. */
  saveNamedVersion(planId: string, userId: number, name: string, note: string): Promise<number | null>;
  /** Restores a version (or one section of it) as a forward change by `userId`. */
  restoreVersion(
    planId: string,
    userId: number,
    version: { state: Uint8Array; name: string },
    sectionId?: string,
  ): Promise<PreparedRestore | { ok: false; reason: "tooLarge" | "rateLimited" }>;
  /** Proposes replacing the one occurrence of `find` in a section as `userId`'s suggestion
   * (docs/suggestions.md); stored, and its row written, before this returns. */
  suggestText(planId: string, userId: number, input: SuggestTextInput): Promise<SuggestTextResult>;
  /** Accepts or rejects suggestions as one edit of `userId`'s, and records it. */
  resolveSuggestions(
    planId: string,
    userId: number,
    target: SuggestionTarget,
    resolution: SuggestionResolution,
    options?: { reason?: string; partly?: boolean },
  ): Promise<ResolveSuggestionsResult>;
  /** The suggestions the live document holds now (an open row missing here is outdated). */
  suggestionsInPlan(planId: string): Promise<SuggestionInDocument[]>;
  /** Every open page of the plan fetches its suggestions (and threads) again. */
  notifySuggestionsChanged(planId: string): void;
  /** The ids of the plan's sections now. */
  sectionIds(planId: string): Promise<Set<string>>;
  /** Records a sign-off answer; for an approval, `record` gets the id of the version of the
   * text approved (saved now). `target`: the section, or null for the whole plan. */
  answerSignOff<T>(
    planId: string,
    target: string | null,
    isApproval: boolean,
    record: (versionId: number | null) => Promise<T>,
  ): Promise<T>;
  /** Sign-offs were asked or cancelled: the collaboration server reads what edits withdraw. */
  signOffsChanged(planId: string): Promise<void>;
  /** Applies a changed role or membership to the user's open sockets at once. */
  refreshMember(planId: string, userId: number): Promise<void>;
  /** Closes the open sockets of a session that signed out, on every instance. */
  endSession(sessionId: string, userId: number): Promise<void>;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The caller's network address, for sign-in throttling. */
    clientAddress: string;
    /** A fresh nonce for this response's inline scripts (Content-Security-Policy). */
    cspNonce: string;
    /** The collaboration server's services (server/collab/services.ts). */
    collab: CollabServices;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
