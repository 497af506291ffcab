// "Once the page has shown it": a task after the next frame, not inside it.

/**
 * Runs `callback` once, in a task after the next frame (its animation-frame callbacks run
 * before the frame is drawn, so a timeout from there lands after it). With `fallbackMs`, also
 * then at the latest: a hidden tab draws no frames. Returns a function that cancels it.
 */
export function afterNextPaint(callback: () => void, fallbackMs?: number): () => void {
  let isDone = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (isDone) return;
    isDone = true;
    cancel();
    callback();
  };
  const frame = requestAnimationFrame(() => (timer = setTimeout(run, 0)));
  const fallback = fallbackMs === undefined ? undefined : setTimeout(run, fallbackMs);
  function cancel() {
    isDone = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    clearTimeout(fallback);
  }
  return cancel;
}
