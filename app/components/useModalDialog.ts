// A native modal <dialog> opened from anywhere (a button, a shortcut): Escape closes it, and
// focus goes back to where it was when it opened.
import { useRef } from "react";

export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocusTo = useRef<HTMLElement | null>(null);
  return {
    ref,
    /** Opens the dialog unless it is open already; `beforeOpen` prepares what it shows. */
    open(beforeOpen?: () => void): void {
      const dialog = ref.current;
      if (!dialog || dialog.open) return;
      beforeOpen?.();
      returnFocusTo.current = document.activeElement as HTMLElement | null;
      dialog.showModal();
    },
    /** The dialog's onClose. */
    onClose(): void {
      returnFocusTo.current?.focus();
      returnFocusTo.current = null;
    },
  };
}
