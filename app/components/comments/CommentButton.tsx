// "Comment" on the selected text: in the editors' toolbar, or in a bar of its own above the
// text for commenters (who have no toolbar).
import { useTranslation } from "react-i18next";
import { useComments } from "./CommentsContext";
import { useLocalEditorState } from "../../editor/remote-changes";

export function CommentButton({ className }: { className: string }) {
  const { t } = useTranslation();
  const { editor, startTextComment } = useComments();
  const hasSelection = useLocalEditorState(editor, (e) => !e.state.selection.empty);
  const shortcut = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘⌥M" : "Ctrl+Alt+M";
  return (
    <button
      type="button"
      className={className}
      // Keep the editor's selection: it is what the comment is on.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => startTextComment()}
      disabled={!hasSelection}
      title={hasSelection ? t("comments.commentShortcut", { shortcut }) : t("comments.selectTextFirst")}
    >
      {t("comments.comment")}
    </button>
  );
}
