// The Tiptap editor bound to the plan's Y.Doc: the shared schema, live carets, and undo
// that undoes only this person's edits (Yjs's UndoManager through Collaboration).
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import { ACTION_COLUMNS, type ActionColumn } from "../editor/action-matrix";
import { planExtensions } from "../editor/extensions";
import { can } from "../models/roles";
import { ActionsByInstitution } from "./ActionsByInstitution";
import { CommentBar } from "./comments/CommentButton";
import { CommentsPanel } from "./comments/CommentsPanel";
import { CommentsProvider } from "./comments/CommentsContext";
import { Outline } from "./Outline";
import type { PlanDetails, WorkspaceUser } from "./PlanWorkspace";
import { ShortcutsDialog, type ShortcutsDialogHandle } from "./ShortcutsDialog";
import { Toolbar } from "./Toolbar";

export function PlanEditor({
  doc,
  provider,
  planTitle,
  user,
  canEdit,
  details,
  threadsVersion,
}: {
  doc: Y.Doc;
  provider: WebsocketProvider;
  planTitle: string;
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
        CollaborationCaret.configure({ provider, user: { name: user.name, color: user.color } }),
      ],
      editable: canEdit,
      // Re-render only what subscribes to editor state: large plans stay fast to type in.
      immediatelyRender: false,
      shouldRerenderOnTransaction: false,
      editorProps: {
        // The skip link lands here (app/root.tsx).
        attributes: { class: "plan-editor", "aria-label": t("app.planText", { title: planTitle }), "data-skip-target": "", spellcheck: "true" },
      },
    },
    [doc, provider],
  );
  // A role changed while the page is open (the loader reloads on the server's notice).
  useEffect(() => {
    if (editor && editor.isEditable !== canEdit) editor.setEditable(canEdit);
  }, [editor, canEdit]);
  const shortcuts = useRef<ShortcutsDialogHandle>(null);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key === "/") {
        event.preventDefault();
        shortcuts.current?.open();
      } else if (event.altKey && event.key === "F10" && editor?.view.dom.contains(document.activeElement)) {
        // From the text to the toolbar, as in word processors.
        const tool = document.querySelector<HTMLElement>('[role="toolbar"] button[tabindex="0"]');
        if (tool) {
          event.preventDefault();
          tool.focus();
        }
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [editor]);
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
              {canEdit ? (
                <Toolbar editor={editor} planId={details.planId} onShowShortcuts={() => shortcuts.current?.open()} />
              ) : can(details.role, "plan.comment") ? <CommentBar /> : null}
              <EditorContent editor={editor} />
            </div>
            <CommentsPanel />
          </div>
          <ActionsByInstitution editor={editor} planId={details.planId} />
        </div>
      </div>
      <ShortcutsDialog ref={shortcuts} />
    </CommentsProvider>
  );
}
