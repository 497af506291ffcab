// Other people's carets: the name shows for a moment when they move (so it does not sit over
// the line above while you read), then shrinks to a small flag in their colour; hovering the
// flag shows the name again. The label never takes the text's italics or bold. A name that would
// run past the window's right edge (a caret near the end of a line on a phone) is drawn to the
// left of its caret.
import type { WebsocketProvider } from "y-websocket";
import { afterNextPaint } from "../utils/after-paint";

const NAMED_FOR_MS = 2000;
const NAMED = "is-named";
const FLIPPED = "is-flipped";
/** Room left between a name and the window's right edge. */
const EDGE_PX = 4;
const timers = new WeakMap<HTMLElement, number>();

/** The caret for CollaborationCaret's `render`: the name is shown as it appears. */
export function caretElement(user: { name?: unknown; color?: unknown }): HTMLElement {
  const name = typeof user.name === "string" ? user.name : "";
  const color = typeof user.color === "string" ? user.color : "transparent";
  const caret = document.createElement("span");
  caret.className = "collaboration-carets__caret";
  caret.style.borderColor = color;
  caret.dataset.caretUser = caretKey(name, color);
  const label = document.createElement("span");
  label.className = "collaboration-carets__label";
  label.style.backgroundColor = color;
  label.textContent = name;
  label.title = name;
  caret.append(label);
  showName(label);
  return caret;
}

/** Shows the name again on every caret of someone whose caret moved; returns the unsubscribe. */
export function showNamesOnMove(provider: WebsocketProvider, root: HTMLElement): () => void {
  const { awareness } = provider;
  const onChange = ({ updated }: { updated: number[] }) => {
    for (const clientId of updated) {
      if (clientId === awareness.clientID) continue;
      const user = (awareness.getStates().get(clientId) as { user?: { name?: unknown; color?: unknown } } | undefined)?.user;
      if (!user || typeof user.name !== "string" || typeof user.color !== "string") continue;
      const key = caretKey(user.name, user.color);
      for (const caret of root.querySelectorAll<HTMLElement>(".collaboration-carets__caret")) {
        const label = caret.querySelector<HTMLElement>(".collaboration-carets__label");
        if (caret.dataset.caretUser === key && label) showName(label);
      }
    }
  };
  awareness.on("change", onChange);
  return () => awareness.off("change", onChange);
}

function caretKey(name: string, color: string): string {
  return `${color} ${name}`;
}

function showName(label: HTMLElement): void {
  label.classList.add(NAMED);
  window.clearTimeout(timers.get(label));
  timers.set(
    label,
    window.setTimeout(() => label.classList.remove(NAMED), NAMED_FOR_MS),
  );
  keepInWindow(label);
}

const toPlace = new Set<HTMLElement>();
let isPlacing = false;

/**
 * Once the frame that shows the name has been drawn (its layout is then done: reading it costs
 * nothing, where reading at once would force a layout in the middle of others' typing), a name
 * running past the window's right edge goes to the left of its caret, and back when it fits.
 */
function keepInWindow(label: HTMLElement): void {
  toPlace.add(label);
  if (isPlacing) return;
  isPlacing = true;
  afterNextPaint(() => {
    isPlacing = false;
    const labels = [...toPlace].filter((candidate) => candidate.isConnected && candidate.classList.contains(NAMED));
    toPlace.clear();
    const right = document.documentElement.clientWidth - EDGE_PX;
    // Every box is read before any class is written: one layout at most.
    const boxes = labels.map((candidate) => candidate.getBoundingClientRect());
    labels.forEach((candidate, i) => {
      const box = boxes[i]!;
      const caretX = candidate.classList.contains(FLIPPED) ? box.right : box.left;
      candidate.classList.toggle(FLIPPED, caretX + box.width > right && caretX - box.width >= 0);
    });
  }, 500);
}
