// The Tiptap editor bound to the plan's Y.Doc: the shared schema, live carets, and undo
// that undoes only this person's edits (Yjs's UndoManager through Collaboration).
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { LiveSession } from "../collab/live-session";
import type { PlanOpening } from "../collab/opening";
import { ACTION_COLUMNS, type ActionColumn } from "../editor/action-matrix";
import { caretElement, showNamesOnMove } from "../editor/caret-labels";
import { planExtensions } from "../editor/extensions";
import { FindReplace } from "../editor/find-replace";
import { EDIT_MODES, Suggesting, suggestingState, type EditMode, type RefusedReason } from "../editor/suggesting";
import { can } from "../models/roles";
import { ActionsByInstitution } from "./ActionsByInstitution";
import { CommentsPanel } from "./comments/CommentsPanel";
import { CommentsProvider, useComments } from "./comments/CommentsContext";
import { Outline } from "./Outline";
import { Panel, PanelButton, usePlanPanels } from "./PlanPanels";
import type { PlanDetails, WorkspaceUser } from "./PlanWorkspace";
import { FindBar, type FindRequest } from "./FindBar";
import { ShortcutsDialog, type ShortcutsDialogHandle } from "./ShortcutsDialog";
import { EditModeMenu, ReadingToolbar, Toolbar, type EditorCommands } from "./Toolbar";
import { WordCountDialog, type WordCountDialogHandle } from "./WordCountDialog";
import { readPendingDomChanges, RemoteChanges } from "../editor/remote-changes";
import { awaitingSyncOptions, bindOpenedEditor } from "../editor/opening-binding";
import { afterNextPaint } from "../utils/after-paint";
import { publishStickyBarHeight, stickyBarMargins } from "../utils/sticky-bar";
import { beforeApplyingOthersChanges, holdOthersChangesWhileTyping } from "../collab/remote-updates";

export function PlanEditor({
  session,
  opening,
  planTitle,
  user,
  canEdit,
  details,
  threadsVersion,
  statusBar,
}: {
  session: LiveSession;
  /** The document to show and edit before the plan's state is applied, if the server sent one. */
  opening: PlanOpening | null;
  planTitle: string;
  user: WorkspaceUser;
  canEdit: boolean;
  details: PlanDetails;
  /** Bumped whenever the server says the plan's comment threads changed. */
  threadsVersion: number;
  /** Who is here and whether the edits are saved: shown in the bar above the text. */
  statusBar: ReactNode;
}) {
  const { t } = useTranslation();
  const { doc, provider } = session;
  const canSuggest = can(details.role, "plan.suggest");
  const [chosenMode, chooseMode] = useChosenEditMode(details.planId);
  // Editors and owners choose; commenters always suggest; viewers read.
  const mode: EditMode = canEdit ? chosenMode : canSuggest ? "suggesting" : "viewing";
  const isEditable = mode !== "viewing";
  const [refusal, setRefusal] = useState<{ key: number } | null>(null);
  const onRefused = useRef<(reason: RefusedReason) => void>(() => {});
  onRefused.current = (reason) => {
    if (reason === "structure") setRefusal((previous) => ({ key: (previous?.key ?? 0) + 1 }));
  };
  const actionColumnLabels = Object.fromEntries(ACTION_COLUMNS.map((column) => [column, t(`actions.columns.${column}`)])) as Record<
    ActionColumn,
    string
  >;
  const editor = useEditor(
    {
      extensions: [
        ...planExtensions({ actionColumnLabels }),
        FindReplace,
        Suggesting.configure({ mode, authorId: user.id, onRefused: (reason) => onRefused.current(reason) }),
        // With an opening, the binding waits for its state (app/editor/opening-binding.ts).
        Collaboration.configure({ document: doc, ySyncOptions: awaitingSyncOptions(opening !== null) }),
        RemoteChanges,
        CollaborationCaret.configure({ provider, user: { name: user.name, color: user.color }, render: caretElement }),
      ],
      ...(opening ? { content: opening.content } : {}),
      editable: isEditable,
      // Re-render only what subscribes to editor state: large plans stay fast to type in.
      immediatelyRender: false,
      shouldRerenderOnTransaction: false,
      editorProps: {
        // Its scrolling to the caret keeps the caret out from under the bar at the top.
        scrollThreshold: stickyBarMargins,
        scrollMargin: stickyBarMargins,
        // The skip link lands here (app/root.tsx).
        attributes: {
          class: "plan-editor",
          "aria-label": t("app.planText", { title: planTitle }),
          "data-skip-target": "",
          spellcheck: "true",
        },
      },
    },
    [doc, provider],
  );
  useEffect(() => {
    if (editor) return showNamesOnMove(provider, editor.view.dom);
  }, [editor, provider]);
  // Opened from the server's opening: once the plan has painted, its state is applied (most of a
  // second on a 100-page plan), then in a task of its own the binding takes over and the socket
  // connects; typing meanwhile is kept (opening-binding.ts).
  useEffect(() => {
    if (!editor || !opening) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bind = () => {
      if (!editor.isDestroyed) bindOpenedEditor(editor.view);
    };
    const cancelWait = afterNextPaint(() => {
      if (editor.isDestroyed) return;
      if (session.applyOpeningState(opening)) {
        timer = setTimeout(() => {
          bind();
          session.connect();
        }, 0);
      } else {
        // The state could not be applied: the binding takes over from what the socket brings.
        session.connect();
        session.provider.once("sync", bind);
      }
    });
    return () => {
      cancelWait();
      clearTimeout(timer);
    };
  }, [editor, opening, session]);
  useEffect(() => {
    if (editor) return beforeApplyingOthersChanges(doc, () => editor.isDestroyed || readPendingDomChanges(editor.view));
  }, [editor, doc]);
  useEffect(() => {
    if (editor) return holdOthersChangesWhileTyping(doc, editor.view.dom);
  }, [editor, doc]);
  // A role or the mode changed while the page is open (the loader reloads on the server's notice).
  useEffect(() => {
    if (!editor) return;
    if (suggestingState(editor.state).mode !== mode) editor.commands.setEditMode(mode);
    if (editor.isEditable !== isEditable) editor.setEditable(isEditable);
  }, [editor, mode, isEditable]);
  // The hint that a change cannot be a suggestion goes away by itself.
  useEffect(() => {
    if (!refusal) return;
    const timer = setTimeout(() => setRefusal(null), 6000);
    return () => clearTimeout(timer);
  }, [refusal]);
  const shortcuts = useRef<ShortcutsDialogHandle>(null);
  const wordCount = useRef<WordCountDialogHandle>(null);
  const [findRequest, setFindRequest] = useState<FindRequest | null>(null);
  const commands = useMemo<EditorCommands>(
    () => ({
      showShortcuts: () => shortcuts.current?.open(),
      showWordCount: () => wordCount.current?.open(),
      find: (withReplace) => setFindRequest((previous) => ({ key: (previous?.key ?? 0) + 1, withReplace })),
    }),
    [],
  );
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const isMod = (event.ctrlKey || event.metaKey) && !event.altKey;
      const key = event.key.toLowerCase();
      const command =
        isMod && event.key === "/"
          ? commands.showShortcuts
          : isMod && !event.shiftKey && key === "f"
            ? () => commands.find(false)
            : isMod && !event.shiftKey && key === "h"
              ? () => commands.find(true)
              : isMod && event.shiftKey && key === "c"
                ? commands.showWordCount
                : null;
      if (command) {
        event.preventDefault();
        command();
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
  }, [editor, commands]);
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
      <PlanLayout
        editor={editor}
        canEdit={canEdit}
        mode={mode}
        onModeChange={chooseMode}
        refusalHint={refusal ? (canEdit ? t("editMode.refusedEditor") : t("editMode.refusedSuggester")) : null}
        details={details}
        statusBar={statusBar}
        commands={commands}
        findBar={
          findRequest ? <FindBar editor={editor} request={findRequest} canReplace={canEdit} onClose={() => setFindRequest(null)} /> : null
        }
      />
      <ShortcutsDialog ref={shortcuts} />
      <WordCountDialog ref={wordCount} editor={editor} />
    </CommentsProvider>
  );
}

/** Outline | text | comments; on narrower windows the text, with the other two on demand. */
function PlanLayout({
  editor,
  canEdit,
  mode,
  onModeChange,
  refusalHint,
  details,
  statusBar,
  commands,
  findBar,
}: {
  editor: Editor;
  canEdit: boolean;
  mode: EditMode;
  onModeChange: (mode: EditMode) => void;
  /** Why the last change was not made (it cannot be a suggestion), for a few seconds. */
  refusalHint: string | null;
  details: PlanDetails;
  statusBar: ReactNode;
  commands: EditorCommands;
  findBar: ReactNode;
}) {
  const { t } = useTranslation();
  const { threads, activeDraftKey, cardRequest, filters } = useComments();
  const panels = usePlanPanels();
  const { show } = panels;
  // Starting a comment, clicking a highlight or a section's comment count shows the comments.
  const isFirstRender = useRef(true);
  useEffect(() => {
    if (isFirstRender.current) {
      isFirstRender.current = false;
      return;
    }
    if (activeDraftKey || cardRequest) show("comments");
  }, [activeDraftKey, cardRequest, filters, show]);
  const openCount = threads.filter((thread) => thread.status === "open").length;
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => (bar.current ? publishStickyBarHeight(bar.current) : undefined), []);
  return (
    <div className="plan-layout">
      <Panel panels={panels} name="outline" label={t("outline.title")} className="plan-sidebar">
        {/* Clicks (and Enter, which clicks) on the outline's section links, delegated. */}
        {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions */}
        <div
          onClick={(event) => {
            // On a phone, going to a section shows it: the panel steps aside.
            if ((event.target as HTMLElement).closest(".outline-title")) panels.close({ returnFocus: false });
          }}
        >
          <Outline editor={editor} canEdit={canEdit} {...details} />
        </div>
      </Panel>
      {/* One bar across the page, kept in sight: the tools, then who is here and whether it is saved. */}
      <div className="workspace-bar" ref={bar}>
        <div className="panel-buttons">
          <PanelButton panels={panels} name="outline">
            {t("outline.title")}
          </PanelButton>
          <PanelButton panels={panels} name="comments">
            {t("comments.title")}
            {openCount > 0 ? (
              <>
                <span className="panel-count" aria-hidden="true">
                  {openCount}
                </span>
                <span className="visually-hidden">{t("comments.openCount", { count: openCount })}</span>
              </>
            ) : null}
          </PanelButton>
        </div>
        {canEdit && mode !== "viewing" ? (
          <Toolbar
            editor={editor}
            planId={details.planId}
            commands={commands}
            modeMenu={<EditModeMenu mode={mode} onChange={onModeChange} />}
          />
        ) : (
          <ReadingToolbar
            canComment={can(details.role, "plan.comment")}
            commands={commands}
            modeMenu={canEdit ? <EditModeMenu mode={mode} onChange={onModeChange} /> : null}
            isSuggesting={!canEdit && mode === "suggesting"}
          />
        )}
        <span className="mode-refused" role="status">
          {refusalHint}
        </span>
        {statusBar}
        {findBar}
      </div>
      <div className="plan-main">
        <div className="editor-with-comments">
          <div className="editor-frame">
            <EditorContent editor={editor} />
          </div>
          <Panel panels={panels} name="comments" label={t("comments.title")} className="comments-drawer">
            <CommentsPanel />
          </Panel>
        </div>
        <ActionsByInstitution editor={editor} planId={details.planId} />
      </div>
    </div>
  );
}

const modeStorageKey = (planId: string) => `gotong.editMode.${planId}`;

/** The mode an editor chose on this plan, remembered in this browser (Editing at first). */
function useChosenEditMode(planId: string): [EditMode, (mode: EditMode) => void] {
  const [mode, setMode] = useState<EditMode>("editing");
  useEffect(() => {
    const stored = readStorage(modeStorageKey(planId));
    if (stored && (EDIT_MODES as readonly string[]).includes(stored)) setMode(stored as EditMode);
  }, [planId]);
  const choose = (next: EditMode) => {
    setMode(next);
    try {
      window.localStorage.setItem(modeStorageKey(planId), next);
    } catch {
      // Storage may be off (private windows, policies): the mode then lasts for this page.
    }
  };
  return [mode, choose];
}

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
