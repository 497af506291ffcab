// A native modal <dialog> opened from anywhere (a button, a shortcut): a title, what it shows,
// and a Close button; Escape closes it too, and focus goes back to where it was.
import { useId, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

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
    onClose(): void {
      returnFocusTo.current?.focus();
      returnFocusTo.current = null;
    },
  };
}

export function ModalDialog({
  dialog,
  title,
  className,
  children,
}: {
  dialog: ReturnType<typeof useModalDialog>;
  title: string;
  className: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <dialog ref={dialog.ref} className={`modal-dialog ${className}`} aria-labelledby={titleId} onClose={dialog.onClose}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <form method="dialog" className="dialog-actions">
        <button type="submit" className="primary">
          {t("shortcuts.close")}
        </button>
      </form>
    </dialog>
  );
}
