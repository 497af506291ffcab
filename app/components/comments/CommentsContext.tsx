// The plan's comment threads for everything on the page that shows them (the panel, the
// outline's counts, the Comment buttons): fetched from the API, fetched again when the
// server says they changed, with the active thread and the comments being written. Each new
// comment belongs to its place (Google Docs' drafts): starting another one elsewhere keeps a
// draft that has text where it was, and drops only empty ones.
import { TextSelection } from "@tiptap/pm/state";
import type { Editor } from "@tiptap/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import type { WebsocketProvider } from "y-websocket";
import { can, type Role } from "../../models/roles";
import { fetchSuggestions } from "../suggestions/api";
import { suggestionIdOfKey, type SuggestionView } from "../suggestions/types";
import { fetchThreads } from "./api";
import { updateCommentHighlights } from "./highlights";
import { documentPlaces } from "./positions";
import type { Person, RoundSummary, Thread } from "./types";

/** A comment being written; `key` names its place (and its card). */
export type Draft = { key: string; kind: "text" } | { key: string; kind: "section"; sectionId: string };

export type StatusFilter = "open" | "resolved" | "all";

export interface ThreadFilters {
  status: StatusFilter;
  /** "" for every section. */
  sectionId: string;
  /** "" for every organisation. */
  organisation: string;
  mentionsMe: boolean;
  /** Comment threads, suggestions, or both. */
  kind: "all" | "comments" | "suggestions";
}

const DEFAULT_FILTERS: ThreadFilters = { status: "open", sectionId: "", organisation: "", mentionsMe: false, kind: "all" };

interface CommentsValue {
  planId: string;
  editor: Editor;
  userId: number;
  canComment: boolean;
  canDispose: boolean;
  /** The text has arrived from the server: a passage missing from it now is gone. */
  hasText: boolean;
  threads: Thread[];
  /** Suggestions as the server last said (docs/suggestions.md); the open ones are also read
   * live off the text (comments/positions.ts). */
  suggestions: SuggestionView[];
  members: Person[];
  /** Ids of the members a thread may be assigned to. */
  assignable: number[];
  rounds: RoundSummary[];
  loadState: "loading" | "ready" | "failed";
  reload(): void;
  /** A thread as an API call returned it: shown at once, then everything fetched again. */
  applyThread(thread: Thread): void;
  forgetThread(threadId: string): void;
  openCountBySection: ReadonlyMap<string, number>;
  activeThreadId: string | null;
  /** A thread's id or a suggestion's card key (suggestions/types.ts). `showPassage`: select
   * and scroll to its text; `showCard`: scroll its card into view. */
  activateThread(threadId: string | null, options?: { showPassage?: boolean; showCard?: boolean }): void;
  /** Bumped each time a card asks to be scrolled into view. */
  cardRequest: { threadId: string; serial: number } | null;
  drafts: Draft[];
  /** The draft being written in, when it is not a thread that is active. */
  activeDraftKey: string | null;
  /** Opens a composer on the selected text; false when nothing is selected. */
  startTextComment(): boolean;
  /** Opens a composer on a section, or goes back to the one already open there. */
  startSectionComment(sectionId: string): void;
  focusDraft(draftKey: string): void;
  closeDraft(draftKey: string): void;
  /** What each draft's composer holds, so an empty draft can be dropped when another starts. */
  draftBodies: Map<string, string>;
  filters: ThreadFilters;
  setFilters(change: Partial<ThreadFilters>): void;
  /** Replies being written, by thread: kept while a card closes and opens again. */
  replyDrafts: Map<string, string>;
}

const CommentsContext = createContext<CommentsValue | null>(null);

export function useComments(): CommentsValue {
  const value = useContext(CommentsContext);
  if (!value) throw new Error("useComments outside CommentsProvider");
  return value;
}

/** For components that also render where comments are not shown. */
export function useOptionalComments(): CommentsValue | null {
  return useContext(CommentsContext);
}

export function CommentsProvider({
  planId,
  editor,
  provider,
  userId,
  role,
  threadsVersion,
  children,
}: {
  planId: string;
  editor: Editor;
  provider: WebsocketProvider;
  userId: number;
  role: Role;
  /** Bumped by the workspace whenever the server says the threads changed. */
  threadsVersion: number;
  children: ReactNode;
}) {
  const canComment = can(role, "plan.comment");
  const canDispose = can(role, "comment.dispose");
  const hasText = useSyncExternalStore(
    (onChange) => {
      provider.on("sync", onChange);
      return () => provider.off("sync", onChange);
    },
    () => provider.synced,
    () => false,
  );
  const [data, setData] = useState<{ threads: Thread[]; members: Person[]; assignable: number[]; rounds: RoundSummary[] }>({
    threads: [],
    members: [],
    assignable: [],
    rounds: [],
  });
  const [suggestions, setSuggestions] = useState<SuggestionView[]>([]);
  const [loadState, setLoadState] = useState<CommentsValue["loadState"]>("loading");
  const [ownVersion, setOwnVersion] = useState(0);
  const [activeThreadId, setActiveThreadId] = useState<string | null>(null);
  const [cardRequest, setCardRequest] = useState<CommentsValue["cardRequest"]>(null);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [activeDraftKey, setActiveDraftKey] = useState<string | null>(null);
  const draftBodies = useRef(new Map<string, string>()).current;
  const draftSerial = useRef(0);
  // The drafts as last set, for starting one before React has rendered the previous change.
  const latestDrafts = useRef(drafts);
  latestDrafts.current = drafts;
  const [filters, setFilterState] = useState<ThreadFilters>(DEFAULT_FILTERS);

  useEffect(() => {
    // The newest request wins: an older answer still on its way is dropped.
    const controller = new AbortController();
    fetchThreads(planId, controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        if (result.ok && Array.isArray(result.value.threads)) {
          setData({
            threads: result.value.threads,
            members: result.value.members ?? [],
            assignable: result.value.assignable ?? [],
            rounds: result.value.rounds ?? [],
          });
          setLoadState("ready");
        } else {
          setLoadState((state) => (state === "ready" ? state : "failed"));
        }
      },
      () => undefined,
    );
    fetchSuggestions(planId, controller.signal).then(
      (result) => {
        if (!controller.signal.aborted && result.ok && Array.isArray(result.value.suggestions)) setSuggestions(result.value.suggestions);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [planId, threadsVersion, ownVersion]);

  const reload = useCallback(() => setOwnVersion((version) => version + 1), []);

  const applyThread = useCallback(
    (thread: Thread) => {
      setData((current) => {
        const exists = current.threads.some((t) => t.id === thread.id);
        const threads = exists ? current.threads.map((t) => (t.id === thread.id ? thread : t)) : [...current.threads, thread];
        return { ...current, threads };
      });
      reload();
    },
    [reload],
  );

  const forgetThread = useCallback(
    (threadId: string) => {
      setData((current) => ({ ...current, threads: current.threads.filter((t) => t.id !== threadId) }));
      reload();
    },
    [reload],
  );

  const activateThread = useCallback<CommentsValue["activateThread"]>(
    (threadId, options = {}) => {
      setActiveThreadId(threadId);
      if (threadId) setActiveDraftKey(null);
      if (threadId && options.showCard) setCardRequest((request) => ({ threadId, serial: (request?.serial ?? 0) + 1 }));
      if (threadId && options.showPassage) {
        const thread = data.threads.find((t) => t.id === threadId);
        if (thread) showPassage(editor, thread);
      }
    },
    [editor, data.threads],
  );

  const closeDraft = useCallback(
    (draftKey: string) => {
      latestDrafts.current = latestDrafts.current.filter((d) => d.key !== draftKey);
      setDrafts(latestDrafts.current);
      setActiveDraftKey((key) => (key === draftKey ? null : key));
      draftBodies.delete(draftKey);
      updateCommentHighlights(editor.view, { pending: { draftKey, range: null } });
    },
    [editor, draftBodies],
  );

  /** Opens `draft` (or brings back the one with its key) and drops the other drafts that are
   * still empty: nothing typed is ever dropped. */
  const openDraft = useCallback(
    (draft: Draft) => {
      const current = latestDrafts.current;
      const kept = current.filter((d) => d.key === draft.key || draftBodies.get(d.key)?.trim());
      for (const dropped of current.filter((d) => !kept.includes(d))) {
        draftBodies.delete(dropped.key);
        updateCommentHighlights(editor.view, { pending: { draftKey: dropped.key, range: null } });
      }
      const existing = kept.findIndex((d) => d.key === draft.key);
      // A new object even for a draft already open: its composer takes the caret again.
      const next = existing >= 0 ? kept.map((d, i) => (i === existing ? { ...d } : d)) : [...kept, draft];
      latestDrafts.current = next;
      setDrafts(next);
      setActiveThreadId(null);
      setActiveDraftKey(draft.key);
    },
    [editor, draftBodies],
  );

  const startTextComment = useCallback(() => {
    const { from, to, empty } = editor.state.selection;
    if (!canComment || empty || !editor.state.doc.textBetween(from, to, "\n").trim()) return false;
    draftSerial.current += 1;
    const draftKey = `draft-text-${draftSerial.current}`;
    updateCommentHighlights(editor.view, { pending: { draftKey, range: { from, to } } });
    openDraft({ key: draftKey, kind: "text" });
    return true;
  }, [editor, canComment, openDraft]);

  const startSectionComment = useCallback(
    (sectionId: string) => {
      if (canComment) openDraft({ key: `draft-section-${sectionId}`, kind: "section", sectionId });
    },
    [canComment, openDraft],
  );

  const focusDraft = useCallback((draftKey: string) => {
    setActiveThreadId(null);
    setActiveDraftKey(draftKey);
  }, []);

  const setFilters = useCallback((change: Partial<ThreadFilters>) => setFilterState((current) => ({ ...current, ...change })), []);

  // Ctrl+Alt+M (⌘⌥M): comment on the selection, from anywhere on the page. A window listener,
  // because a read-only editor does not see key presses.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || !event.altKey || event.code !== "KeyM") return;
      if (event.target instanceof Element && event.target.closest("textarea, input, select")) return;
      if (startTextComment()) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [startTextComment]);

  // A thread deleted (here or elsewhere) is no longer active.
  useEffect(() => {
    if (activeThreadId && !suggestionIdOfKey(activeThreadId) && loadState === "ready" && !data.threads.some((t) => t.id === activeThreadId))
      setActiveThreadId(null);
  }, [activeThreadId, data.threads, loadState]);

  const openCountBySection = useMemo(() => {
    const counts = new Map<string, number>();
    for (const thread of data.threads) {
      if (thread.status === "open") counts.set(thread.sectionId, (counts.get(thread.sectionId) ?? 0) + 1);
    }
    return counts;
  }, [data.threads]);

  const replyDrafts = useRef(new Map<string, string>()).current;
  const value: CommentsValue = {
    replyDrafts,
    planId,
    editor,
    userId,
    canComment,
    canDispose,
    hasText,
    ...data,
    suggestions,
    loadState,
    reload,
    applyThread,
    forgetThread,
    openCountBySection,
    activeThreadId,
    activateThread,
    cardRequest,
    drafts,
    activeDraftKey,
    startTextComment,
    startSectionComment,
    focusDraft,
    closeDraft,
    draftBodies,
    filters,
    setFilters,
  };
  return <CommentsContext.Provider value={value}>{children}</CommentsContext.Provider>;
}

/** Selects a thread's passage (or shows its section) and scrolls the text there, without
 * focusing the editor: a read-only reader stays a reader, a card's reply box keeps the caret. */
function showPassage(editor: Editor, thread: Thread): void {
  const { doc } = editor.state;
  const places = documentPlaces(doc);
  const passage = thread.anchor === "text" && !thread.detached ? places.passages.get(thread.id) : undefined;
  if (passage) {
    editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(doc, passage.from, passage.to)));
    const { top } = editor.view.coordsAtPos(passage.from);
    if (top < window.innerHeight * 0.15 || top > window.innerHeight * 0.85) {
      window.scrollTo({ top: window.scrollY + top - window.innerHeight / 3, behavior: "smooth" });
    }
    return;
  }
  const section = places.sections.get(thread.sectionId);
  const element = section === undefined ? null : editor.view.nodeDOM(section);
  if (element instanceof Element) element.scrollIntoView({ block: "start", behavior: "smooth" });
}
