// An EditorView as the editor binding sees one, without a DOM: for unit tests of the binding.
import type { EditorState, Plugin, PluginView, Transaction } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";

/**
 * What the binding needs of an EditorView, without a DOM: a state, dispatch, and the plugins'
 * views told of each update, in EditorView's order.
 */
export class HeadlessView {
  state: EditorState;
  private pluginViews: PluginView[] = [];
  /** For plugin views that listen on the editor's element (focus) or check it is drawn. */
  readonly dom = new EventTarget();
  readonly docView = {};

  constructor(state: EditorState) {
    this.state = state;
    for (const plugin of state.plugins as Plugin[]) {
      const view = plugin.spec.view?.(this as unknown as EditorView);
      if (view) this.pluginViews.push(view);
    }
  }

  dispatch(tr: Transaction): void {
    const previous = this.state;
    this.state = previous.apply(tr);
    for (const view of this.pluginViews) view.update?.(this as unknown as EditorView, previous);
  }

  hasFocus(): boolean {
    return false;
  }

  destroy(): void {
    for (const view of this.pluginViews) view.destroy?.();
  }
}
