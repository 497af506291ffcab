// A section of a plan: a node with a stable id, whose first child is its heading.
// Sections live in the one Yjs document (see docs/architecture.md), so presence, carets
// and undo span the whole plan, and the server can find a section's text by its id.
import { Extension, Node, mergeAttributes } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import Document from "@tiptap/extension-document";
import { ySyncPluginKey } from "@tiptap/y-tiptap";

export function newSectionId(): string {
  return `s-${crypto.randomUUID().slice(0, 8)}`;
}

export const PlanDocument = Document.extend({ content: "section+" });

export const Section = Node.create({
  name: "section",
  content: "heading block*",
  defining: true,
  // Backspace at the start of a section does not merge it into the previous one:
  // sections are added and removed on purpose, not by accident.
  isolating: true,

  addAttributes() {
    return {
      id: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-section-id"),
        renderHTML: (attributes) => ({ "data-section-id": attributes.id }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "section[data-section-id]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["section", mergeAttributes(HTMLAttributes, { class: "plan-section" }), 0];
  },
});

/** Gives every section a unique id: new ones, and copies made by pasting a section. */
export const SectionIds = Extension.create({
  name: "sectionIds",
  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        key: new PluginKey("sectionIds"),
        appendTransaction: (transactions, _oldState, newState) => {
          // Only this person's own edits are fixed up. Read-only editors never write, and a
          // change that came through Yjs (the first sync included: before it the editor
          // holds a placeholder section) is someone else's to fix, or nobody's.
          const isLocalEdit = transactions.some((tr) => tr.docChanged && !tr.getMeta(ySyncPluginKey));
          if (!editor.isEditable || !isLocalEdit) return null;
          const seen = new Set<string>();
          const tr = newState.tr;
          newState.doc.forEach((node, offset) => {
            if (node.type.name !== "section") return;
            const id = node.attrs.id as string | null;
            if (!id || seen.has(id)) {
              tr.setNodeAttribute(offset, "id", newSectionId());
            } else {
              seen.add(id);
            }
          });
          return tr.docChanged ? tr : null;
        },
      }),
    ];
  },
});
