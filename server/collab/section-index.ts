// The plan's sections (ids, titles, order) as SQLite knows them, for the dashboard and the
// details pages: written a moment after the last edit and on unload, and only when the
// outline changed.
import type * as Y from "yjs";
import { sectionOutline } from "../../app/editor/document.server";
import { syncSectionIndex } from "../../app/models/section.server";
import { errorFields, log } from "../../app/utils/log.server";

/** Section ids and titles reach SQLite (dashboard, details) this long after the last edit. */
const SECTION_INDEX_DELAY_MS = 1000;

export class SectionIndex {
  private timer: NodeJS.Timeout | undefined;
  /** Section ids as last written to SQLite, to tell pages when the set changes. */
  private indexedSectionIds = "";
  /** The outline (ids, titles, order) as last written; unknown ("") until the first write. */
  private indexedOutline = "";

  constructor(
    private readonly planId: string,
    /** The document when it is built; undefined when nothing can have changed. */
    private readonly openDocument: () => Y.Doc | undefined,
    /** A section was added or removed. */
    private readonly onSectionsAddedOrRemoved: () => void,
  ) {}

  /** Whether a write is waiting for its moment. */
  get isWaiting(): boolean {
    return this.timer !== undefined;
  }

  /** The sections as the document was opened: the set later writes compare with. */
  rememberOpened(doc: Y.Doc): void {
    this.indexedSectionIds = sectionOutline(doc)
      .map((section) => section.id)
      .join(" ");
  }

  /** After an edit: write a moment later, once for a burst of them. */
  writeSoon(): void {
    this.timer ??= setTimeout(() => void this.write(), SECTION_INDEX_DELAY_MS);
  }

  /** Writes the sections' ids, titles and order to SQLite; runs after edits and on unload. */
  async write(): Promise<void> {
    this.stop();
    try {
      const doc = this.openDocument();
      if (!doc) return; // never opened for reading: nothing can have changed
      const outline = sectionOutline(doc);
      const outlineKey = JSON.stringify(outline);
      // Typing in a paragraph leaves the outline as it was: no write.
      if (outlineKey === this.indexedOutline) return;
      await syncSectionIndex(this.planId, outline);
      this.indexedOutline = outlineKey;
      const ids = outline.map((section) => section.id).join(" ");
      // A section was added or removed: open pages reload its details (status, lead…).
      if (this.indexedSectionIds && ids !== this.indexedSectionIds) this.onSectionsAddedOrRemoved();
      this.indexedSectionIds = ids;
    } catch (error) {
      log.error("section index update failed", { plan: this.planId, ...errorFields(error) });
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
