// Brings the reader to a section of the plan's text with the caret at its start, once the
// text has synced: after a restore of one section, and for `#section-<id>` in the address (the
// dashboard's links to sections assigned to someone; threads are `#thread-<id>`).
import { useLocation } from "@remix-run/react";
import type { Editor } from "@tiptap/react";
import { useEffect } from "react";

const WAIT_FOR_SECTION_MS = 10_000;
/** Save states that mean the text has synced with the server (PlanWorkspace's status line). */
const SYNCED_STATUSES = new Set(["connected", "editing", "saving", "saved"]);

// The section may be on the page before the text has synced (its text arrives live): a caret
// placed then is lost when the synced content replaces it.
function isTextSynced(): boolean {
  const status = document.querySelector<HTMLElement>(".connection-status")?.dataset.status;
  return status !== undefined && SYNCED_STATUSES.has(status);
}

/** Scrolls to the section and puts the caret at its start once it is there (gives up after
 * ten seconds); returns what cancels it. */
export function revealSection(sectionId: string): () => void {
  const selector = `.ProseMirror section[data-section-id="${CSS.escape(sectionId)}"]`;
  const startedAt = Date.now();
  let timer = 0;
  const reveal = () => {
    const element = document.querySelector<HTMLElement>(selector);
    if (!element || !isTextSynced()) {
      if (Date.now() - startedAt < WAIT_FOR_SECTION_MS) timer = window.setTimeout(reveal, 100);
      return;
    }
    const editor = element.closest<HTMLElement & { editor?: Editor }>(".ProseMirror")?.editor;
    const start = element.querySelector("h1, h2, h3, h4, p") ?? element;
    // At the top, below the bar that stays there (the section's scroll margin: app.css), as the
    // outline and threads bring it.
    element.scrollIntoView({ block: "start" });
    // Given to the editor, not put in the browser's selection for the editor to read: its focus
    // handler puts back its own selection (the top of the plan) if it has not read the browser's
    // yet 20 ms after the focus, which a busy page can miss (a CI run of versions.test.ts did).
    if (editor && !editor.isDestroyed) {
      editor.commands.focus(editor.view.posAtDOM(start, 0), { scrollIntoView: false });
    }
  };
  reveal();
  return () => window.clearTimeout(timer);
}

/** Reveals the section `#section-<id>` names, on arriving and when the address changes. */
export function useSectionFromAddress(): void {
  const { hash, key } = useLocation();
  const sectionId = hash.startsWith("#section-") ? safeDecode(hash.slice("#section-".length)) : null;
  useEffect(() => (sectionId ? revealSection(sectionId) : undefined), [sectionId, key]);
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null; // a malformed address names no section
  }
}
