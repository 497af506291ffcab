// What the editor does with other people's changes, kept cheap: on a 100-page plan with twenty
// people typing, a hundred remote changes a second arrive, and each is a whole editor
// transaction. Work that only matters for one's own typing skips them.
import { Extension, type Editor } from "@tiptap/core";
import { ySyncPluginKey, yUndoPluginKey } from "@tiptap/y-tiptap";
import type { EditorState, Transaction } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import { useRef, useSyncExternalStore } from "react";

/** A transaction that brings others' changes in from the shared document. */
export function isRemoteChange(transaction: Transaction): boolean {
  const meta = transaction.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
  return Boolean(meta?.isChangeOrigin);
}

/**
 * Makes ProseMirror read now what the browser changed and has not reported yet (a selection
 * extended with Shift+Arrow reports on the next "selectionchange"). Called before others'
 * changes are applied: the binding keeps the selection the editor knows, and would otherwise put
 * the old one back. `domObserver` is ProseMirror's own, not in its types.
 */
export function readPendingDomChanges(view: EditorView): void {
  (view as unknown as { domObserver?: { flush(): void } }).domObserver?.flush();
}

/**
 * Whether this person's undo (or redo) has anything to take back, read from the Yjs undo
 * manager as the undo command itself does: `editor.can().undo()` built a chain of every command
 * to ask, a millisecond per keystroke on the toolbar alone.
 */
export function hasUndo(state: EditorState, direction: "undo" | "redo"): boolean {
  const undoManager = (yUndoPluginKey.getState(state) as { undoManager?: { undoStack: unknown[]; redoStack: unknown[] } } | undefined)
    ?.undoManager;
  return (direction === "undo" ? undoManager?.undoStack.length : undoManager?.redoStack.length) ? true : false;
}

/**
 * Links are made of what this person types, never of what others type (their own browser does
 * that): the autolink plugin otherwise scanned every paragraph of the plan on each remote change,
 * since the binding replaces the whole document and so marks all of it as changed.
 */
export const RemoteChanges = Extension.create({
  name: "remoteChanges",
  dispatchTransaction({ transaction, next }) {
    if (isRemoteChange(transaction)) transaction.setMeta("preventAutolink", true);
    next(transaction);
  },
});

/**
 * Editor state for a toolbar or button, read again after this person's own transactions only
 * (others' typing moves neither the caret's marks nor the undo stack), and handed to React only
 * when it changed, so a remote keystroke costs no render.
 */
export function useLocalEditorState<T>(editor: Editor, select: (editor: Editor) => T, isEqual: (a: T, b: T) => boolean = shallowEqual): T {
  const cache = useRef<{ value: T; stale: boolean } | null>(null);
  const selectRef = useRef(select);
  selectRef.current = select;
  const read = () => {
    const current = cache.current;
    if (current && !current.stale) return current.value;
    const value = selectRef.current(editor);
    cache.current = { value: current && isEqual(current.value, value) ? current.value : value, stale: false };
    return cache.current.value;
  };
  const subscribe = (onChange: () => void) => {
    const onTransaction = ({ transaction }: { transaction: Transaction }) => {
      if (isRemoteChange(transaction) || !cache.current) return;
      cache.current.stale = true;
      onChange();
    };
    editor.on("transaction", onTransaction);
    return () => {
      editor.off("transaction", onTransaction);
    };
  };
  // The subscription is the same for one editor: React resubscribes only when it changes.
  const subscribeRef = useRef<{ editor: Editor; subscribe: typeof subscribe } | null>(null);
  if (subscribeRef.current?.editor !== editor) subscribeRef.current = { editor, subscribe };
  return useSyncExternalStore(subscribeRef.current.subscribe, read, read);
}

function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
