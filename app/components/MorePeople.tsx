// The last place in the bar's row of people when there are more than it has room for: "+N" (or,
// on a phone, a person and the count). A button: it opens the list of those not shown, by name
// and organisation, for the mouse, the keyboard and screen readers alike; Escape, the button
// again or a click elsewhere closes it. The list floats under the bar: opening it moves nothing.
import { useEffect, useId, useRef, useState } from "react";
import { Avatar } from "./Avatar";
import { ToolIcon } from "./ToolIcon";

export interface Person {
  id: number;
  name: string;
  color: string;
}

export function MorePeople<P extends Person>({
  people,
  labelOf,
  label,
  alone,
}: {
  people: P[];
  labelOf(person: P): string;
  /** Names them all, for the button's tooltip and screen readers. */
  label: string;
  /** No avatar before it (a phone): a person and the count instead of "+N". */
  alone: boolean;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const listId = useId();
  const wrapper = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setIsOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setIsOpen(false);
      if (wrapper.current?.contains(document.activeElement)) button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [isOpen]);
  return (
    <span className="more-people" ref={wrapper}>
      <button
        type="button"
        ref={button}
        className={`avatar presence-more${alone ? " is-alone" : ""}`}
        title={label}
        aria-label={label}
        aria-expanded={isOpen}
        aria-controls={listId}
        onClick={() => setIsOpen((open) => !open)}
      >
        {alone ? (
          <>
            <ToolIcon name="person" />
            {people.length}
          </>
        ) : (
          `+${people.length}`
        )}
      </button>
      <ul id={listId} className="more-people-list" hidden={!isOpen}>
        {people.map((person) => (
          <li key={person.id}>
            <span aria-hidden="true">
              <Avatar name={person.name} color={person.color} />
            </span>
            <span>{labelOf(person)}</span>
          </li>
        ))}
      </ul>
    </span>
  );
}
