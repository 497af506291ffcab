// A comment textarea that suggests plan members after "@": arrow keys and Enter or Tab (or a
// click) put `@Their Name ` in the text (their handle, app/utils/comment-body.ts: members who
// are not owners never see email addresses), Escape closes the list. Ctrl/⌘+Enter submits.
import { forwardRef, useId, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { mentionHandles } from "../../utils/comment-body";
import { MAX_COMMENT_LENGTH, type Person } from "./types";

const MAX_SUGGESTIONS = 8;
/** "@" at the start or after a space, then what has been typed of a name (up to three words)
 * or an email. */
const MENTION_QUERY = /(?:^|[\s(])@([^\s@]*(?:@[^\s@]*)?(?: [^\s@]*){0,2})$/;

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange"> & {
  value: string;
  onValueChange(value: string): void;
  members: readonly Person[];
  onSubmit?(): void;
  onCancel?(): void;
};

export const MentionTextarea = forwardRef<HTMLTextAreaElement, Props>(function MentionTextarea(
  { value, onValueChange, members, onSubmit, onCancel, onKeyDown, onBlur, ...textareaProps },
  ref,
) {
  const { t } = useTranslation();
  const textarea = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(ref, () => textarea.current!, []);
  const listId = useId();
  const [query, setQuery] = useState<{ start: number; text: string } | null>(null);
  const [highlighted, setHighlighted] = useState(0);
  const caretAfterInsert = useRef<number | null>(null);
  const handles = useMemo(() => mentionHandles(members), [members]);
  const suggestions = query ? matchingMembers(members, query.text) : [];
  const isOpen = suggestions.length > 0;
  const highlightedIndex = Math.min(highlighted, suggestions.length - 1);

  useLayoutEffect(() => {
    if (caretAfterInsert.current === null || !textarea.current) return;
    textarea.current.setSelectionRange(caretAfterInsert.current, caretAfterInsert.current);
    caretAfterInsert.current = null;
  }, [value]);

  const readQuery = (element: HTMLTextAreaElement) => {
    const caret = element.selectionStart;
    const match = element.selectionEnd === caret ? MENTION_QUERY.exec(element.value.slice(0, caret)) : null;
    const typed = match?.[1]?.toLowerCase();
    // A finished mention (the whole handle or email typed or chosen) needs no suggestions.
    const isFinished =
      typed !== undefined &&
      members.some((member) => handles.get(member.id)?.toLowerCase() === typed || member.email?.toLowerCase() === typed);
    const next = match && !isFinished ? { start: caret - match[1]!.length - 1, text: match[1]! } : null;
    if (next?.text !== query?.text) setHighlighted(0);
    setQuery(next);
  };

  const insert = (member: Person) => {
    const element = textarea.current;
    if (!element || !query) return;
    const mention = `@${handles.get(member.id) ?? member.name} `;
    const end = element.selectionStart;
    caretAfterInsert.current = query.start + mention.length;
    onValueChange(value.slice(0, query.start) + mention + value.slice(end));
    setQuery(null);
  };

  return (
    <div className="mention-field">
      <textarea
        {...textareaProps}
        ref={textarea}
        value={value}
        maxLength={MAX_COMMENT_LENGTH}
        aria-autocomplete="list"
        aria-controls={isOpen ? listId : undefined}
        aria-activedescendant={isOpen ? `${listId}-${highlightedIndex}` : undefined}
        onChange={(event) => {
          onValueChange(event.target.value);
          readQuery(event.target);
        }}
        onSelect={(event) => readQuery(event.currentTarget)}
        onBlur={(event) => {
          setQuery(null);
          onBlur?.(event);
        }}
        onKeyDown={(event) => {
          if (isOpen) {
            const move = event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
            if (move) {
              event.preventDefault();
              setHighlighted((highlightedIndex + move + suggestions.length) % suggestions.length);
              return;
            }
            if (event.key === "Enter" || event.key === "Tab") {
              event.preventDefault();
              insert(suggestions[highlightedIndex]!);
              return;
            }
            if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation();
              setQuery(null);
              return;
            }
          }
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && onSubmit) {
            event.preventDefault();
            onSubmit();
            return;
          }
          if (event.key === "Escape" && onCancel) {
            event.preventDefault();
            onCancel();
            return;
          }
          onKeyDown?.(event);
        }}
      />
      {isOpen ? (
        <ul className="mention-list" role="listbox" id={listId} aria-label={t("comments.mentionSuggestions")}>
          {suggestions.map((member, index) => (
            // Keys stay in the textarea (aria-activedescendant); the pointer picks here.
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <li
              key={member.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === highlightedIndex}
              className={index === highlightedIndex ? "is-highlighted" : undefined}
              // Keep the caret in the textarea.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => insert(member)}
            >
              <span className="mention-name">{member.name}</span>
              <span className="muted">{[member.organisation, member.email].filter(Boolean).join(" · ")}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});

function matchingMembers(members: readonly Person[], typed: string): Person[] {
  const needle = typed.toLowerCase();
  const starts = (text = "") =>
    text.toLowerCase().startsWith(needle) ||
    text
      .toLowerCase()
      .split(/\s+/)
      .some((word) => word.startsWith(needle));
  const fits = (text = "") => text.toLowerCase().includes(needle);
  return members
    .filter((member) => fits(member.name) || fits(member.email))
    .sort((a, b) => Number(starts(b.name) || starts(b.email)) - Number(starts(a.name) || starts(a.email)))
    .slice(0, MAX_SUGGESTIONS);
}
