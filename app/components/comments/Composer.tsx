// The card for a new thread, on the selected passage or on a whole section. A refusal from
// the server is shown in the card and the text stays, so nothing typed is lost.
import { TextSelection } from "@tiptap/pm/state";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { selectionAnchor } from "../../editor/comment-anchors";
import { createThread, type NewThread } from "./api";
import { useComments, type Draft } from "./CommentsContext";
import { cardsBesideText } from "./card-layout";
import { pendingPassage } from "./highlights";
import { MentionTextarea } from "./MentionTextarea";
import { useFailureText } from "./ThreadCard";

/** Frames a new comment's box waits to be shown (the comments opening on a phone) for the caret. */
const SHOWN_WITHIN_FRAMES = 10;

export function Composer({ draft, isActive, sectionTitle }: { draft: Draft; isActive: boolean; sectionTitle: string | null }) {
  const { t } = useTranslation();
  const { editor, planId, members, applyThread, activateThread, closeDraft: closeDraftByKey, focusDraft, draftBodies } = useComments();
  const failureText = useFailureText();
  const [body, setBodyState] = useState(() => draftBodies.get(draft.key) ?? "");
  const setBody = (value: string) => {
    draftBodies.set(draft.key, value);
    setBodyState(value);
  };
  const closeDraft = () => closeDraftByKey(draft.key);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const isSending = useRef(false);
  const textarea = useRef<HTMLTextAreaElement | null>(null);

  // Each new start (another passage, another section) puts the caret here. Beside the text, the
  // card layout brings the card into view where it is going (useCardLayout); on a phone the
  // comments open as a sheet just after the card is added, so the caret waits for it (a hidden
  // box takes no focus, and the caret stayed in the text behind the sheet).
  useEffect(() => {
    setError(null);
    let frame = 0;
    let framesLeft = SHOWN_WITHIN_FRAMES;
    const takeCaret = () => {
      const box = textarea.current;
      if (!box) return;
      if (box.getClientRects().length === 0 && framesLeft-- > 0) {
        frame = requestAnimationFrame(takeCaret);
        return;
      }
      box.focus({ preventScroll: true });
      if (!cardsBesideText()) box.closest(".thread-card")?.scrollIntoView({ block: "nearest" });
    };
    takeCaret();
    return () => cancelAnimationFrame(frame);
  }, [draft]);

  const request = (): NewThread | string => {
    if (draft.kind === "section") return { body, sectionId: draft.sectionId };
    const passage = pendingPassage(editor.state, draft.key);
    if (!passage) return t("comments.errorPassageGone");
    const { doc } = editor.state;
    const $from = doc.resolve(passage.from);
    const $to = doc.resolve(passage.to);
    if ($from.depth < 1 || $to.depth < 1 || $from.node(1) !== $to.node(1)) return t("comments.errorCrossesSections");
    // The passage as it is now (others may have typed since), named the way the server reads it.
    editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(doc, passage.from, passage.to)));
    const anchor = selectionAnchor(editor.state);
    return anchor ? { body, anchor } : t("comments.errorPassageGone");
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (isSending.current) return; // a second Ctrl+Enter before React re-renders
    if (!body.trim()) {
      setError(t("comments.errorEmpty"));
      return;
    }
    const thread = request();
    if (typeof thread === "string") {
      setError(thread);
      return;
    }
    isSending.current = true;
    setIsBusy(true);
    setError(null);
    const result = await createThread(planId, thread);
    isSending.current = false;
    setIsBusy(false);
    if (!result.ok) {
      setError(failureText(result));
      return;
    }
    closeDraft();
    applyThread(result.value);
    activateThread(result.value.id);
  };

  const label = draft.kind === "section" ? t("comments.newSectionComment", { title: sectionTitle ?? "" }) : t("comments.newComment");
  return (
    <article
      className={isActive ? "thread-card is-composer is-active" : "thread-card is-composer"}
      data-card-key={draft.key}
      aria-label={label}
      onFocus={() => {
        if (!isActive) focusDraft(draft.key);
      }}
    >
      <p className="thread-place">{label}</p>
      <form className="comment-form" onSubmit={(event) => void submit(event)}>
        <MentionTextarea
          ref={textarea}
          value={body}
          onValueChange={setBody}
          members={members}
          aria-label={t("comments.newComment")}
          placeholder={t("comments.placeholder")}
          rows={3}
          onSubmit={() => void submit()}
          // Escape closes an empty composer only: a stray key press loses nothing typed.
          onCancel={body ? undefined : closeDraft}
        />
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="comment-form-actions">
          <button type="submit" className="primary small" disabled={isBusy}>
            {isBusy ? t("comments.posting") : t("comments.post")}
          </button>
          <button type="button" className="plain small" onClick={closeDraft}>
            {t("comments.cancel")}
          </button>
        </div>
      </form>
    </article>
  );
}
