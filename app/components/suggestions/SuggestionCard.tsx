// One suggestion beside the text (Google Docs' suggestion card): who proposes what, when, in
// which round; Accept and Reject for the drafting team (the server checks the role again);
// replies for everyone who may comment.
import { TextSelection } from "@tiptap/pm/state";
import { memo, useState, type FormEvent, type MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { userColor } from "../../utils/colors";
import { Avatar } from "../Avatar";
import { useComments } from "../comments/CommentsContext";
import { documentPlaces } from "../comments/positions";
import { RelativeTime } from "../RelativeTime";
import { RoundLabel, useFailureText } from "../comments/ThreadCard";
import type { RoundSummary } from "../comments/types";
import type { ApiResult } from "../../utils/json-api";
import { replyToSuggestion, resolveSuggestion, resolveSuggestions } from "./api";
import { suggestionCardKey, type SuggestionView } from "./types";

export interface SuggestionCardData extends SuggestionView {
  /** Its author's account, when known (for the colour and "all from this person"). */
  authorId: number | null;
  /** Open and in the text now. */
  isInText: boolean;
}

/** A card renders again only when what it shows changed: a plan may hold hundreds of them, and
 * the column renders on every change to the text. */
export const SuggestionCard = memo(SuggestionCardView, (before, after) => {
  const a = before.suggestion;
  const b = after.suggestion;
  return (
    before.isActive === after.isActive &&
    before.now === after.now &&
    before.round === after.round &&
    before.sameAuthorOpenCount === after.sameAuthorOpenCount &&
    a.id === b.id &&
    a.status === b.status &&
    a.inserted === b.inserted &&
    a.deleted === b.deleted &&
    a.author.name === b.author.name &&
    a.author.organisation === b.author.organisation &&
    a.createdAt === b.createdAt &&
    a.reason === b.reason &&
    a.partly === b.partly &&
    a.wordAuthor === b.wordAuthor &&
    a.resolvedBy?.name === b.resolvedBy?.name &&
    replyKey(a) === replyKey(b)
  );
});

function replyKey(suggestion: SuggestionView): string {
  const replies = suggestion.replies ?? [];
  return `${replies.length}:${replies.at(-1)?.id ?? ""}`;
}

function SuggestionCardView({
  suggestion,
  isActive,
  now,
  round,
  sameAuthorOpenCount,
  openIdsOfAuthor,
}: {
  suggestion: SuggestionCardData;
  isActive: boolean;
  now: number;
  round: RoundSummary | undefined;
  /** How many open suggestions its author has, for "Accept all from …". */
  sameAuthorOpenCount: number;
  /** Their ids when asked (read at the click: the list changes as people type). */
  openIdsOfAuthor: (authorId: number) => string[];
}) {
  const { t } = useTranslation();
  const { planId, editor, canComment, canDispose, activateThread, reload } = useComments();
  const failureText = useFailureText();
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  /** Accepted in part: the drafting team took the idea and will word it their way (the round's disposition). */
  const [partly, setPartly] = useState(false);
  const [reply, setReply] = useState("");
  const key = suggestionCardKey(suggestion.id);
  const isOpen = suggestion.status === "open";
  const canResolve = canDispose;

  const showInText = () => {
    const place = documentPlaces(editor.state.doc).suggestions.get(suggestion.id);
    if (!place) return;
    editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, place.from, place.to)));
    const { top } = editor.view.coordsAtPos(place.from);
    if (top < window.innerHeight * 0.15 || top > window.innerHeight * 0.85) {
      window.scrollTo({ top: window.scrollY + top - window.innerHeight / 3, behavior: "smooth" });
    }
  };

  const run = async (call: () => Promise<ApiResult<unknown>>) => {
    setIsBusy(true);
    setError(null);
    const result = await call();
    setIsBusy(false);
    if (!result.ok) {
      setError(failureText(result));
      return false;
    }
    reload();
    return true;
  };

  const resolve = async (action: "accept" | "reject") => {
    const body = { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(action === "accept" && partly ? { partly: true } : {}) };
    if (await run(() => resolveSuggestion(planId, suggestion.id, action, body))) activateThread(null);
  };

  const submitReply = async (event: FormEvent) => {
    event.preventDefault();
    if (!reply.trim()) return;
    if (await run(() => replyToSuggestion(planId, suggestion.id, reply.trim()))) setReply("");
  };

  const onCardClick = (event: MouseEvent<HTMLElement>) => {
    if (event.target instanceof Element && event.target.closest("button, a, textarea, input")) {
      if (!isActive) activateThread(key);
      return;
    }
    if (!isActive) {
      activateThread(key);
      showInText();
    }
  };

  const color = suggestion.authorId === null ? "#5b6470" : userColor(suggestion.authorId);
  const change = describeChange(suggestion);
  return (
    // A click anywhere on the card makes it the active one; from the keyboard, focus does.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions
    <article
      className={["thread-card", "suggestion-card", isActive ? "is-active" : "", isOpen ? "" : "is-resolved"].filter(Boolean).join(" ")}
      data-card-key={key}
      data-suggestion-id={suggestion.id}
      data-status={suggestion.status}
      aria-label={t("suggestions.cardLabel", { name: suggestion.author.name })}
      onClick={onCardClick}
      onFocus={(event) => {
        if (!isActive && event.target.matches(":focus-visible")) activateThread(key);
      }}
    >
      <div className="thread-header">
        <div className="comment-meta">
          <Avatar name={suggestion.author.name} color={color} />
          <div>
            <div className="comment-author">
              {suggestion.author.name}
              {suggestion.wordAuthor ? <span className="muted"> · {t("suggestions.viaWord", { name: suggestion.wordAuthor })}</span> : null}
            </div>
            <div className="muted comment-details">
              {suggestion.author.organisation}
              {suggestion.createdAt ? (
                <>
                  {" · "}
                  <RelativeTime time={Date.parse(suggestion.createdAt)} now={now} />
                </>
              ) : null}
            </div>
          </div>
        </div>
        {isOpen && canResolve ? (
          <div className="suggestion-actions">
            <button
              type="button"
              className="thread-action suggestion-accept"
              disabled={isBusy}
              aria-label={t("suggestions.acceptOne", { name: suggestion.author.name })}
              title={t("suggestions.accept")}
              onClick={() => void resolve("accept")}
            >
              ✓
            </button>
            <button
              type="button"
              className="thread-action suggestion-reject"
              disabled={isBusy}
              aria-label={t("suggestions.rejectOne", { name: suggestion.author.name })}
              title={t("suggestions.reject")}
              onClick={() => void resolve("reject")}
            >
              ✕
            </button>
          </div>
        ) : null}
      </div>
      <div className="thread-labels">
        {round ? <RoundLabel round={round} /> : null}
        <StatusLabel suggestion={suggestion} />
      </div>
      <p className="suggestion-change" style={{ ["--suggestion-color" as string]: color }}>
        {change.kind === "replace" ? (
          <>
            {t("suggestions.replace")} <del>{change.deleted}</del> {t("suggestions.with")} <ins>{change.inserted}</ins>
          </>
        ) : change.kind === "add" ? (
          <>
            {t("suggestions.add")} <ins>{change.inserted}</ins>
          </>
        ) : (
          <>
            {t("suggestions.delete")} <del>{change.deleted}</del>
          </>
        )}
      </p>
      {suggestion.status === "outdated" ? <p className="thread-detached">{t("suggestions.outdatedNote")}</p> : null}
      {suggestion.reason ? (
        <p className="suggestion-reason">
          <span className="muted">{t("suggestions.reason")}: </span>
          {suggestion.reason}
        </p>
      ) : null}
      {(suggestion.replies ?? []).length > 0 ? (
        <ol className="thread-comments">
          {(suggestion.replies ?? []).map((item) => (
            <li key={item.id} className="thread-comment">
              <div className="comment-author">{item.author.name}</div>
              <div className="muted comment-details">
                {item.author.organisation} · <RelativeTime time={Date.parse(item.createdAt)} now={now} />
              </div>
              <p className="comment-body">{item.body}</p>
            </li>
          ))}
        </ol>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {isActive && isOpen && canResolve ? (
        <div className="suggestion-resolve">
          <label className="suggestion-reason-field">
            <span>{t("suggestions.reasonLabel")}</span>
            <input type="text" value={reason} maxLength={2000} onChange={(event) => setReason(event.target.value)} />
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={partly} onChange={(event) => setPartly(event.target.checked)} />
            {t("suggestions.partlyLabel")}
          </label>
          {sameAuthorOpenCount > 1 && suggestion.authorId !== null ? (
            <div className="suggestion-bulk">
              <button
                type="button"
                className="link-button"
                disabled={isBusy}
                onClick={() => void run(() => resolveSuggestions(planId, openIdsOfAuthor(suggestion.authorId!), "accept"))}
              >
                {t("suggestions.acceptAllFrom", { count: sameAuthorOpenCount, name: suggestion.author.name })}
              </button>
              <button
                type="button"
                className="link-button"
                disabled={isBusy}
                onClick={() => void run(() => resolveSuggestions(planId, openIdsOfAuthor(suggestion.authorId!), "reject"))}
              >
                {t("suggestions.rejectAllFrom", { count: sameAuthorOpenCount, name: suggestion.author.name })}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {isActive && canComment && suggestion.status !== "outdated" ? (
        <form className="comment-form reply-form" onSubmit={(event) => void submitReply(event)}>
          <label className="visually-hidden" htmlFor={`reply-${suggestion.id}`}>
            {t("suggestions.replyLabel")}
          </label>
          <textarea
            id={`reply-${suggestion.id}`}
            rows={2}
            maxLength={5000}
            placeholder={t("suggestions.replyPlaceholder")}
            value={reply}
            onChange={(event) => setReply(event.target.value)}
          />
          {reply.trim() ? (
            <div className="comment-form-actions">
              <button type="submit" className="primary small" disabled={isBusy}>
                {t("comments.reply")}
              </button>
            </div>
          ) : null}
        </form>
      ) : null}
    </article>
  );
}

function StatusLabel({ suggestion }: { suggestion: SuggestionCardData }) {
  const { t } = useTranslation();
  const by = suggestion.resolvedBy?.name;
  if (suggestion.status === "accepted") {
    const label = suggestion.partly ? "suggestions.partlyAcceptedBy" : "suggestions.acceptedBy";
    return <span className="thread-resolved">{by ? t(label, { name: by }) : t("suggestions.accepted")}</span>;
  }
  if (suggestion.status === "rejected")
    return <span className="thread-resolved">{by ? t("suggestions.rejectedBy", { name: by }) : t("suggestions.rejected")}</span>;
  if (suggestion.status === "outdated") return <span className="thread-resolved">{t("suggestions.outdated")}</span>;
  return <span className="suggestion-label">{t("suggestions.label")}</span>;
}

type Change =
  { kind: "replace"; deleted: string; inserted: string } | { kind: "add"; inserted: string } | { kind: "delete"; deleted: string };

function describeChange({ inserted, deleted }: Pick<SuggestionView, "inserted" | "deleted">): Change {
  const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
  if (inserted && deleted) return { kind: "replace", deleted: clip(deleted), inserted: clip(inserted) };
  if (inserted) return { kind: "add", inserted: clip(inserted) };
  return { kind: "delete", deleted: clip(deleted) };
}
