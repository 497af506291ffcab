// The bar that stays at the top of the plan page (the tools, and on a phone the panel tabs above
// them) covers the window's top. Its height, kept in `--sticky-bar-height` on the document, is
// the page's scroll padding (app.css): whatever is scrolled to its start — a section from the
// outline or the address, a thread, the skip link's target — lands below the bar, not behind it.

/** Keeps the document's `--sticky-bar-height` equal to `bar`'s height; returns the undo. */
export function publishStickyBarHeight(bar: HTMLElement): () => void {
  const root = document.documentElement;
  const observer = new ResizeObserver(() => root.style.setProperty("--sticky-bar-height", `${bar.offsetHeight}px`));
  observer.observe(bar);
  return () => {
    observer.disconnect();
    root.style.removeProperty("--sticky-bar-height");
  };
}
