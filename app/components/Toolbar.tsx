// The editors' formatting toolbar: one Tab stop, arrow keys, Home and End inside (the WAI-ARIA
// toolbar pattern, with a roving tabindex), icon buttons named for screen readers.
import type { Editor } from "@tiptap/react";
import { useCallback, useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { addActionRow, insertActionMatrix, isInActionMatrix, moveActionRow, removeActionRow } from "../editor/action-matrix";
import { isSafeLinkUrl } from "../editor/extensions";
import { EDIT_MODES, type EditMode } from "../editor/suggesting";
import { addSection } from "../editor/section-commands";
import { CommentButton } from "./comments/CommentButton";
import { MenuButton } from "./MenuButton";
import { SaveVersionButton } from "./history/SaveVersionButton";
import { itemForKey } from "./roving-focus";
import { shortcutLabel } from "./ShortcutsDialog";
import { ToolIcon, type IconName } from "./ToolIcon";
import { hasUndo, useLocalEditorState } from "../editor/remote-changes";

/** The toolbar's own buttons, its Comment and its Save version: what arrow keys move between. */
const ITEM_SELECTOR = "button.tool";

/** What the toolbars open, also on their shortcuts (PlanEditor). */
export interface EditorCommands {
  showShortcuts(): void;
  showWordCount(): void;
  find(withReplace: boolean): void;
}

export function Toolbar({
  editor,
  planId,
  commands,
  modeMenu,
}: {
  editor: Editor;
  planId: string;
  commands: EditorCommands;
  /** Editing / Suggesting / Viewing, at the end of the bar (as in Google Docs). */
  modeMenu: ReactNode;
}) {
  const { t } = useTranslation();
  const toolbar = useRovingToolbar();
  const state = useLocalEditorState(editor, (e) => ({
    isBold: e.isActive("bold"),
    isItalic: e.isActive("italic"),
    isSubheading: e.isActive("heading", { level: 3 }),
    isBulletList: e.isActive("bulletList"),
    isOrderedList: e.isActive("orderedList"),
    isLink: e.isActive("link"),
    isInTable: e.isActive("table"),
    isInActionMatrix: isInActionMatrix(e),
    canUndo: hasUndo(e.state, "undo"),
    canRedo: hasUndo(e.state, "redo"),
  }));

  const setLink = () => {
    if (state.isLink) {
      editor.chain().focus().extendMarkRange("link").unsetLink().run();
      return;
    }
    const url = window.prompt(t("toolbar.linkPrompt"), "https://");
    if (!url) return;
    if (!isSafeLinkUrl(url)) {
      window.alert(t("toolbar.linkRefused"));
      return;
    }
    editor.chain().focus().extendMarkRange("link").setLink({ href: url.trim() }).run();
  };

  /** A new section after the one the caret is in, its title selected for typing. */
  const newSection = () => {
    const { $from } = editor.state.selection;
    const current = $from.depth >= 1 ? $from.node(1) : null;
    addSection(editor, current?.type.name === "section" ? (current.attrs.id as string) : null, t("outline.newSectionTitle"));
  };

  const tool = toolButton;
  return (
    <div
      className="toolbar"
      role="toolbar"
      aria-label={t("toolbar.label")}
      ref={toolbar.ref}
      onKeyDown={toolbar.onKeyDown}
      onFocus={toolbar.onFocus}
    >
      {tool("newSection", t("toolbar.newSection"), newSection, { text: t("toolbar.newSection"), className: "tool-new-section" })}
      <span className="tool-separator" />
      {tool("paragraph", t("toolbar.paragraph"), () => editor.chain().focus().setParagraph().run(), { shortcut: "Mod-Alt-0" })}
      {tool("subheading", t("toolbar.subheading"), () => editor.chain().focus().toggleHeading({ level: 3 }).run(), {
        isPressed: state.isSubheading,
        shortcut: "Mod-Alt-3",
      })}
      <span className="tool-separator" />
      {tool("bold", t("toolbar.bold"), () => editor.chain().focus().toggleBold().run(), { isPressed: state.isBold, shortcut: "Mod-B" })}
      {tool("italic", t("toolbar.italic"), () => editor.chain().focus().toggleItalic().run(), {
        isPressed: state.isItalic,
        shortcut: "Mod-I",
      })}
      {tool("link", t("toolbar.link"), setLink, { isPressed: state.isLink })}
      <span className="tool-separator" />
      {tool("bulletList", t("toolbar.bulletList"), () => editor.chain().focus().toggleBulletList().run(), {
        isPressed: state.isBulletList,
        shortcut: "Mod-Shift-8",
      })}
      {tool("orderedList", t("toolbar.orderedList"), () => editor.chain().focus().toggleOrderedList().run(), {
        isPressed: state.isOrderedList,
        shortcut: "Mod-Shift-7",
      })}
      <span className="tool-separator" />
      {state.isInActionMatrix ? (
        <>
          {tool("addRow", t("toolbar.addActionRow"), () => addActionRow(editor))}
          {tool("deleteRow", t("toolbar.removeActionRow"), () => removeActionRow(editor))}
          {tool("moveUp", t("toolbar.moveRowUp"), () => moveActionRow(editor, -1))}
          {tool("moveDown", t("toolbar.moveRowDown"), () => moveActionRow(editor, 1))}
        </>
      ) : state.isInTable ? (
        <>
          {tool("addRow", t("toolbar.addRow"), () => editor.chain().focus().addRowAfter().run())}
          {tool("deleteRow", t("toolbar.deleteRow"), () => editor.chain().focus().deleteRow().run())}
          {tool("addColumn", t("toolbar.addColumn"), () => editor.chain().focus().addColumnAfter().run())}
          {tool("deleteColumn", t("toolbar.deleteColumn"), () => editor.chain().focus().deleteColumn().run())}
          {tool("deleteTable", t("toolbar.deleteTable"), () => editor.chain().focus().deleteTable().run())}
        </>
      ) : (
        <>
          {tool("table", t("toolbar.insertTable"), () =>
            editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
          )}
          {tool("actionMatrix", t("toolbar.insertActionMatrix"), () => insertActionMatrix(editor))}
        </>
      )}
      <span className="tool-separator" />
      {tool("undo", t("toolbar.undo"), () => editor.chain().focus().undo().run(), { isDisabled: !state.canUndo, shortcut: "Mod-Z" })}
      {tool("redo", t("toolbar.redo"), () => editor.chain().focus().redo().run(), { isDisabled: !state.canRedo, shortcut: "Mod-Shift-Z" })}
      <span className="tool-separator" />
      <FindAndCountTools commands={commands} canReplace />
      <CommentButton className="tool comment-tool" />
      <SaveVersionButton planId={planId} />
      {modeMenu}
    </div>
  );
}

/** For those who read, comment and suggest (and editors in Viewing mode): Comment, find, word
 * count and the shortcut list, and the mode. */
export function ReadingToolbar({
  canComment,
  commands,
  modeMenu,
  isSuggesting,
}: {
  canComment: boolean;
  commands: EditorCommands;
  modeMenu?: ReactNode;
  /** A commenter, who always suggests: said in the bar instead of a mode menu. */
  isSuggesting?: boolean;
}) {
  const { t } = useTranslation();
  const toolbar = useRovingToolbar();
  return (
    <div
      className="toolbar reading-toolbar"
      role="toolbar"
      aria-label={t("toolbar.readingLabel")}
      ref={toolbar.ref}
      onKeyDown={toolbar.onKeyDown}
      onFocus={toolbar.onFocus}
    >
      {canComment ? <CommentButton className="tool comment-tool" /> : null}
      <FindAndCountTools commands={commands} canReplace={false} />
      {isSuggesting ? (
        <span className="mode-indicator" data-mode="suggesting" data-testid="edit-mode">
          <ToolIcon name="suggesting" />
          {t("editMode.suggesting")}
        </span>
      ) : null}
      {modeMenu}
      {canComment ? (
        <span className="muted comment-bar-hint">{isSuggesting ? t("editMode.suggesterHint") : t("comments.barHint")}</span>
      ) : null}
    </div>
  );
}

function FindAndCountTools({ commands, canReplace }: { commands: EditorCommands; canReplace: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {toolButton("search", canReplace ? t("find.findAndReplace") : t("find.find"), () => commands.find(false), { shortcut: "Mod-F" })}
      {toolButton("wordCount", t("wordCount.title"), commands.showWordCount, { shortcut: "Mod-Shift-C" })}
      {toolButton("keyboard", t("shortcuts.title"), commands.showShortcuts, { shortcut: "Mod-/" })}
    </>
  );
}

/** One of the toolbars' icon buttons: named for screen readers, its shortcut in the tooltip. */
function toolButton(
  icon: IconName,
  label: string,
  onClick: () => void,
  options: { isPressed?: boolean; isDisabled?: boolean; shortcut?: string; text?: ReactNode; className?: string } = {},
) {
  return (
    <button
      type="button"
      className={["tool", options.isPressed ? "is-active" : "", options.className ?? ""].filter(Boolean).join(" ")}
      aria-label={label}
      title={options.shortcut ? `${label} (${shortcutLabel(options.shortcut)})` : label}
      aria-pressed={options.isPressed === undefined ? undefined : options.isPressed}
      // Keep the editor's selection: it is what the button acts on.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
      disabled={options.isDisabled}
      tabIndex={-1}
    >
      <ToolIcon name={icon} />
      {options.text ? <span className="tool-text">{options.text}</span> : null}
    </button>
  );
}

const MODE_ICON: Record<EditMode, IconName> = { editing: "editing", suggesting: "suggesting", viewing: "viewing" };

/** The mode menu button for editors and owners; the current mode is its text. */
export function EditModeMenu({ mode, onChange }: { mode: EditMode; onChange: (mode: EditMode) => void }) {
  const { t } = useTranslation();
  return (
    <MenuButton
      className="mode-menu"
      triggerClassName={`tool mode-tool mode-${mode}`}
      label={t("editMode.button", { mode: t(`editMode.${mode}`) })}
      icon={<ToolIcon name={MODE_ICON[mode]} />}
      text={
        <span className="tool-text" data-testid="edit-mode">
          {t(`editMode.${mode}`)}
        </span>
      }
      items={EDIT_MODES.map((each) => ({
        label: t(`editMode.${each}`),
        description: t(`editMode.${each}Help`),
        isChecked: each === mode,
        onSelect: () => onChange(each),
      }))}
    />
  );
}

const keyOf = (button: HTMLElement) => button.getAttribute("aria-label") ?? button.textContent ?? "";
const toolbarItems = (toolbar: HTMLElement | null) => [...(toolbar?.querySelectorAll<HTMLButtonElement>(ITEM_SELECTOR) ?? [])];

/** Exactly one enabled button is in the Tab order: the last one used, else the first. */
function useRovingToolbar() {
  const ref = useRef<HTMLDivElement>(null);
  const lastUsed = useRef<string | null>(null);
  const items = () => toolbarItems(ref.current);

  // Reads only refs: the same function for the toolbar's life.
  const sync = useCallback(() => {
    const all = toolbarItems(ref.current);
    const enabled = all.filter((button) => !button.disabled);
    const active = enabled.find((button) => keyOf(button) === lastUsed.current) ?? enabled[0];
    for (const button of all) button.tabIndex = button === active ? 0 : -1;
  }, []);

  useEffect(() => {
    sync();
    // Buttons come and go (table tools) and are enabled and disabled by their own components.
    const observer = new MutationObserver(sync);
    if (ref.current) observer.observe(ref.current, { subtree: true, childList: true, attributes: true, attributeFilter: ["disabled"] });
    return () => observer.disconnect();
  }, [sync]);

  const onFocus = (event: { target: EventTarget }) => {
    const target = event.target as HTMLElement;
    if (!target.matches(ITEM_SELECTOR)) return;
    lastUsed.current = keyOf(target);
    sync();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    // Keys typed in the Save version form are the form's; the mode button's ArrowDown opens its menu.
    if (!target.matches(ITEM_SELECTOR) || event.defaultPrevented) return;
    const enabled = items().filter((button) => !button.disabled);
    const next = itemForKey(enabled, target as HTMLButtonElement, event.key, "both");
    if (!next) return;
    event.preventDefault();
    next.focus();
  };

  return { ref, onFocus, onKeyDown };
}
