// Lays the comment cards out beside the text on wide windows: each level with its passage (or
// its section's heading), pushed down so none overlap, the active card (a thread or a new comment)
// exactly at its text. Cards are placed by setting their `top` directly, on every render and
// whenever the text, its width or a card's height changes, without rendering React again.
import type { Editor } from "@tiptap/react";
import type { Transaction } from "@tiptap/pm/state";
import { useEffect, useLayoutEffect, useRef, type RefObject } from "react";
import { isRemoteChange } from "../../editor/remote-changes";
import type { Draft } from "./CommentsContext";
import { pendingPassage } from "./highlights";
import { documentPlaces, stackCards, threadPlace, type DocumentPlaces } from "./positions";
import type { Thread } from "./types";
import { suggestionIdOfKey } from "../suggestions/types";

/** Keep in step with the media query in app.css. */
const WIDE_LAYOUT = "(min-width: 1100px)";
const CARD_GAP = 8;
/** How soon cards follow text that one's own or others' typing moved (then at the next idle
 * moment, within IDLE_WAIT_MS). */
const OWN_CHANGE_LAYOUT_MS = 50;
const REMOTE_CHANGE_LAYOUT_MS = 150;
const IDLE_WAIT_MS = 200;

interface CardsState {
  threads: Thread[];
  drafts: Draft[];
  /** The active card: a draft's key or a thread's id. */
  activeKey: string | null;
}

export function useCardLayout(
  track: RefObject<HTMLElement>,
  editor: Editor,
  state: CardsState,
  cardRequest: { threadId: string; serial: number } | null,
): void {
  // Layout runs outside React's renders too: it reads the newest state from here.
  const latest = useRef(state);
  latest.current = state;
  const observer = useRef<ResizeObserver | null>(null);
  const observed = useRef(new WeakSet<Element>());
  const finalTops = useRef(new Map<string, number>());
  // Cards' heights as the ResizeObserver last reported them, and the tops last written: reading
  // every card's offsetHeight and style each time cost a layout pass over the column per frame.
  const heights = useRef(new WeakMap<Element, number>());
  const writtenTops = useRef(new WeakMap<Element, string>());

  const layout = () => {
    const element = track.current;
    if (!element || editor.isDestroyed) return;
    const cards = Array.from(element.querySelectorAll<HTMLElement>(":scope > [data-card-key]"));
    for (const card of cards) {
      if (observed.current.has(card) || !observer.current) continue;
      observed.current.add(card);
      observer.current.observe(card);
    }
    finalTops.current.clear();
    if (!cardsBesideText()) {
      for (const card of cards) card.style.top = "";
      writtenTops.current = new WeakMap();
      element.style.minHeight = "";
      return;
    }
    const trackTop = element.getBoundingClientRect().top;
    const { activeKey } = latest.current;
    const activeIndex = cards.findIndex((card) => card.dataset.cardKey === activeKey);
    const { start, end, exactTop } = cardsNearWindow(
      cards,
      (card) => desiredTop(editor, card.dataset.cardKey ?? "", latest.current),
      activeIndex,
    );
    const near = cards.slice(start, end);
    const heights = cards.map((card) => cardHeight(card));
    const nearTops = stackCards(
      near.map((_, i) => exactTop(start + i) - trackTop),
      heights.slice(start, end),
      activeIndex - start,
      CARD_GAP,
    );
    // Cards far from the window sit roughly level with their section (they are out of sight):
    // placing each exactly costs a measurement of the text per card, every frame.
    const roughTop = roughTops(editor, latest.current);
    let lastBottom = 0;
    const tops = cards.map((card, i) => {
      const top = i >= start && i < end ? nearTops[i - start]! : roughTop(card.dataset.cardKey ?? "") - trackTop;
      // A card whose place is gone (its section deleted) goes after the ones before it.
      const placed = Number.isFinite(top) ? top : lastBottom + CARD_GAP;
      lastBottom = Math.max(lastBottom, placed + heights[i]!);
      return placed;
    });
    cards.forEach((card, i) => {
      // Unchanged tops are not written again: each write makes the browser restyle the column.
      const top = `${tops[i]}px`;
      if (writtenTops.current.get(card) !== top) {
        card.style.top = top;
        writtenTops.current.set(card, top);
      }
      finalTops.current.set(card.dataset.cardKey ?? "", trackTop + tops[i]!);
    });
    // The column is at least as tall as the text, and tall enough for its last card.
    const frame = editor.view.dom.closest(".editor-frame");
    element.style.minHeight = `${Math.max(lastBottom, frame ? frame.getBoundingClientRect().bottom - trackTop : 0)}px`;
  };
  const cardHeight = (card: HTMLElement) => {
    let height = heights.current.get(card);
    if (height === undefined) heights.current.set(card, (height = card.offsetHeight));
    return height;
  };
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  useEffect(() => {
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let idle: (() => void) | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = undefined;
      idle?.();
      idle = undefined;
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), layoutRef.current()));
    };
    const scheduleWhenIdle = () => {
      timer = undefined;
      if (frame || idle) return;
      idle = whenIdle(() => ((idle = undefined), layoutRef.current()), IDLE_WAIT_MS);
    };
    // Typing moves cards a little, many times a second: they follow within a moment, when the
    // page is idle (others' typing a little later still), not at every frame: run in a frame,
    // the layout (a few milliseconds on a long plan) often landed in the next keystroke's frame
    // and delayed its paint. Scrolling and resizing move them at once.
    const onUpdate = ({ transaction }: { transaction: Transaction }) => {
      if (frame || timer || idle) return;
      timer = setTimeout(scheduleWhenIdle, isRemoteChange(transaction) ? REMOTE_CHANGE_LAYOUT_MS : OWN_CHANGE_LAYOUT_MS);
    };
    const resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        if (entry.target !== editor.view.dom) heights.current.set(entry.target, (entry.target as HTMLElement).offsetHeight);
      }
      schedule();
    });
    observer.current = resizeObserver;
    observed.current = new WeakSet();
    resizeObserver.observe(editor.view.dom);
    editor.on("update", onUpdate);
    window.addEventListener("resize", schedule);
    // Scrolling brings other cards near the window, to be placed exactly.
    window.addEventListener("scroll", schedule, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      idle?.();
      resizeObserver.disconnect();
      observer.current = null;
      editor.off("update", onUpdate);
      window.removeEventListener("resize", schedule);
      window.removeEventListener("scroll", schedule);
    };
  }, [editor]);

  const revealed = useRef(0);
  const revealedDraft = useRef<Draft | null>(null);
  // After a render, only when the cards shown or the active one changed: a card's own height
  // changes reach the ResizeObserver, and the text's changes the editor's update event. With
  // hundreds of cards (a plan full of suggestions) laying them all out on every render was most
  // of a keystroke's cost.
  const laidOutFor = useRef("");
  useLayoutEffect(() => {
    const cards = track.current ? Array.from(track.current.children, (card) => (card as HTMLElement).dataset.cardKey ?? "") : [];
    const signature = `${state.activeKey ?? ""}|${cards.join(",")}`;
    // A composer opened (or opened again: a new draft object) is laid out and brought into view
    // where it is going: a card still sliding to its place is elsewhere (a new one starts below
    // all the others, beyond the end of the page when a section has dozens of threads).
    const activeDraft = state.drafts.find((draft) => draft.key === state.activeKey) ?? null;
    const isNewDraft = activeDraft !== null && activeDraft !== revealedDraft.current;
    if (signature !== laidOutFor.current || isNewDraft) {
      laidOutFor.current = signature;
      layout();
    }
    if (isNewDraft && cardsBesideText()) {
      revealedDraft.current = activeDraft;
      revealCard(track.current, activeDraft.key, finalTops.current.get(activeDraft.key));
    }
    if (!cardRequest || cardRequest.serial === revealed.current) return;
    revealed.current = cardRequest.serial;
    revealCard(track.current, cardRequest.threadId, finalTops.current.get(cardRequest.threadId));
  });
}

/** Whether the cards are beside the text (wide windows), placed by this layout; on narrower ones
 * they are in the page's flow. */
export function cardsBesideText(): boolean {
  return window.matchMedia(WIDE_LAYOUT).matches;
}

/** Runs `callback` when the page is idle (at most `timeoutMs` later); where the browser has no
 * idle callbacks (Safari), in a task of its own. Returns what cancels it. */
function whenIdle(callback: () => void, timeoutMs: number): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(callback, { timeout: timeoutMs });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = setTimeout(callback, 0);
  return () => clearTimeout(handle);
}

/** Window heights above and below the window within which cards are placed exactly. */
const EXACT_BEYOND_WINDOWS = 1.5;

/**
 * The cards whose text is near the window, [start, end): cards are in document order, so their
 * text's tops rise with their index and a binary search finds the first one near the window
 * with a handful of measurements. The active card is always among them.
 */
function cardsNearWindow(
  cards: HTMLElement[],
  measure: (card: HTMLElement) => number,
  activeIndex: number,
): { start: number; end: number; exactTop: (index: number) => number } {
  const measured = new Map<number, number>();
  const exactTop = (index: number) => {
    let top = measured.get(index);
    if (top === undefined) measured.set(index, (top = measure(cards[index]!)));
    return top;
  };
  const above = -window.innerHeight * EXACT_BEYOND_WINDOWS;
  const below = window.innerHeight * (1 + EXACT_BEYOND_WINDOWS);
  let start = 0;
  let high = cards.length;
  while (start < high) {
    const middle = (start + high) >> 1;
    if (exactTop(middle) < above) start = middle + 1;
    else high = middle;
  }
  let end = start;
  while (end < cards.length && exactTop(end) <= below) end += 1;
  if (activeIndex >= 0) {
    start = Math.min(start, activeIndex);
    end = Math.max(end, activeIndex + 1);
  }
  return { start, end, exactTop };
}

/** A card's rough top: its section's, measured once per section. */
function roughTops(editor: Editor, { threads }: CardsState): (key: string) => number {
  const places = documentPlaces(editor.state.doc);
  const sectionOf = new Map<string, string>();
  for (const thread of threads) sectionOf.set(thread.id, thread.sectionId);
  const tops = new Map<string, number>();
  return (key) => {
    const suggestionId = suggestionIdOfKey(key);
    const sectionId = suggestionId ? places.suggestions.get(suggestionId)?.sectionId : sectionOf.get(key);
    if (!sectionId) return Number.POSITIVE_INFINITY;
    let top = tops.get(sectionId);
    if (top === undefined) tops.set(sectionId, (top = sectionTop(editor, places, sectionId)));
    return top;
  };
}

/** Where a card would like its top, in viewport pixels; infinity when its place is gone. */
function desiredTop(editor: Editor, key: string, { threads, drafts }: CardsState): number {
  const places = documentPlaces(editor.state.doc);
  const draft = drafts.find((d) => d.key === key);
  if (draft) {
    if (draft.kind === "section") return sectionTop(editor, places, draft.sectionId);
    const passage = pendingPassage(editor.state, draft.key);
    return passage ? textTop(editor, passage.from) : Number.POSITIVE_INFINITY;
  }
  const suggestionId = suggestionIdOfKey(key);
  if (suggestionId) {
    const place = places.suggestions.get(suggestionId);
    return place ? textTop(editor, place.from) : Number.POSITIVE_INFINITY;
  }
  const thread = threads.find((t) => t.id === key);
  if (!thread) return Number.POSITIVE_INFINITY;
  const place = threadPlace(thread, places);
  if (place.kind === "passage") return textTop(editor, place.pos);
  return place.kind === "section" ? sectionTop(editor, places, thread.sectionId) : Number.POSITIVE_INFINITY;
}

function textTop(editor: Editor, pos: number): number {
  try {
    return editor.view.coordsAtPos(pos).top;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function sectionTop(editor: Editor, places: DocumentPlaces, sectionId: string): number {
  const pos = places.sections.get(sectionId);
  const dom = pos === undefined ? null : editor.view.nodeDOM(pos);
  return dom instanceof Element ? dom.getBoundingClientRect().top : Number.POSITIVE_INFINITY;
}

/** Scrolls a card (a thread's or a draft's) into view; beside the text, to where layout is
 * moving it (it may still be sliding there). */
function revealCard(track: HTMLElement | null, cardKey: string, finalTop: number | undefined): void {
  const card = track?.querySelector<HTMLElement>(`:scope > [data-card-key="${CSS.escape(cardKey)}"]`);
  if (!card) return;
  if (finalTop === undefined) {
    card.scrollIntoView({ block: "nearest", behavior: "smooth" });
    return;
  }
  const bottom = finalTop + card.offsetHeight;
  if (finalTop >= 0 && bottom <= window.innerHeight) return;
  window.scrollBy({ top: finalTop < 0 ? finalTop - 80 : bottom - window.innerHeight + 16, behavior: "smooth" });
}
