// The bar that stays at the top of the plan page (the tools, and on a phone the panel tabs above
// them) covers the window's top: what is scrolled to its start there lands behind it. Its height
// is published two ways, each where the scrolling reads it:
// - `--sticky-bar-height` on the document, the scroll margin of what the page scrolls to its start
//   (a section from the outline, the address or a thread; the skip link's target: app.css). A
//   margin on those targets, not the page's scroll padding, which would also move everything
//   else's scrolling (a card's "nearest", the browser's scroll anchoring).
// - `stickyBarMargins`, the editor's own scrolling to its caret, which reads neither.

/** Room between the bar and what is brought to just below it. */
const SPACE_BELOW_BAR_PX = 16;
let barHeight = 0;

/** Keeps `--sticky-bar-height` and `stickyBarMargins` equal to `bar`'s height; returns the undo. */
export function publishStickyBarHeight(bar: HTMLElement): () => void {
  const root = document.documentElement;
  const observer = new ResizeObserver(() => {
    barHeight = bar.offsetHeight;
    root.style.setProperty("--sticky-bar-height", `${barHeight}px`);
  });
  observer.observe(bar);
  return () => {
    observer.disconnect();
    barHeight = 0;
    root.style.removeProperty("--sticky-bar-height");
  };
}

/** ProseMirror's `scrollThreshold` and `scrollMargin`: a caret moved behind the bar (arrow up,
 * typing at the top of the window) is scrolled to just below it. Read by the editor each time it
 * scrolls, so the getter follows the bar's height. ProseMirror's default elsewhere: 5 px. */
export const stickyBarMargins = {
  get top() {
    return barHeight === 0 ? 5 : barHeight + SPACE_BELOW_BAR_PX;
  },
  right: 5,
  bottom: 5,
  left: 5,
};
