// The plan's suggestions as the database knows them (docs/suggestions.md, "Data and API"): a
// moment after edits, whatever suggestion marks the document holds, from any source (a
// suggester's typing, the API, the Word import), get their row, and open rows their current
// text. Also the list of suggestions read off the document, kept until the next change.
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { PLAN_FRAGMENT, planSchema } from "../../app/editor/document.server";
import { isSuggestionKey, suggestionsInDocument, type SuggestionInDocument } from "../../app/editor/suggestion-marks";
import { openSuggestionAuthors, recordSuggestionsSeen, recordWithdrawn } from "../../app/models/suggestion.server";
import { errorFields, log } from "../../app/utils/log.server";

/** New suggestions reach the database this long after the last edit. */
const SUGGESTION_INDEX_DELAY_MS = 1000;

export class SuggestionIndex {
  private timer: NodeJS.Timeout | undefined;
  private cached: { doc: Y.Doc; suggestions: SuggestionInDocument[] } | undefined;
  /** Accounts that edited since the last write (null: someone unknown, another instance). */
  private editorsSinceWrite = new Set<number | null>();
  /** Suggestions in the document at the last write; unknown until the first. */
  private idsAtLastWrite: Set<string> | undefined;

  constructor(
    private readonly planId: string,
    /** The document when it is built; undefined when nothing can have changed. */
    private readonly openDocument: () => Y.Doc | undefined,
    /** Rows were added or changed: open pages fetch the suggestions again. */
    private readonly onChanged: () => void,
  ) {}

  get isWaiting(): boolean {
    return this.timer !== undefined;
  }

  /** Every suggestion in `doc` (the plan's document), read once per change. */
  inDocument(doc: Y.Doc): SuggestionInDocument[] {
    if (this.cached?.doc !== doc) {
      if (!hasSuggestionFormatting(doc.getXmlFragment(PLAN_FRAGMENT))) {
        this.cached = { doc, suggestions: [] };
        return this.cached.suggestions;
      }
      const root = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), planSchema());
      this.cached = { doc, suggestions: suggestionsInDocument(root) };
    }
    return this.cached.suggestions;
  }

  /** After an edit by `userId`: the list is read again, and written a moment later. */
  noteEdit(userId: number | null): void {
    this.cached = undefined;
    this.editorsSinceWrite.add(userId);
    this.timer ??= setTimeout(() => void this.write(), SUGGESTION_INDEX_DELAY_MS);
  }

  async write(): Promise<void> {
    this.stop();
    try {
      const doc = this.openDocument();
      if (!doc) return;
      const readAt = Date.now();
      const found = this.inDocument(doc);
      const editors = this.editorsSinceWrite;
      this.editorsSinceWrite = new Set();
      let changed = await recordSuggestionsSeen(this.planId, found, new Map(), readAt);
      const ids = new Set(found.map((entry) => entry.id));
      // Marks that went while only their author edited: their own undo, not an outdated
      // suggestion (anyone else's edit, or one from another instance, leaves it outdated).
      const [onlyEditor] = editors;
      if (this.idsAtLastWrite && editors.size === 1 && onlyEditor !== null && onlyEditor !== undefined) {
        const gone = [...this.idsAtLastWrite].filter((id) => !ids.has(id));
        const open = gone.length ? await openSuggestionAuthors(this.planId) : new Map<string, number>();
        const withdrawn = gone.filter((id) => open.get(id) === onlyEditor);
        await recordWithdrawn(this.planId, withdrawn);
        changed ||= withdrawn.length > 0;
      }
      // Marks that went (accepted or rejected elsewhere, withdrawn, or outdated by others' edits):
      // pages learn how each ended.
      changed ||= [...(this.idsAtLastWrite ?? [])].some((id) => !ids.has(id));
      this.idsAtLastWrite = ids;
      if (changed) this.onChanged();
    } catch (error) {
      log.error("suggestion index update failed", { plan: this.planId, ...errorFields(error) });
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Whether any text in the tree carries suggestion formatting: a walk over the Yjs items, much
 * cheaper than reading the document into ProseMirror (most edits of most plans have none). */
function hasSuggestionFormatting(node: Y.XmlFragment | Y.XmlElement): boolean {
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) {
      for (let item = child._start; item; item = item.right) {
        if (!item.deleted && item.content instanceof Y.ContentFormat && isSuggestionKey(item.content.key)) return true;
      }
    } else if (child instanceof Y.XmlElement && hasSuggestionFormatting(child)) {
      return true;
    }
  }
  return false;
}
