/** The Y.XmlFragment the editor binds to (Tiptap's Collaboration default). */
export const PLAN_FRAGMENT = "default";
