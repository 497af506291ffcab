// Action matrices: tables whose columns are fixed by the schema (every row has exactly one
// cell per column), so an action can always be read out as data, on the server and live in
// the browser. Rows are added, removed and moved as ordinary editor transactions.
import { Node, mergeAttributes, type Editor } from "@tiptap/core";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";
import { TextSelection } from "@tiptap/pm/state";
import en from "../i18n/locales/en";
import { acceptedDocument } from "./suggestion-marks";

export const ACTION_COLUMNS = [
  "programme",
  "activity",
  "output",
  "indicator",
  "baseline",
  "target",
  "timeline",
  "responsible",
  "supporting",
] as const;
export type ActionColumn = (typeof ACTION_COLUMNS)[number];

/** English column names: the editor node's default header (the page passes translated ones). */
export const ACTION_COLUMN_LABELS_EN: Record<ActionColumn, string> = en.actions.columns;

export interface ActionMatrixOptions {
  /** Header labels, in the interface language (the header is not part of the text). */
  columnLabels: Record<ActionColumn, string>;
}

export const ActionMatrix = Node.create<ActionMatrixOptions>({
  name: "actionMatrix",
  group: "block",
  content: "actionRow+",
  isolating: true,
  addOptions() {
    return { columnLabels: ACTION_COLUMN_LABELS_EN };
  },
  parseHTML() {
    return [{ tag: 'table[data-type="action-matrix"]', contentElement: "tbody" }];
  },
  renderHTML({ HTMLAttributes }) {
    const labels = this.options.columnLabels;
    return [
      "table",
      // It scrolls sideways inside itself where the text column is narrow: a keyboard user
      // must be able to reach it to scroll it (a read-only version has nothing else to focus).
      mergeAttributes(HTMLAttributes, { "data-type": "action-matrix", class: "action-matrix", tabindex: "0" }),
      ["thead", { contenteditable: "false" }, ["tr", ...ACTION_COLUMNS.map((column) => ["th", { scope: "col" }, labels[column]])]],
      ["tbody", 0],
    ];
  },
  addKeyboardShortcuts() {
    return {
      Tab: () => moveToCell(this.editor, 1),
      "Shift-Tab": () => moveToCell(this.editor, -1),
    };
  },
});

export const ActionRow = Node.create({
  name: "actionRow",
  content: `actionCell{${ACTION_COLUMNS.length}}`,
  parseHTML() {
    return [{ tag: 'tr[data-type="action-row"]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["tr", mergeAttributes(HTMLAttributes, { "data-type": "action-row" }), 0];
  },
});

export const ActionCell = Node.create({
  name: "actionCell",
  content: "paragraph+",
  isolating: true,
  parseHTML() {
    return [{ tag: 'td[data-type="action-cell"]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["td", mergeAttributes(HTMLAttributes, { "data-type": "action-cell" }), 0];
  },
});

export function emptyActionRowJSON(values: string[] = []) {
  return {
    type: "actionRow",
    content: ACTION_COLUMNS.map((_, index) => ({
      type: "actionCell",
      content: [values[index] ? { type: "paragraph", content: [{ type: "text", text: values[index] }] } : { type: "paragraph" }],
    })),
  };
}

export function actionMatrixJSON(rows: string[][] = [[]]) {
  return { type: "actionMatrix", content: rows.map((values) => emptyActionRowJSON(values)) };
}

/** The row (and its matrix) around the selection, if any. */
function rowAtSelection(
  editor: Editor,
): { rowPos: number; row: ProseMirrorNode; matrixPos: number; matrix: ProseMirrorNode; index: number } | null {
  const $from = editor.state.selection.$from;
  for (let depth = $from.depth; depth > 1; depth--) {
    if ($from.node(depth).type.name === "actionRow") {
      return {
        rowPos: $from.before(depth),
        row: $from.node(depth),
        matrixPos: $from.before(depth - 1),
        matrix: $from.node(depth - 1),
        index: $from.index(depth - 1),
      };
    }
  }
  return null;
}

export function isInActionMatrix(editor: Editor): boolean {
  return rowAtSelection(editor) !== null;
}

export function insertActionMatrix(editor: Editor): boolean {
  return editor.chain().focus().insertContent(actionMatrixJSON()).run();
}

export function addActionRow(editor: Editor): boolean {
  const found = rowAtSelection(editor);
  if (!found) return false;
  const insertAt = found.rowPos + found.row.nodeSize;
  const row = editor.schema.nodeFromJSON(emptyActionRowJSON());
  const tr = editor.state.tr.insert(insertAt, row);
  tr.setSelection(TextSelection.near(tr.doc.resolve(insertAt + 3)));
  editor.view.dispatch(tr.scrollIntoView());
  return true;
}

/** Removes the row at the selection; removing the last row removes the matrix. */
export function removeActionRow(editor: Editor): boolean {
  const found = rowAtSelection(editor);
  if (!found) return false;
  const tr =
    found.matrix.childCount > 1
      ? editor.state.tr.delete(found.rowPos, found.rowPos + found.row.nodeSize)
      : editor.state.tr.delete(found.matrixPos, found.matrixPos + found.matrix.nodeSize);
  editor.view.dispatch(tr);
  return true;
}

export function moveActionRow(editor: Editor, direction: -1 | 1): boolean {
  const found = rowAtSelection(editor);
  if (!found) return false;
  const target = found.index + direction;
  if (target < 0 || target >= found.matrix.childCount) return false;
  const offsetInRow = editor.state.selection.from - found.rowPos;
  const neighbour = found.matrix.child(target);
  const tr = editor.state.tr.delete(found.rowPos, found.rowPos + found.row.nodeSize);
  // Upwards the neighbour sits before us; downwards, once we are gone, it starts where we were.
  const insertAt = direction === -1 ? found.rowPos - neighbour.nodeSize : found.rowPos + neighbour.nodeSize;
  tr.insert(insertAt, found.row);
  tr.setSelection(TextSelection.near(tr.doc.resolve(insertAt + offsetInRow)));
  editor.view.dispatch(tr.scrollIntoView());
  return true;
}

/** Tab / Shift-Tab: the next or previous cell; Tab in the last cell adds a row. */
function moveToCell(editor: Editor, direction: 1 | -1): boolean {
  const found = rowAtSelection(editor);
  if (!found) return false;
  const cells: number[] = [];
  editor.state.doc.nodesBetween(found.matrixPos, found.matrixPos + found.matrix.nodeSize, (node, pos) => {
    if (node.type.name === "actionCell") cells.push(pos);
    return node.type.name !== "actionCell";
  });
  const from = editor.state.selection.from;
  const current = cells.findLastIndex((pos) => pos < from);
  const next = current + direction;
  if (next >= cells.length) return addActionRow(editor);
  if (next < 0) return true;
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.near(editor.state.doc.resolve(cells[next]! + 2))));
  return true;
}

export interface ActionRowData {
  sectionId: string;
  sectionTitle: string;
  cells: Record<ActionColumn, string>;
}

/** Every action row in a plan document, with the section it belongs to. */
export function readActionRows(root: ProseMirrorNode): ActionRowData[] {
  const rows: ActionRowData[] = [];
  root.forEach((section) => {
    if (section.type.name !== "section") return;
    const sectionId = section.attrs.id as string;
    // The accepted text (open suggestions left out), read per row: copying the whole plan for it
    // on every change was the page's cost.
    const sectionTitle = section.firstChild ? acceptedDocument(section.firstChild).textContent : "";
    section.descendants((node) => {
      if (node.type.name !== "actionRow") return true;
      const cells = {} as Record<ActionColumn, string>;
      acceptedDocument(node).forEach((cell, _offset, index) => {
        const paragraphs: string[] = [];
        cell.forEach((paragraph) => paragraphs.push(paragraph.textContent));
        cells[ACTION_COLUMNS[index]!] = paragraphs.join("\n").trim();
      });
      rows.push({ sectionId, sectionTitle, cells });
      return false;
    });
  });
  return rows;
}

/** Action rows grouped by their responsible institution, institutions in alphabetical order. */
export function groupByInstitution(rows: ActionRowData[], unassignedLabel: string): [string, ActionRowData[]][] {
  const groups = new Map<string, ActionRowData[]>();
  for (const row of rows) {
    const institution = row.cells.responsible || unassignedLabel;
    groups.set(institution, [...(groups.get(institution) ?? []), row]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}
