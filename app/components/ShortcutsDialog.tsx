// The list of the editor's keyboard shortcuts, opened with Ctrl+/ (⌘/ on a Mac) or from the
// toolbar. A native modal dialog: Escape closes it and focus goes back where it was.
import { forwardRef, useImperativeHandle } from "react";
import { useTranslation } from "react-i18next";
import { ModalDialog, useModalDialog } from "./ModalDialog";

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** "Mod-Shift-Z" as this computer writes it: "Ctrl+Shift+Z", or "⌘⇧Z" on a Mac. */
export function shortcutLabel(spec: string): string {
  const mac = isMac();
  const names: Record<string, string> = mac ? { Mod: "⌘", Alt: "⌥", Shift: "⇧", Ctrl: "⌃" } : { Mod: "Ctrl" };
  return spec
    .split("-")
    .map((key) => names[key] ?? key)
    .join(mac ? "" : "+");
}

const SHORTCUTS = [
  ["bold", "Mod-B"],
  ["italic", "Mod-I"],
  ["underline", "Mod-U"],
  ["strike", "Mod-Shift-S"],
  ["paragraph", "Mod-Alt-0"],
  ["subheading", "Mod-Alt-3"],
  ["bulletList", "Mod-Shift-8"],
  ["orderedList", "Mod-Shift-7"],
  ["lineBreak", "Shift-Enter"],
  ["undo", "Mod-Z"],
  ["redo", "Mod-Shift-Z"],
  ["comment", "Mod-Alt-M"],
  ["nextCell", "Tab"],
  ["previousCell", "Shift-Tab"],
  ["find", "Mod-F"],
  ["findAndReplace", "Mod-H"],
  ["wordCount", "Mod-Shift-C"],
  ["toolbar", "Alt-F10"],
  ["shortcuts", "Mod-/"],
] as const;

export interface ShortcutsDialogHandle {
  open: () => void;
}

export const ShortcutsDialog = forwardRef<ShortcutsDialogHandle>(function ShortcutsDialog(_props, handle) {
  const { t } = useTranslation();
  const dialog = useModalDialog();
  useImperativeHandle(handle, () => ({ open: () => dialog.open() }));
  return (
    <ModalDialog dialog={dialog} title={t("shortcuts.title")} className="shortcuts-dialog">
      <table className="shortcuts-table">
        <thead>
          <tr>
            <th scope="col">{t("shortcuts.action")}</th>
            <th scope="col">{t("shortcuts.keys")}</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([action, keys]) => (
            <tr key={action}>
              <td>{t(`shortcuts.${action}`)}</td>
              <td>
                <kbd>{shortcutLabel(keys)}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ModalDialog>
  );
});
