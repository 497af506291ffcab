// Lays the comment cards out beside the text on wide windows: each level with its passage (or
// its section's heading), pushed down so none overlap, the active card (a thread or a new comment)
// exactly at its text. Cards are placed by setting their `top` directly, on every render and
// whenever the text, its width or a card's height changes, without rendering React again.
import type { Editor } from "@tiptap/react";
import { useEffect, useLayoutEffect, useRef, type RefObject } from "react";
import type { Draft } from "./CommentsContext";
import { pendingPassage } from "./highlights";
import { documentPlaces, stackCards, threadPlace, type DocumentPlaces } from "./positions";
import type { Thread } from "./types";
import { suggestionIdOfKey } from "../suggestions/types";

/** Keep in step with the media query in app.css. */
const WIDE_LAYOUT = "(min-width: 1100px)";
const CARD_GAP = 8;

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
    if (!window.matchMedia(WIDE_LAYOUT).matches) {
      for (const card of cards) card.style.top = "";
      element.style.minHeight = "";
      return;
    }
    const trackTop = element.getBoundingClientRect().top;
    const desired = cards.map((card) => desiredTop(editor, card.dataset.cardKey ?? "", latest.current) - trackTop);
    const { activeKey } = latest.current;
    const heights = cards.map((card) => card.offsetHeight);
    const tops = stackCards(
      desired,
      heights,
      cards.findIndex((card) => card.dataset.cardKey === activeKey),
      CARD_GAP,
    );
    cards.forEach((card, i) => {
      card.style.top = `${tops[i]}px`;
      finalTops.current.set(card.dataset.cardKey ?? "", trackTop + tops[i]!);
    });
    // The column is at least as tall as the text, and tall enough for its last card.
    const lastBottom = tops.length > 0 ? tops[tops.length - 1]! + heights[heights.length - 1]! : 0;
    const frame = editor.view.dom.closest(".editor-frame");
    element.style.minHeight = `${Math.max(lastBottom, frame ? frame.getBoundingClientRect().bottom - trackTop : 0)}px`;
  };
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), layoutRef.current()));
    };
    const resizeObserver = new ResizeObserver(schedule);
    observer.current = resizeObserver;
    observed.current = new WeakSet();
    resizeObserver.observe(editor.view.dom);
    editor.on("update", schedule);
    window.addEventListener("resize", schedule);
    return () => {
      cancelAnimationFrame(frame);
      resizeObserver.disconnect();
      observer.current = null;
      editor.off("update", schedule);
      window.removeEventListener("resize", schedule);
    };
  }, [editor]);

  const revealed = useRef(0);
  useLayoutEffect(() => {
    layout();
    if (!cardRequest || cardRequest.serial === revealed.current) return;
    revealed.current = cardRequest.serial;
    revealCard(track.current, cardRequest.threadId, finalTops.current.get(cardRequest.threadId));
  });
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

/** Scrolls a card into view; beside the text, to where layout is moving it (it may still be
 * sliding there). */
function revealCard(track: HTMLElement | null, threadId: string, finalTop: number | undefined): void {
  const card = track?.querySelector<HTMLElement>(`:scope > [data-card-key="${CSS.escape(threadId)}"]`);
  if (!card) return;
  if (finalTop === undefined) {
    card.scrollIntoView({ block: "nearest", behavior: "smooth" });
    return;
  }
  const bottom = finalTop + card.offsetHeight;
  if (finalTop >= 0 && bottom <= window.innerHeight) return;
  window.scrollBy({ top: finalTop < 0 ? finalTop - 80 : bottom - window.innerHeight + 16, behavior: "smooth" });
}
