// The plan document's schema: the same extensions in the browser's editor and on the
// server (seeding, later versions, diff and export), so both read a document alike.
import type { AnyExtension } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";
import { CommentAnchorGuard, CommentMark } from "./comment-mark";
import { ActionCell, ActionMatrix, ActionRow, type ActionMatrixOptions } from "./action-matrix";
import { PlanDocument, Section, SectionIds } from "./section";
import { SuggestionDeleteMark, SuggestionInsertMark } from "./suggestion-marks";

/** Only these link targets are kept; javascript:, data: and the rest are refused. */
export function isSafeLinkUrl(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url.trim());
}

/** A link's address as the exports and the compare views may keep it: http(s) or mailto only,
 * and a well-formed URL (normalised); null for anything else. */
export function safeLinkHref(href: unknown): string | null {
  if (typeof href !== "string" || !isSafeLinkUrl(href)) return null;
  try {
    return new URL(href.trim()).href;
  } catch {
    return null;
  }
}

export function planExtensions(options: { actionColumnLabels?: ActionMatrixOptions["columnLabels"] } = {}): AnyExtension[] {
  return [
    StarterKit.configure({
      document: false,
      // Yjs's UndoManager (from the Collaboration extension) replaces the history:
      // it undoes only this user's own changes.
      undoRedo: false,
      heading: { levels: [2, 3, 4] },
      codeBlock: false,
      link: {
        openOnClick: false,
        autolink: true,
        protocols: ["mailto"],
        isAllowedUri: (url) => isSafeLinkUrl(url),
        HTMLAttributes: { rel: "noopener noreferrer nofollow", target: "_blank" },
      },
    }),
    PlanDocument,
    Section,
    SectionIds,
    // No node view for tables (View: null): the editor renders them from the schema, as the
    // clipboard and every other reader do. @tiptap/core hands ProseMirror a new node view function
    // each time it is asked, and the page asks again as it mounts, so a table node view made
    // ProseMirror build the whole plan's DOM twice when it opened (tests/unit/editor-mount.test.ts).
    TableKit.configure({ table: { resizable: false, View: null } }),
    options.actionColumnLabels ? ActionMatrix.configure({ columnLabels: options.actionColumnLabels }) : ActionMatrix,
    ActionRow,
    ActionCell,
    CommentMark,
    CommentAnchorGuard,
    SuggestionInsertMark,
    SuggestionDeleteMark,
  ];
}
