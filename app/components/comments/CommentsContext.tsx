// The plan's comment threads for everything on the page that shows them (the panel, the
// outline's counts, the Comment buttons): fetched from the API, fetched again when the
// server says they changed, with the active thread and the comment being written.
import { TextSelection } from "@tiptap/pm/state";
import type { Editor } from "@tiptap/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import type { WebsocketProvider } from "y-websocket";
import { can, type Role } from "../../models/roles";
import { fetchThreads } from "./api";
import { updateCommentHighlights } from "./highlights";
import { documentPlaces } from "./positions";
import type { Person, RoundSummary, Thread } from "./types";

export type Draft = { kind: "text" } | { kind: "section"; sectionId: string };

export type StatusFilter = "open" | "resolved" | "all";

export interface ThreadFilters {
  status: StatusFilter;
  /** "" for every section. */
  sectionId: string;
  /** "" for every organisation. */
  organisation: string;
  mentionsMe: boolean;
}

const DEFAULT_FILTERS: ThreadFilters = { status: "open", sectionId: "", organisation: "", mentionsMe: false };

interface CommentsValue {
  planId: string;
  editor: Editor;
  userId: number;
  canComment: boolean;
  canDispose: boolean;
  /** The text has arrived from the server: a passage missing from it now is gone. */
  hasText: boolean;
  threads: Thread[];
  members: Person[];
  rounds: RoundSummary[];
  loadState: "loading" | "ready" | "failed";
  reload(): void;
  /** A thread as an API call returned it: shown at once, then everything fetched again. */
  applyThread(thread: Thread): void;
  forgetThread(threadId: string): void;
  openCountBySection: ReadonlyMap<string, number>;
  activeThreadId: string | null;
  /** `showPassage`: select and scroll to its text; `showCard`: scroll its card into view. */
  activateThread(threadId: string | null, options?: { showPassage?: boolean; showCard?: boolean }): void;
  /** Bumped each time a card asks to be scrolled into view. */
  cardRequest: { threadId: string; serial: number } | null;
  draft: Draft | null;
  /** Opens the composer on the selected text; false when nothing is selected. */
  startTextComment(): boolean;
  startSectionComment(sectionId: string): void;
  closeDraft(): void;
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
  const [data, setData] = useState<{ threads: Thread[]; members: Person[]; rounds: RoundSummary[] }>({ threads: [], members: [], rounds: [] });
  const [loadState, setLoadState] = useState<CommentsValue["loadState"]>("loading");
  const [ownVersion, setOwnVersion] = useState(0);
  const [activeThreadId, setActiveThreadId] = useState<string | null>(null);
  const [cardRequest, setCardRequest] = useState<CommentsValue["cardRequest"]>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [filters, setFilterState] = useState<ThreadFilters>(DEFAULT_FILTERS);

  useEffect(() => {
    // The newest request wins: an older answer still on its way is dropped.
    const controller = new AbortController();
    fetchThreads(planId, controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        if (result.ok && Array.isArray(result.value.threads)) {
          setData({ threads: result.value.threads, members: result.value.members ?? [], rounds: result.value.rounds ?? [] });
          setLoadState("ready");
        } else {
          setLoadState((state) => (state === "ready" ? state : "failed"));
        }
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
      if (threadId && options.showCard) setCardRequest((request) => ({ threadId, serial: (request?.serial ?? 0) + 1 }));
      if (threadId && options.showPassage) {
        const thread = data.threads.find((t) => t.id === threadId);
        if (thread) showPassage(editor, thread);
      }
    },
    [editor, data.threads],
  );

  const closeDraft = useCallback(() => {
    setDraft(null);
    updateCommentHighlights(editor.view, { pending: null });
  }, [editor]);

  const startTextComment = useCallback(() => {
    const { from, to, empty } = editor.state.selection;
    if (!canComment || empty || !editor.state.doc.textBetween(from, to, "\n").trim()) return false;
    setActiveThreadId(null);
    setDraft({ kind: "text" });
    updateCommentHighlights(editor.view, { pending: { from, to } });
    return true;
  }, [editor, canComment]);

  const startSectionComment = useCallback(
    (sectionId: string) => {
      if (!canComment) return;
      setActiveThreadId(null);
      setDraft({ kind: "section", sectionId });
      updateCommentHighlights(editor.view, { pending: null });
    },
    [editor, canComment],
  );

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
    if (activeThreadId && loadState === "ready" && !data.threads.some((t) => t.id === activeThreadId)) setActiveThreadId(null);
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
    loadState,
    reload,
    applyThread,
    forgetThread,
    openCountBySection,
    activeThreadId,
    activateThread,
    cardRequest,
    draft,
    startTextComment,
    startSectionComment,
    closeDraft,
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
