// A plan opened from its opening (app/collab/opening.ts): the editor shows the opening's
// document and takes typing at once, its binding waiting (the y-tiptap patch's `awaitContent`).
// Once the page has painted, the opening's Yjs state is applied, the binding takes over from it,
// and what was typed meanwhile is applied again on top, so it goes through the binding into Yjs
// as if typed now. Only then does the socket connect: it brings what others did since.
import { Selection, type EditorState, type Transaction } from "@tiptap/pm/state";
import type { Step } from "@tiptap/pm/transform";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import type { EditorView } from "@tiptap/pm/view";
import { readPendingDomChanges } from "./remote-changes";
import { SUGGESTION_META } from "./suggesting";

interface AwaitingBinding {
  isAwaitingContent: boolean;
  bindContent(): { steps: Step[]; matches: boolean };
}

/** What binding needs of the editor's view. */
interface BindingView {
  state: EditorState;
  dispatch(tr: Transaction): void;
}

function awaitingBinding(state: EditorState): AwaitingBinding | null {
  const binding = (ySyncPluginKey.getState(state) as { binding?: AwaitingBinding } | undefined)?.binding;
  return binding?.isAwaitingContent ? binding : null;
}

/** The sync plugin's options for a binding that waits for its state: the patch's option, which
 * y-tiptap's own types do not list. */
export function awaitingSyncOptions(awaitContent: boolean): Record<string, never> {
  return { awaitContent } as unknown as Record<string, never>;
}

/**
 * Binds the editor to its Y.Doc, which now holds the opening's state. Returns how many of the
 * steps typed meanwhile applied again (all of them when the state held the opening's very
 * document, which the server's conversion makes it), or null if there was nothing to bind.
 */
export function bindOpenedEditor(view: BindingView): { steps: number; failed: number; matches: boolean } | null {
  const binding = awaitingBinding(view.state);
  if (!binding) return null;
  // What the browser changed and has not reported yet (a click's selection, say) is read first:
  // it is part of what is kept, and the selection put back.
  readPendingDomChanges(view as EditorView);
  const selection = view.state.selection.toJSON();
  const { steps, matches } = binding.bindContent();
  let failed = 0;
  if (steps.length > 0) {
    const tr = view.state.tr;
    for (const step of steps) if (tr.maybeStep(step).failed) failed += 1;
    try {
      tr.setSelection(Selection.fromJSON(tr.doc, selection));
    } catch {
      // The selection as the steps mapped it.
    }
    // Someone suggesting typed suggestions already: they are not rewritten a second time.
    view.dispatch(tr.setMeta(SUGGESTION_META, true));
  }
  if (!matches || failed > 0) console.error("the plan's opening differed from its state", { steps: steps.length, failed });
  return { steps: steps.length, failed, matches };
}
