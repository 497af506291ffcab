// The toolbar's and outline's small line icons, drawn inline (no icon font, no download).
// Decorative: the button around each icon carries its name.
const PATHS = {
  newSection: "M3 2h6.5L13 5.5V14H3z M9.5 2v3.5H13 M8 7.5v4.5 M5.75 9.75h4.5",
  paragraph: "M12.5 2.5H7a3 3 0 0 0 0 6h2 M9 2.5V14 M11.5 2.5V14",
  subheading: "M2 3.5v9 M7 3.5v9 M2 8h5 M10 6.5h3.5l-2 2.2a1.9 1.9 0 1 1-1.6 3",
  bold: "M4.5 2.5h4a2.75 2.75 0 0 1 0 5.5h-4z M4.5 8h5a2.75 2.75 0 0 1 0 5.5h-5z",
  italic: "M7 2.5h6 M3 13.5h6 M10 2.5 6 13.5",
  link: "M6.5 9.5a3 3 0 0 0 4.2 0l2.1-2.1a3 3 0 0 0-4.2-4.2l-.9.9 M9.5 6.5a3 3 0 0 0-4.2 0L3.2 8.6a3 3 0 0 0 4.2 4.2l.9-.9",
  bulletList: "M6.5 4h7.5 M6.5 8h7.5 M6.5 12h7.5 M2.5 4h1 M2.5 8h1 M2.5 12h1",
  orderedList: "M6.5 4h7.5 M6.5 8h7.5 M6.5 12h7.5 M2 2.5h1.2v3 M1.8 10.2a1 1 0 0 1 1.7.7L1.8 13.5h2",
  table: "M2 3h12v10H2z M2 6.5h12 M2 10h12 M6 3v10 M10 3v10",
  actionMatrix: "M2 3h12v10H2z M2 6.5h12 M2 10h12 M5.5 6.5V13 M2.5 4.75h11",
  addRow: "M2 3h12v5H2z M2 5.5h12 M11 10v4.5 M8.75 12.25h4.5",
  deleteRow: "M2 3h12v5H2z M2 5.5h12 M9 10.5l3.5 3.5 M12.5 10.5 9 14",
  addColumn: "M2 2h5v12H2z M4.5 2v12 M12 5.5v5 M9.5 8h5",
  deleteColumn: "M2 2h5v12H2z M4.5 2v12 M9.75 6.25l3.5 3.5 M13.25 6.25l-3.5 3.5",
  deleteTable: "M2 3h12v10H2z M5.5 5.5l5 5 M10.5 5.5l-5 5",
  moveUp: "M8 13.5v-11 M4 6.5l4-4 4 4",
  moveDown: "M8 2.5v11 M4 9.5l4 4 4-4",
  undo: "M5.5 2.5 2.5 5.5l3 3 M2.5 5.5h7a3.75 3.75 0 0 1 0 7.5H6",
  redo: "M10.5 2.5l3 3-3 3 M13.5 5.5h-7a3.75 3.75 0 0 0 0 7.5H10",
  keyboard: "M1.5 4h13v8h-13z M4 6.5h.01 M6.5 6.5h.01 M9 6.5h.01 M11.5 6.5h.01 M5 9.5h6",
  more: "M3.5 8h.01 M8 8h.01 M12.5 8h.01",
  search: "M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z M10.3 10.3l3.2 3.2",
  wordCount: "M2.5 4h5.5 M2.5 8h5.5 M2.5 12h5.5 M11 3.5l-1 9 M14 3.5l-1 9 M9.6 6.2h4.6 M9.3 9.8h4.6",
  close: "M4 4l8 8 M12 4l-8 8",
  // The three modes: a pencil, a pencil with a speech mark, an eye.
  editing: "M10.5 2.5l3 3-8 8H2.5v-3z M9 4l3 3",
  suggesting: "M9.5 2.5l2 2-6 6H3.5v-2z M8.5 3.5l2 2 M8.5 13.5h5.5 M11 11l3 2.5-3 2.5",
  viewing: "M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8z M8 6a2 2 0 1 0 0 4a2 2 0 1 0 0-4z",
  // Who is here, counted when the bar has no room for their avatars: a head and shoulders.
  person: "M8 2.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z M3 13.5c0-2.8 2.2-4.5 5-4.5s5 1.7 5 4.5",
} as const;

export type IconName = keyof typeof PATHS;

export function ToolIcon({ name }: { name: IconName }) {
  return (
    <svg className="tool-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        strokeWidth={name === "bold" ? 2 : name === "more" || name === "keyboard" ? 2 : 1.4}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
