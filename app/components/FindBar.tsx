// Find (Ctrl+F) and, for those who may edit, replace (Ctrl+H) in the plan's text: a bar under the
// toolbar. Enter and Shift+Enter go to the next and previous match, Escape closes and leaves the
// caret on the match. Commenters and viewers find; the server refuses their edits whatever
// a page sends.
import { useEditorState, type Editor } from "@tiptap/react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { findState, moveToMatch, replaceAll, replaceCurrent, setFindQuery } from "../editor/find-replace";
import { ToolIcon } from "./ToolIcon";

export interface FindRequest {
  /** Bumped on each Ctrl+F/Ctrl+H, so that the bar takes focus again when already open. */
  key: number;
  withReplace: boolean;
}

export function FindBar({
  editor,
  request,
  canReplace,
  onClose,
}: {
  editor: Editor;
  request: FindRequest;
  canReplace: boolean;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const findInput = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [replacement, setReplacement] = useState("");
  const [showReplace, setShowReplace] = useState(canReplace && request.withReplace);
  const [replacedCount, setReplacedCount] = useState<number | null>(null);
  const found = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const state = findState(e);
      return { count: state.matches.length, current: state.current };
    },
  });

  // Each request: the selected words (if any, on one line) become the search, the field is focused.
  useEffect(() => {
    const { from, to } = editor.state.selection;
    const selected = editor.state.doc.textBetween(from, to, "\n");
    if (selected && !selected.includes("\n") && selected.length <= 200) {
      setQuery(selected);
      setFindQuery(editor, selected, caseSensitive);
    }
    if (canReplace && request.withReplace) setShowReplace(true);
    findInput.current?.focus();
    findInput.current?.select();
    // Only a new request re-runs this; typing has its own handler.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request.key]);

  // Closing clears the highlights.
  useEffect(() => () => setFindQuery(editor, "", false), [editor]);

  const search = (nextQuery: string, nextCaseSensitive: boolean) => {
    setQuery(nextQuery);
    setCaseSensitive(nextCaseSensitive);
    setReplacedCount(null);
    setFindQuery(editor, nextQuery, nextCaseSensitive);
  };

  // A button that has nothing left to do is disabled and would drop the focus to the page.
  const keepFocusIfDone = () => {
    if (findState(editor).matches.length === 0) findInput.current?.focus();
  };
  const replaceOne = () => {
    replaceCurrent(editor, replacement);
    keepFocusIfDone();
  };
  const replaceEvery = () => {
    setReplacedCount(replaceAll(editor, replacement));
    keepFocusIfDone();
  };

  const close = () => {
    onClose();
    editor.commands.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  };

  const onFindKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    moveToMatch(editor, event.shiftKey ? -1 : 1);
  };

  const status =
    replacedCount !== null
      ? t("find.replaced", { count: replacedCount })
      : !query
        ? ""
        : found.count === 0
          ? t("find.noMatches")
          : t("find.position", { current: found.current + 1, count: found.count });

  return (
    // Escape from any field or button of the bar closes it.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <div className="find-bar" role="search" aria-label={t("find.label")} onKeyDown={onKeyDown}>
      <div className="find-row">
        <label className="visually-hidden" htmlFor={`${id}-find`}>
          {t("find.find")}
        </label>
        <input
          id={`${id}-find`}
          ref={findInput}
          type="search"
          className="find-input"
          placeholder={t("find.find")}
          value={query}
          maxLength={500}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => search(event.target.value, caseSensitive)}
          onKeyDown={onFindKeyDown}
        />
        <span className="find-status muted" role="status" aria-live="polite">
          {status}
        </span>
        {([-1, 1] as const).map((step) => {
          const label = step === -1 ? t("find.previous") : t("find.next");
          return (
            <button
              key={step}
              type="button"
              className="tool"
              aria-label={label}
              title={label}
              disabled={found.count === 0}
              onClick={() => moveToMatch(editor, step)}
            >
              <ToolIcon name={step === -1 ? "moveUp" : "moveDown"} />
            </button>
          );
        })}
        <label className="find-option">
          <input type="checkbox" checked={caseSensitive} onChange={(event) => search(query, event.target.checked)} />
          {t("find.matchCase")}
        </label>
        {canReplace && !showReplace ? (
          <button type="button" className="link-button" onClick={() => setShowReplace(true)}>
            {t("find.showReplace")}
          </button>
        ) : null}
        <button type="button" className="tool find-close" aria-label={t("find.close")} title={t("find.close")} onClick={close}>
          <ToolIcon name="close" />
        </button>
      </div>
      {canReplace && showReplace ? (
        <div className="find-row">
          <label className="visually-hidden" htmlFor={`${id}-replace`}>
            {t("find.replaceWith")}
          </label>
          <input
            id={`${id}-replace`}
            type="text"
            className="find-input"
            placeholder={t("find.replaceWith")}
            value={replacement}
            maxLength={500}
            autoComplete="off"
            onChange={(event) => setReplacement(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== "Enter") return;
              event.preventDefault();
              replaceOne();
            }}
          />
          <button type="button" className="plain small" disabled={found.count === 0} onClick={replaceOne}>
            {t("find.replace")}
          </button>
          <button type="button" className="plain small" disabled={found.count === 0} onClick={replaceEvery}>
            {t("find.replaceAll")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
