// The comments beside the plan's text. On wide windows each card sits level with the text it
// is on (Google Docs' margin): pushed down so cards never overlap, the active one exactly at
// its text. On narrow windows the cards are a plain list, in document order, under the text.
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLiveOutline } from "../Outline";
import { Composer } from "./Composer";
import { useComments, type Draft, type StatusFilter, type ThreadFilters } from "./CommentsContext";
import { commentHighlights, commentHighlightsKey, pendingPassage, updateCommentHighlights } from "./highlights";
import { useCardLayout } from "./card-layout";
import { documentPlaces, placeOrder, threadPlace, type DocumentPlaces } from "./positions";
import { useFailureText } from "./ThreadCard";
import type { SuggestionView } from "../suggestions/types";
import { resolveSuggestions } from "../suggestions/api";
import { SuggestionCard, type SuggestionCardData } from "../suggestions/SuggestionCard";
import { suggestionCardKey } from "../suggestions/types";
import { ThreadCard } from "./ThreadCard";
import type { Person, Thread } from "./types";

const STATUS_FILTERS: { value: StatusFilter; labelKey: "comments.statusOpen" | "comments.statusResolved" | "comments.statusAll" }[] = [
  { value: "open", labelKey: "comments.statusOpen" },
  { value: "resolved", labelKey: "comments.statusResolved" },
  { value: "all", labelKey: "comments.statusAll" },
];

export function CommentsPanel() {
  const { t } = useTranslation();
  const comments = useComments();
  const {
    editor,
    rounds,
    userId,
    filters,
    setFilters,
    activeThreadId,
    activateThread,
    drafts,
    activeDraftKey,
    cardRequest,
    loadState,
    hasText,
  } = comments;
  const outline = useLiveOutline(editor);
  const now = useNow();
  const track = useRef<HTMLDivElement>(null);

  // The highlights in the text, and what a click on one does.
  const onClickThread = useRef<(threadId: string | null) => void>(() => undefined);
  onClickThread.current = (threadId) => {
    if (threadId) activateThread(threadId, { showCard: true });
    else if (activeThreadId) activateThread(null);
  };
  useEffect(() => {
    editor.registerPlugin(commentHighlights({ onClickThread: (threadId) => onClickThread.current(threadId) }));
    return () => {
      if (!editor.isDestroyed) editor.unregisterPlugin(commentHighlightsKey);
    };
  }, [editor]);
  // As a string, so the plugin hears of the set only when it changes.
  const openIds = JSON.stringify(
    comments.threads
      .filter((thread) => thread.status === "open")
      .map((thread) => thread.id)
      .sort(),
  );
  useEffect(() => {
    updateCommentHighlights(editor.view, { openIds: new Set(JSON.parse(openIds) as string[]), activeId: activeThreadId });
  }, [editor, openIds, activeThreadId]);

  useThreadFromAddress();

  const titles = new Map(outline.map((entry) => [entry.id, entry.title || t("outline.untitled")]));
  const places = documentPlaces(editor.state.doc);
  // The server finds a thread detached when asked; the text shows it at once.
  const threads = comments.threads.map((thread) =>
    thread.anchor === "text" && !thread.detached && hasText && !places.passages.has(thread.id) ? { ...thread, detached: true } : thread,
  );
  const roundsById = new Map(rounds.map((round) => [round.id, round]));
  const openIdsByAuthorRef = useRef(new Map<number, string[]>());
  const openIdsOfAuthor = useCallback((authorId: number) => openIdsByAuthorRef.current.get(authorId) ?? [], []);
  const suggestions = suggestionCards(comments.suggestions, places, comments.members);
  const shownSuggestions = suggestions.filter(
    (suggestion) => suggestionCardKey(suggestion.id) === activeThreadId || suggestionMatchesFilters(suggestion, filters),
  );
  const cards: {
    key: string;
    order: number;
    createdAt: number;
    thread: Thread | null;
    draft: Draft | null;
    suggestion?: SuggestionCardData;
  }[] = threads
    .filter((thread) => thread.id === activeThreadId || matchesFilters(thread, filters, userId))
    .map((thread) => ({
      key: thread.id,
      order: placeOrder(threadPlace(thread, places)),
      createdAt: thread.createdAt,
      thread,
      draft: null,
    }));
  for (const suggestion of shownSuggestions) {
    const place = places.suggestions.get(suggestion.id);
    const order = place?.from ?? places.sections.get(suggestion.sectionId) ?? Number.POSITIVE_INFINITY;
    const createdAt = suggestion.createdAt ? Date.parse(suggestion.createdAt) : Number.POSITIVE_INFINITY;
    cards.push({ key: suggestionCardKey(suggestion.id), order, createdAt, thread: null, draft: null, suggestion });
  }
  const openIdsByAuthor = new Map<number, string[]>();
  for (const suggestion of suggestions) {
    if (suggestion.status !== "open" || suggestion.authorId === null) continue;
    const ids = openIdsByAuthor.get(suggestion.authorId) ?? [];
    ids.push(suggestion.id);
    openIdsByAuthor.set(suggestion.authorId, ids);
  }
  openIdsByAuthorRef.current = openIdsByAuthor;
  const openShown = shownSuggestions.filter((suggestion) => suggestion.status === "open").map((suggestion) => suggestion.id);
  for (const draft of drafts) {
    const order = draft.kind === "text" ? pendingPassage(editor.state, draft.key)?.from : places.sections.get(draft.sectionId);
    cards.push({ key: draft.key, order: order ?? Number.POSITIVE_INFINITY, createdAt: Number.POSITIVE_INFINITY, thread: null, draft });
  }
  cards.sort((a, b) => compare(a.order, b.order) || compare(a.createdAt, b.createdAt));

  useCardLayout(track, editor, { threads, drafts, activeKey: activeDraftKey ?? activeThreadId }, cardRequest);

  const openCount = threads.filter((thread) => thread.status === "open").length;
  const organisations = [
    ...new Set([
      ...threads.flatMap((thread) => [thread.author.organisation, ...thread.comments.map((c) => c.author.organisation)]),
      ...suggestions.map((suggestion) => suggestion.author.organisation),
    ]),
  ]
    .filter(Boolean)
    .sort();
  return (
    <section className="comments-panel" aria-labelledby="comments-heading">
      <header className="comments-header">
        <h2 id="comments-heading">
          {t("comments.title")}{" "}
          <span className="comments-open-count" data-testid="open-thread-count">
            {t("comments.openCount", { count: openCount })}
          </span>
        </h2>
        <div className="comments-filters">
          <select
            aria-label={t("comments.filterStatus")}
            value={filters.status}
            onChange={(event) => setFilters({ status: event.target.value as StatusFilter })}
          >
            {STATUS_FILTERS.map(({ value, labelKey }) => (
              <option key={value} value={value}>
                {t(labelKey)}
              </option>
            ))}
          </select>
          <select
            aria-label={t("comments.filterSection")}
            value={filters.sectionId}
            onChange={(event) => setFilters({ sectionId: event.target.value })}
          >
            <option value="">{t("comments.allSections")}</option>
            {outline.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {titles.get(entry.id)}
              </option>
            ))}
          </select>
          <select
            aria-label={t("comments.filterOrganisation")}
            value={filters.organisation}
            onChange={(event) => setFilters({ organisation: event.target.value })}
          >
            <option value="">{t("comments.allOrganisations")}</option>
            {organisations.map((organisation) => (
              <option key={organisation} value={organisation}>
                {organisation}
              </option>
            ))}
          </select>
          <select
            aria-label={t("suggestions.filterKind")}
            value={filters.kind}
            onChange={(event) => setFilters({ kind: event.target.value as typeof filters.kind })}
          >
            <option value="all">{t("suggestions.kindAll")}</option>
            <option value="comments">{t("suggestions.kindComments")}</option>
            <option value="suggestions">{t("suggestions.kindSuggestions")}</option>
          </select>
          <label className="checkbox">
            <input type="checkbox" checked={filters.mentionsMe} onChange={(event) => setFilters({ mentionsMe: event.target.checked })} />
            {t("comments.mentionsMe")}
          </label>
        </div>
        {comments.canDispose && openShown.length > 1 ? <BulkResolve ids={openShown} /> : null}
      </header>
      {loadState === "loading" && threads.length === 0 ? <p className="muted comments-note">{t("comments.loading")}</p> : null}
      {loadState === "failed" ? (
        <p className="form-error comments-note" role="alert">
          {t("comments.loadFailed")}{" "}
          <button type="button" className="link-button" onClick={comments.reload}>
            {t("comments.retry")}
          </button>
        </p>
      ) : null}
      {loadState === "ready" && cards.length === 0 ? (
        <p className="muted comments-note">
          {threads.length > 0 ? t("comments.noMatch") : comments.canComment ? t("comments.empty") : t("comments.emptyViewer")}
        </p>
      ) : null}
      <div className="comment-track" ref={track}>
        {cards.map(({ key, thread, draft, suggestion }) =>
          suggestion ? (
            <SuggestionCard
              key={key}
              suggestion={suggestion}
              isActive={key === activeThreadId}
              now={now}
              round={suggestion.roundId ? roundsById.get(suggestion.roundId) : undefined}
              sameAuthorOpenCount={suggestion.authorId === null ? 0 : (openIdsByAuthor.get(suggestion.authorId)?.length ?? 0)}
              openIdsOfAuthor={openIdsOfAuthor}
            />
          ) : thread ? (
            <ThreadCard
              key={key}
              thread={thread}
              isActive={thread.id === activeThreadId}
              now={now}
              sectionTitle={titles.get(thread.sectionId) ?? null}
              round={thread.roundId === null ? undefined : roundsById.get(thread.roundId)}
            />
          ) : draft ? (
            <Composer
              key={key}
              draft={draft}
              isActive={draft.key === activeDraftKey}
              sectionTitle={draft.kind === "section" ? (titles.get(draft.sectionId) ?? null) : null}
            />
          ) : null,
        )}
      </div>
    </section>
  );
}

function matchesFilters(thread: Thread, filters: ThreadFilters, userId: number): boolean {
  if (filters.kind === "suggestions") return false;
  if (filters.status !== "all" && thread.status !== filters.status) return false;
  if (filters.sectionId && thread.sectionId !== filters.sectionId) return false;
  if (
    filters.organisation &&
    thread.author.organisation !== filters.organisation &&
    !thread.comments.some((comment) => !comment.deleted && comment.author.organisation === filters.organisation)
  ) {
    return false;
  }
  if (filters.mentionsMe && !thread.comments.some((comment) => !comment.deleted && comment.mentions.includes(userId))) return false;
  return true;
}

/**
 * The suggestion cards: every open suggestion in the text now (read off it, so a card appears
 * as the words are typed), with what the server knows of it (its time, round and replies), and
 * the ones the server says were accepted, rejected or outdated. One the server still calls open
 * but the text no longer holds is on its way to being resolved: shown once the server says how.
 */
function suggestionCards(fromServer: SuggestionView[], places: DocumentPlaces, members: Person[]): SuggestionCardData[] {
  const known = new Map(fromServer.map((suggestion) => [suggestion.id, suggestion]));
  const membersById = new Map(members.map((member) => [member.id, member]));
  const cards: SuggestionCardData[] = [];
  for (const [id, place] of places.suggestions) {
    const server = known.get(id);
    const member = membersById.get(place.authorId);
    cards.push({
      id,
      sectionId: place.sectionId,
      status: "open",
      inserted: place.inserted,
      deleted: place.deleted,
      author: server?.author ?? { name: member?.name ?? "?", organisation: member?.organisation ?? "" },
      createdAt: server?.createdAt ?? "",
      roundId: server?.roundId ?? null,
      wordAuthor: server?.wordAuthor ?? null,
      replies: server?.replies ?? [],
      authorId: place.authorId,
      isInText: true,
    });
  }
  for (const suggestion of fromServer) {
    if (places.suggestions.has(suggestion.id) || suggestion.status === "open") continue;
    cards.push({ ...suggestion, authorId: suggestion.author.id ?? null, isInText: false });
  }
  return cards;
}

function suggestionMatchesFilters(suggestion: SuggestionCardData, filters: ThreadFilters): boolean {
  if (filters.kind === "comments" || filters.mentionsMe) return false;
  const isOpen = suggestion.status === "open" || suggestion.status === "outdated";
  if (filters.status === "open" && !isOpen) return false;
  if (filters.status === "resolved" && isOpen) return false;
  if (filters.sectionId && suggestion.sectionId !== filters.sectionId) return false;
  if (filters.organisation && suggestion.author.organisation !== filters.organisation) return false;
  return true;
}

/** Accept or reject every open suggestion the filters show: all in a section, all from one
 * organisation, or all. */
function BulkResolve({ ids }: { ids: string[] }) {
  const { t } = useTranslation();
  const { planId, reload } = useComments();
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const failureText = useFailureText();
  const run = async (action: "accept" | "reject") => {
    setIsBusy(true);
    setError(null);
    const result = await resolveSuggestions(planId, ids, action);
    setIsBusy(false);
    if (!result.ok) setError(failureText(result));
    reload();
  };
  return (
    <div className="suggestion-bulk">
      <button type="button" className="plain small" disabled={isBusy} onClick={() => void run("accept")}>
        {t("suggestions.acceptShown", { count: ids.length })}
      </button>
      <button type="button" className="plain small" disabled={isBusy} onClick={() => void run("reject")}>
        {t("suggestions.rejectShown", { count: ids.length })}
      </button>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function compare(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Opens the thread an address names (`#thread-<id>`, as the response matrix links to it) once
 * the threads are loaded and the text has arrived, and again when the address changes.
 */
function useThreadFromAddress(): void {
  const { threads, loadState, hasText, activateThread } = useComments();
  const [wanted, setWanted] = useState<string | null>(null);
  useEffect(() => {
    const read = () => {
      const hash = window.location.hash;
      if (!hash.startsWith("#thread-")) return setWanted(null);
      try {
        setWanted(decodeURIComponent(hash.slice(8)));
      } catch {
        setWanted(null); // a malformed address names no thread
      }
    };
    read();
    window.addEventListener("hashchange", read);
    return () => window.removeEventListener("hashchange", read);
  }, []);
  useEffect(() => {
    if (!wanted || loadState === "loading" || !hasText) return;
    if (threads.some((thread) => thread.id === wanted)) activateThread(wanted, { showPassage: true, showCard: true });
    setWanted(null);
  }, [wanted, loadState, hasText, threads, activateThread]);
}

/** The time "5 minutes ago" is counted from, moved on each minute. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
