// A button that opens a menu of actions (the WAI-ARIA menu button pattern): Enter, Space or
// ArrowDown open it on the first item, ArrowUp on the last; arrows, Home and End move; Escape
// closes it and focus returns to the button; Tab or a click elsewhere closes it.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { itemForKey } from "./roving-focus";

export interface MenuItem {
  label: string;
  onSelect: () => void;
  isDisabled?: boolean;
  isDanger?: boolean;
  /** For a choice of one (menuitemradio): whether this is the one chosen. */
  isChecked?: boolean;
  /** A second, quieter line under the label. */
  description?: string;
}

export function MenuButton({
  label,
  icon,
  items,
  className,
  text,
  triggerClassName,
}: {
  label: string;
  icon: ReactNode;
  /** Or a function giving them, called only while the menu is open (a long list of rows each
   * with a menu then translates no labels nobody sees). */
  items: MenuItem[] | (() => MenuItem[]);
  className?: string;
  /** Shown beside the icon (the button's name is still `label`). */
  text?: ReactNode;
  triggerClassName?: string;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const [focusOn, setFocusOn] = useState<"first" | "last">("first");
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const menuItems = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
  const open = (at: "first" | "last") => {
    setFocusOn(at);
    setIsOpen(true);
  };
  const close = (returnFocus: boolean) => {
    setIsOpen(false);
    if (returnFocus) button.current?.focus();
  };

  useEffect(() => {
    if (!isOpen) return;
    const all = menuItems();
    (focusOn === "first" ? all[0] : all[all.length - 1])?.focus();
    const closeOnOutsideClick = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setIsOpen(false);
    };
    document.addEventListener("mousedown", closeOnOutsideClick);
    return () => document.removeEventListener("mousedown", closeOnOutsideClick);
  }, [isOpen, focusOn]);

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      open(event.key === "ArrowDown" ? "first" : "last");
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const next = itemForKey(menuItems(), document.activeElement as HTMLElement, event.key, "vertical");
    if (next) {
      event.preventDefault();
      next.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === "Tab") {
      setIsOpen(false);
    }
  };

  const select = (item: MenuItem) => {
    if (item.isDisabled) return;
    close(true);
    item.onSelect();
  };

  return (
    <span className={["menu-button", isOpen ? "is-open" : "", className ?? ""].filter(Boolean).join(" ")}>
      <button
        ref={button}
        type="button"
        className={triggerClassName ?? "icon-button menu-trigger"}
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls={isOpen ? menuId : undefined}
        onClick={() => (isOpen ? close(false) : open("first"))}
        onKeyDown={onButtonKeyDown}
      >
        {icon}
        {text}
      </button>
      {isOpen ? (
        <div ref={menu} id={menuId} role="menu" aria-label={label} className="menu" tabIndex={-1} onKeyDown={onMenuKeyDown}>
          {(typeof items === "function" ? items() : items).map((item) => (
            <button
              key={item.label}
              type="button"
              role={item.isChecked === undefined ? "menuitem" : "menuitemradio"}
              aria-checked={item.isChecked}
              tabIndex={-1}
              className={item.isDanger ? "menu-item is-danger" : "menu-item"}
              aria-disabled={item.isDisabled || undefined}
              onClick={() => select(item)}
            >
              {item.description ? (
                <>
                  <span className="menu-item-label">{item.label}</span>
                  <span className="menu-item-description">{item.description}</span>
                </>
              ) : (
                item.label
              )}
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}
