// One comment thread: what it is on, its comments, and what this person may do with it
// (reply, edit or delete their own comments, resolve or reopen, record a disposition).
import { useEffect, useRef, useState, type FormEvent, type MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { userColor } from "../../utils/colors";
import { Avatar } from "../Avatar";
import { formatCalendarDate, RelativeTime } from "../RelativeTime";
import { addReply, assignThread, deleteComment, editComment, recordDisposition, setThreadStatus, type ApiResult } from "./api";
import { CommentBody } from "./CommentBody";
import { useComments } from "./CommentsContext";
import { MentionTextarea } from "./MentionTextarea";
import { DISPOSITIONS, type Disposition, type RoundSummary, type Thread, type ThreadComment } from "./types";
import { jakartaToday } from "../../utils/deadline";

export const DISPOSITION_LABEL_KEYS = {
  accepted: "comments.dispositionAccepted",
  partly_accepted: "comments.dispositionPartlyAccepted",
  not_accepted: "comments.dispositionNotAccepted",
  noted: "comments.dispositionNoted",
} as const satisfies Record<Disposition, string>;

/** The text to show for a refused or failed call: the server's own words when it gave some. */
export function useFailureText(): (failure: Extract<ApiResult<unknown>, { ok: false }>) => string {
  const { t } = useTranslation();
  return (failure) => failure.error ?? (failure.status === 0 ? t("comments.errorNetwork") : t("comments.errorGeneric"));
}

/** The consultation round a thread or a suggestion belongs to, and whether it is still open. */
export function RoundLabel({ round }: { round: RoundSummary }) {
  const { t } = useTranslation();
  return (
    <span className={round.isOpen ? "thread-round" : "thread-round is-closed"}>
      {round.isOpen ? t("comments.round", { name: round.name }) : t("comments.roundClosed", { name: round.name })}
    </span>
  );
}

export function ThreadCard({
  thread,
  isActive,
  now,
  sectionTitle,
  round,
}: {
  thread: Thread;
  isActive: boolean;
  now: number;
  /** The section's title when the card is not on a passage; null when the section is gone. */
  sectionTitle: string | null;
  round: RoundSummary | undefined;
}) {
  const { t } = useTranslation();
  const { planId, canComment, canDispose, applyThread, activateThread } = useComments();
  const failureText = useFailureText();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [wantsToReply, setWantsToReply] = useState(false);
  useEffect(() => {
    if (!isActive) setWantsToReply(false);
  }, [isActive]);
  const isOpen = thread.status === "open";
  const isOnPassage = thread.anchor === "text" && !thread.detached;

  const onCardClick = (event: MouseEvent<HTMLElement>) => {
    if (event.target instanceof Element && event.target.closest("button, a, textarea, input, select, [role=listbox]")) {
      if (!isActive) activateThread(thread.id);
      return;
    }
    if (!isActive) activateThread(thread.id, { showPassage: true });
  };

  const changeStatus = async (change: "resolve" | "reopen") => {
    setIsBusy(true);
    setError(null);
    const result = await setThreadStatus(planId, thread.id, change);
    setIsBusy(false);
    if (!result.ok) {
      setError(failureText(result));
      return;
    }
    applyThread(result.value);
    // A resolved thread leaves the open list, as it does for everyone else.
    if (change === "resolve") activateThread(null);
  };

  const classes = ["thread-card", isActive ? "is-active" : "", isOpen ? "" : "is-resolved", thread.detached ? "is-detached" : ""];
  return (
    // A click anywhere on the card makes it the active one; from the keyboard, focus does.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions
    <article
      className={classes.filter(Boolean).join(" ")}
      data-thread-id={thread.id}
      data-card-key={thread.id}
      data-status={thread.status}
      aria-label={t("comments.threadLabel", { name: thread.author.name })}
      onClick={onCardClick}
      onFocus={(event) => {
        // Keyboard focus only: a card moving under the pointer between press and release
        // would swallow the click.
        if (!isActive && event.target.matches(":focus-visible")) activateThread(thread.id);
      }}
    >
      <div className="thread-header">
        <div className="thread-labels">
          {round ? <RoundLabel round={round} /> : null}
          {isOpen ? null : (
            <span className="thread-resolved">
              {thread.resolvedBy ? t("comments.resolvedBy", { name: thread.resolvedBy.name }) : t("comments.resolved")}
            </span>
          )}
        </div>
        {thread.canResolve ? (
          <button
            type="button"
            className="thread-action"
            disabled={isBusy}
            onClick={() => void changeStatus(isOpen ? "resolve" : "reopen")}
          >
            {isOpen ? t("comments.resolve") : t("comments.reopen")}
          </button>
        ) : null}
      </div>
      {thread.detached ? <p className="thread-detached">{t("comments.detached")}</p> : null}
      {!isOnPassage ? (
        <p className="thread-place">{sectionTitle ? t("comments.onSection", { title: sectionTitle }) : t("comments.sectionGone")}</p>
      ) : null}
      {thread.anchor === "text" ? (
        isOnPassage ? (
          <button
            type="button"
            className="thread-quote"
            title={t("comments.showInText")}
            onClick={() => activateThread(thread.id, { showPassage: true })}
          >
            {thread.quote}
          </button>
        ) : (
          <blockquote className="thread-quote">{thread.quote}</blockquote>
        )
      ) : null}
      <ol className="thread-comments">
        {thread.comments.map((comment) => (
          <CommentItem key={comment.id} thread={thread} comment={comment} now={now} />
        ))}
      </ol>
      <Assignment thread={thread} isActive={isActive} now={now} />
      {thread.disposition ? (
        <div className="thread-disposition" data-disposition={thread.disposition}>
          <span className="disposition-label">{t(DISPOSITION_LABEL_KEYS[thread.disposition])}</span>
          {thread.response ? (
            <p>
              <span className="muted">{t("comments.responseFrom")} </span>
              {thread.response}
            </p>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {isActive && isOpen && canComment && thread.canReply ? <ReplyForm thread={thread} autoFocus={wantsToReply} /> : null}
      {isActive && isOpen && canComment && !thread.canReply ? <p className="muted">{t("comments.roundClosedNote")}</p> : null}
      {isActive && canDispose && thread.roundId !== null ? <DispositionForm thread={thread} /> : null}
      {!isActive && isOpen && canComment && thread.canReply ? (
        <button
          type="button"
          className="link-button thread-reply-link"
          onClick={() => {
            setWantsToReply(true);
            activateThread(thread.id, { showPassage: true });
          }}
        >
          {t("comments.reply")}
        </button>
      ) : null}
    </article>
  );
}

function CommentItem({ thread, comment, now }: { thread: Thread; comment: ThreadComment; now: number }) {
  const { t } = useTranslation();
  const { planId, members, userId, applyThread, forgetThread } = useComments();
  const failureText = useFailureText();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const save = async () => {
    if (draft === null) return;
    if (!draft.trim()) {
      setError(t("comments.errorEmpty"));
      return;
    }
    setIsBusy(true);
    setError(null);
    const result = await editComment(planId, thread.id, comment.id, draft);
    setIsBusy(false);
    if (!result.ok) {
      setError(failureText(result));
      return;
    }
    setDraft(null);
    applyThread(result.value);
  };

  const remove = async () => {
    if (!window.confirm(t("comments.confirmDelete"))) return;
    setIsBusy(true);
    setError(null);
    const result = await deleteComment(planId, thread.id, comment.id);
    setIsBusy(false);
    if (!result.ok) setError(failureText(result));
    else if ("deleted" in result.value) forgetThread(thread.id);
    else applyThread(result.value);
  };

  return (
    <li className="thread-comment" data-comment-id={comment.id}>
      <div className="comment-meta">
        <Avatar name={comment.author.name} color={userColor(comment.author.id)} />
        <div>
          <div className="comment-author">{comment.author.name}</div>
          <div className="muted comment-details">
            {comment.author.organisation ? `${comment.author.organisation} · ` : ""}
            <RelativeTime time={comment.createdAt} now={Math.max(now, comment.createdAt)} />
            {comment.editedAt !== null && !comment.deleted ? ` ${t("comments.edited")}` : null}
          </div>
        </div>
      </div>
      {comment.deleted ? (
        <p className="comment-body is-deleted">{t("comments.deleted")}</p>
      ) : draft !== null ? (
        <form
          className="comment-form"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <MentionTextarea
            value={draft}
            onValueChange={setDraft}
            members={members}
            aria-label={t("comments.editLabel")}
            rows={2}
            autoFocus
            onSubmit={() => void save()}
            onCancel={() => setDraft(null)}
          />
          <div className="comment-form-actions">
            <button type="submit" className="primary small" disabled={isBusy}>
              {t("comments.save")}
            </button>
            <button type="button" className="plain small" onClick={() => setDraft(null)}>
              {t("comments.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <CommentBody body={comment.body} members={members} userId={userId} />
      )}
      {comment.canEdit && !comment.deleted && draft === null ? (
        <div className="comment-actions">
          <button type="button" className="link-button" disabled={isBusy} onClick={() => setDraft(comment.body)}>
            {t("comments.edit")}
          </button>
          <button type="button" className="link-button danger" disabled={isBusy} onClick={() => void remove()}>
            {t("comments.delete")}
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function ReplyForm({ thread, autoFocus }: { thread: Thread; autoFocus: boolean }) {
  const { t } = useTranslation();
  const { planId, members, applyThread, activateThread, replyDrafts } = useComments();
  const failureText = useFailureText();
  // What is typed here outlives the card closing (a click in the text, a resolve by someone else).
  const [body, setBodyState] = useState(() => replyDrafts.get(thread.id) ?? "");
  const setBody = (value: string) => {
    setBodyState(value);
    if (value) replyDrafts.set(thread.id, value);
    else replyDrafts.delete(thread.id);
  };
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  // A second Ctrl+Enter before React re-renders must not post the reply twice.
  const isSending = useRef(false);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (isSending.current) return;
    if (!body.trim()) {
      setError(t("comments.errorEmpty"));
      return;
    }
    isSending.current = true;
    setIsBusy(true);
    setError(null);
    const result = await addReply(planId, thread.id, body);
    isSending.current = false;
    setIsBusy(false);
    if (!result.ok) {
      setError(failureText(result));
      return;
    }
    setBody("");
    applyThread(result.value);
  };

  return (
    <form className="comment-form reply-form" onSubmit={(event) => void submit(event)}>
      <MentionTextarea
        value={body}
        onValueChange={setBody}
        members={members}
        aria-label={t("comments.replyLabel")}
        placeholder={t("comments.replyPlaceholder")}
        rows={1}
        autoFocus={autoFocus}
        onSubmit={() => void submit()}
        // Escape leaves a reply being written alone; on an empty box it closes the thread.
        onCancel={body ? undefined : () => activateThread(null)}
      />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {body ? (
        <div className="comment-form-actions">
          <button type="submit" className="primary small" disabled={isBusy}>
            {isBusy ? t("comments.posting") : t("comments.reply")}
          </button>
          <button type="button" className="plain small" onClick={() => setBody("")}>
            {t("comments.cancel")}
          </button>
        </div>
      ) : null}
    </form>
  );
}

function DispositionForm({ thread }: { thread: Thread }) {
  const { t } = useTranslation();
  const { planId, applyThread } = useComments();
  const failureText = useFailureText();
  const [disposition, setDisposition] = useState<Disposition | "">(thread.disposition ?? "");
  const [response, setResponse] = useState(thread.response ?? "");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!disposition) {
      setError(t("comments.errorNoDisposition"));
      return;
    }
    setIsBusy(true);
    setError(null);
    const result = await recordDisposition(planId, thread.id, disposition, response);
    setIsBusy(false);
    if (result.ok) applyThread(result.value);
    else setError(failureText(result));
  };

  return (
    <form className="disposition-form" onSubmit={(event) => void submit(event)}>
      <label>
        {t("comments.disposition")}
        <select value={disposition} onChange={(event) => setDisposition(event.target.value as Disposition | "")}>
          <option value="">{t("comments.dispositionChoose")}</option>
          {DISPOSITIONS.map((value) => (
            <option key={value} value={value}>
              {t(DISPOSITION_LABEL_KEYS[value])}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("comments.response")}
        <textarea value={response} rows={2} maxLength={2000} onChange={(event) => setResponse(event.target.value)} />
      </label>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary small" disabled={isBusy}>
        {t("comments.saveResponse")}
      </button>
    </form>
  );
}

/** Who the thread is assigned to and by when; whoever may resolve it may change that. */
function Assignment({ thread, isActive, now }: { thread: Thread; isActive: boolean; now: number }) {
  const { t, i18n } = useTranslation();
  const { planId, members, assignable, applyThread } = useComments();
  const failureText = useFailureText();
  const [isEditing, setIsEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  useEffect(() => {
    if (!isActive) setIsEditing(false);
  }, [isActive]);
  const isOpen = thread.status === "open";
  const isOverdue = isOpen && thread.dueDate !== null && thread.dueDate < jakartaToday(now);
  const candidates = members.filter((member) => assignable.includes(member.id));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const assignee = String(form.get("assignee") ?? "");
    const dueDate = String(form.get("dueDate") ?? "");
    setIsBusy(true);
    setError(null);
    const result = await assignThread(planId, thread.id, assignee ? Number(assignee) : null, assignee && dueDate ? dueDate : null);
    setIsBusy(false);
    if (!result.ok) {
      setError(failureText(result));
      return;
    }
    setIsEditing(false);
    applyThread(result.value);
  };

  return (
    <>
      {thread.assignee ? (
        <p className={isOverdue ? "thread-assignee is-overdue" : "thread-assignee"}>
          {thread.dueDate
            ? t("comments.assignedToBy", { name: thread.assignee.name, date: formatCalendarDate(thread.dueDate, i18n.language) })
            : t("comments.assignedTo", { name: thread.assignee.name })}
          {isOverdue ? <strong> · {t("comments.overdue")}</strong> : null}
        </p>
      ) : null}
      {isActive && isOpen && thread.canAssign && !isEditing ? (
        <button type="button" className="link-button thread-assign-link" onClick={() => setIsEditing(true)}>
          {thread.assignee ? t("comments.changeAssignment") : t("comments.assign")}
        </button>
      ) : null}
      {isEditing ? (
        <form className="thread-assign-form" onSubmit={(event) => void submit(event)}>
          <label>
            {t("comments.assignTo")}
            <select name="assignee" defaultValue={thread.assignee ? String(thread.assignee.id) : ""} autoFocus>
              <option value="">{t("comments.nobody")}</option>
              {candidates.map((member) => (
                <option key={member.id} value={member.id}>
                  {member.organisation ? `${member.name} (${member.organisation})` : member.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("comments.dueDate")}
            <input type="date" name="dueDate" defaultValue={thread.dueDate ?? ""} />
          </label>
          <div className="comment-form-actions">
            <button type="submit" className="primary small" disabled={isBusy}>
              {t("comments.save")}
            </button>
            <button type="button" className="plain small" onClick={() => setIsEditing(false)}>
              {t("comments.cancel")}
            </button>
          </div>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      ) : null}
    </>
  );
}
