// The outline and the comments beside the text on desktop windows; on narrower ones, panels
// that open over the text on demand from the bar above it, so the text comes first.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** Keep in step with the media queries in app.css and WIDE_LAYOUT in comments/card-layout.ts. */
const DESKTOP_LAYOUT = "(min-width: 1100px)";

export type PanelName = "outline" | "comments";

const panelId = (name: PanelName) => `plan-panel-${name}`;

function isDesktop(): boolean {
  return window.matchMedia(DESKTOP_LAYOUT).matches;
}

export interface PlanPanels {
  openPanel: PanelName | null;
  /** From the bar: focus moves into the panel, and back to its button when it closes. */
  toggle(name: PanelName): void;
  /** Because of something done elsewhere (a comment started, a highlight clicked). */
  show(name: PanelName): void;
  close(options?: { returnFocus?: boolean }): void;
  openers: React.MutableRefObject<Record<PanelName, HTMLButtonElement | null>>;
  shouldFocus: React.MutableRefObject<boolean>;
}

export function usePlanPanels(): PlanPanels {
  const [openPanel, setOpenPanel] = useState<PanelName | null>(null);
  const openers = useRef<Record<PanelName, HTMLButtonElement | null>>({ outline: null, comments: null });
  const shouldFocus = useRef(false);
  const current = useRef(openPanel);
  current.current = openPanel;

  const close = useCallback((options: { returnFocus?: boolean } = {}) => {
    const name = current.current;
    setOpenPanel(null);
    if (name && options.returnFocus !== false) openers.current[name]?.focus();
  }, []);
  const toggle = useCallback(
    (name: PanelName) => {
      if (current.current === name) return close();
      shouldFocus.current = true;
      setOpenPanel(name);
    },
    [close],
  );
  const show = useCallback((name: PanelName) => {
    if (!isDesktop()) setOpenPanel(name);
  }, []);
  // Grown to a desktop window, the panels are columns again: nothing stays "open".
  useEffect(() => {
    const query = window.matchMedia(DESKTOP_LAYOUT);
    const onChange = () => {
      if (query.matches) setOpenPanel(null);
    };
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  // A tap outside an open panel (on the dimmed text) closes it, as on any sheet over a page.
  useEffect(() => {
    if (!openPanel) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (document.getElementById(panelId(openPanel))?.contains(target) || openers.current[openPanel]?.contains(target)) return;
      close({ returnFocus: false });
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [openPanel, close]);
  return { openPanel, toggle, show, close, openers, shouldFocus };
}

export function PanelButton({ panels, name, children }: { panels: PlanPanels; name: PanelName; children: ReactNode }) {
  return (
    <button
      type="button"
      className="panel-button"
      aria-controls={panelId(name)}
      aria-expanded={panels.openPanel === name}
      ref={(button) => {
        panels.openers.current[name] = button;
      }}
      onClick={() => panels.toggle(name)}
    >
      {children}
    </button>
  );
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [contenteditable="true"], [tabindex]:not([tabindex="-1"])';

/** An open panel covers the page: Tab and Shift+Tab go round inside it, as in a dialog. */
function keepFocusWithin(panel: HTMLElement, event: React.KeyboardEvent): void {
  const focusable = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0);
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const target = event.shiftKey ? (document.activeElement === first ? last : null) : document.activeElement === last ? first : null;
  if (!target) return;
  event.preventDefault();
  target.focus();
}

export function Panel({
  panels,
  name,
  label,
  className,
  children,
}: {
  panels: PlanPanels;
  name: PanelName;
  label: string;
  className: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const element = useRef<HTMLElement>(null);
  const isOpen = panels.openPanel === name;
  useEffect(() => {
    if (!isOpen || !panels.shouldFocus.current) return;
    panels.shouldFocus.current = false;
    element.current?.querySelector<HTMLElement>(".panel-close")?.focus();
  }, [isOpen, panels.shouldFocus]);
  return (
    // Escape and Tab from whatever has focus inside the open panel (delegated).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <aside
      id={panelId(name)}
      ref={element}
      className={`plan-panel ${className}`}
      data-open={isOpen ? "" : undefined}
      aria-label={label}
      onKeyDown={(event) => {
        if (!isOpen || event.defaultPrevented) return;
        if (event.key === "Tab" && element.current) keepFocusWithin(element.current, event);
        // Escape that a field inside used (closing a list, a draft) is not for the panel.
        if (event.key !== "Escape") return;
        event.preventDefault();
        panels.close();
      }}
    >
      <div className="panel-head">
        <button type="button" className="panel-close plain small" onClick={() => panels.close()}>
          {t("panels.close")}
        </button>
      </div>
      {children}
    </aside>
  );
}
