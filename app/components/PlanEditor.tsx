// The Tiptap editor bound to the plan's Y.Doc: the shared schema, live carets, and undo
// that undoes only this person's edits (Yjs's UndoManager through Collaboration).
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import {
  ACTION_COLUMNS,
  addActionRow,
  insertActionMatrix,
  isInActionMatrix,
  moveActionRow,
  removeActionRow,
  type ActionColumn,
} from "../editor/action-matrix";
import { caretElement, showNamesOnMove } from "../editor/caret-labels";
import { isSafeLinkUrl, planExtensions } from "../editor/extensions";
import { can } from "../models/roles";
import { ActionsByInstitution } from "./ActionsByInstitution";
import { CommentBar, CommentButton } from "./comments/CommentButton";
import { CommentsPanel } from "./comments/CommentsPanel";
import { CommentsProvider } from "./comments/CommentsContext";
import { SaveVersionButton } from "./history/SaveVersionButton";
import { Outline } from "./Outline";
import type { PlanDetails, WorkspaceUser } from "./PlanWorkspace";

export function PlanEditor({
  doc,
  provider,
  user,
  canEdit,
  details,
  threadsVersion,
}: {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: WorkspaceUser;
  canEdit: boolean;
  details: PlanDetails;
  /** Bumped whenever the server says the plan's comment threads changed. */
  threadsVersion: number;
}) {
  const { t } = useTranslation();
  const actionColumnLabels = Object.fromEntries(ACTION_COLUMNS.map((column) => [column, t(`actions.columns.${column}`)])) as Record<
    ActionColumn,
    string
  >;
  const editor = useEditor(
    {
      extensions: [
        ...planExtensions({ actionColumnLabels }),
        Collaboration.configure({ document: doc }),
        CollaborationCaret.configure({ provider, user: { name: user.name, color: user.color }, render: caretElement }),
      ],
      editable: canEdit,
      // Re-render only what subscribes to editor state: large plans stay fast to type in.
      immediatelyRender: false,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { class: "plan-editor", "aria-label": t("app.name"), spellcheck: "true" },
      },
    },
    [doc, provider],
  );
  useEffect(() => {
    if (editor) return showNamesOnMove(provider, editor.view.dom);
  }, [editor, provider]);
  // A role changed while the page is open (the loader reloads on the server's notice).
  useEffect(() => {
    if (editor && editor.isEditable !== canEdit) editor.setEditable(canEdit);
  }, [editor, canEdit]);
  if (!editor) return null;
  return (
    <CommentsProvider
      planId={details.planId}
      editor={editor}
      provider={provider}
      userId={user.id}
      role={details.role}
      threadsVersion={threadsVersion}
    >
      <div className="plan-layout">
        <aside className="plan-sidebar">
          <Outline editor={editor} canEdit={canEdit} {...details} />
        </aside>
        <div>
          <div className="editor-with-comments">
            <div className="editor-frame">
              {canEdit ? <Toolbar editor={editor} planId={details.planId} /> : can(details.role, "plan.comment") ? <CommentBar /> : null}
              <EditorContent editor={editor} />
            </div>
            <CommentsPanel />
          </div>
          <ActionsByInstitution editor={editor} planId={details.planId} />
        </div>
      </div>
    </CommentsProvider>
  );
}

function Toolbar({ editor, planId }: { editor: Editor; planId: string }) {
  const { t } = useTranslation();
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      isBold: e.isActive("bold"),
      isItalic: e.isActive("italic"),
      isHeading: e.isActive("heading", { level: 2 }),
      isSubheading: e.isActive("heading", { level: 3 }),
      isBulletList: e.isActive("bulletList"),
      isOrderedList: e.isActive("orderedList"),
      isLink: e.isActive("link"),
      isInTable: e.isActive("table"),
      isInActionMatrix: isInActionMatrix(e),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });

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

  const button = (label: string, isActive: boolean, onClick: () => void, disabled = false) => (
    <button
      type="button"
      className={isActive ? "tool is-active" : "tool"}
      aria-pressed={isActive}
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
      disabled={disabled}
    >
      {label}
    </button>
  );

  return (
    <div className="toolbar" role="toolbar" aria-label={t("toolbar.label")}>
      {button(t("toolbar.paragraph"), false, () => editor.chain().focus().setParagraph().run())}
      {button(t("toolbar.heading"), state.isHeading, () => editor.chain().focus().toggleHeading({ level: 2 }).run())}
      {button(t("toolbar.subheading"), state.isSubheading, () => editor.chain().focus().toggleHeading({ level: 3 }).run())}
      <span className="tool-separator" />
      {button(t("toolbar.bold"), state.isBold, () => editor.chain().focus().toggleBold().run())}
      {button(t("toolbar.italic"), state.isItalic, () => editor.chain().focus().toggleItalic().run())}
      {button(t("toolbar.link"), state.isLink, setLink)}
      <span className="tool-separator" />
      {button(t("toolbar.bulletList"), state.isBulletList, () => editor.chain().focus().toggleBulletList().run())}
      {button(t("toolbar.orderedList"), state.isOrderedList, () => editor.chain().focus().toggleOrderedList().run())}
      <span className="tool-separator" />
      {state.isInActionMatrix ? (
        <>
          {button(t("toolbar.addActionRow"), false, () => addActionRow(editor))}
          {button(t("toolbar.removeActionRow"), false, () => removeActionRow(editor))}
          {button(t("toolbar.moveRowUp"), false, () => moveActionRow(editor, -1))}
          {button(t("toolbar.moveRowDown"), false, () => moveActionRow(editor, 1))}
        </>
      ) : state.isInTable ? (
        <>
          {button(t("toolbar.addRow"), false, () => editor.chain().focus().addRowAfter().run())}
          {button(t("toolbar.deleteRow"), false, () => editor.chain().focus().deleteRow().run())}
          {button(t("toolbar.addColumn"), false, () => editor.chain().focus().addColumnAfter().run())}
          {button(t("toolbar.deleteColumn"), false, () => editor.chain().focus().deleteColumn().run())}
          {button(t("toolbar.deleteTable"), false, () => editor.chain().focus().deleteTable().run())}
        </>
      ) : (
        <>
          {button(t("toolbar.insertTable"), false, () =>
            editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
          )}
          {button(t("toolbar.insertActionMatrix"), false, () => insertActionMatrix(editor))}
        </>
      )}
      <span className="tool-separator" />
      {button(t("toolbar.undo"), false, () => editor.chain().focus().undo().run(), !state.canUndo)}
      {button(t("toolbar.redo"), false, () => editor.chain().focus().redo().run(), !state.canRedo)}
      <span className="tool-separator" />
      <CommentButton className="tool comment-tool" />
      <SaveVersionButton planId={planId} />
    </div>
  );
}
