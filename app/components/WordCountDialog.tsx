// Word count (Ctrl+Shift+C or the toolbar): the plan's words and characters, the selection's,
// and each section's words, counted when opened. A native modal dialog, like the shortcut list.
import type { Editor } from "@tiptap/react";
import { forwardRef, useImperativeHandle, useState } from "react";
import { useTranslation } from "react-i18next";
import { countText, planCounts, textBetween, type SectionCounts, type TextCounts } from "../editor/text-stats";
import { ModalDialog, useModalDialog } from "./ModalDialog";

export interface WordCountDialogHandle {
  open: () => void;
}

interface Counts {
  plan: TextCounts;
  selection: TextCounts | null;
  sections: SectionCounts[];
}

export const WordCountDialog = forwardRef<WordCountDialogHandle, { editor: Editor }>(function WordCountDialog({ editor }, handle) {
  const { t, i18n } = useTranslation();
  const dialog = useModalDialog();
  const [counts, setCounts] = useState<Counts | null>(null);
  const format = (value: number) => value.toLocaleString(i18n.language);
  useImperativeHandle(handle, () => ({
    open: () =>
      dialog.open(() => {
        const { doc, selection } = editor.state;
        const { plan, sections } = planCounts(doc, i18n.language);
        const selected = selection.empty ? null : countText(textBetween(doc, selection.from, selection.to), i18n.language);
        setCounts({ plan, sections, selection: selected && selected.characters > 0 ? selected : null });
      }),
  }));
  const rows = ["words", "characters", "charactersWithoutSpaces"] as const;
  return (
    <ModalDialog dialog={dialog} title={t("wordCount.title")} className="word-count-dialog">
      {counts ? (
        <>
          <table className="shortcuts-table">
            <thead>
              <tr>
                <td />
                <th scope="col" className="number">
                  {t("wordCount.plan")}
                </th>
                {counts.selection ? (
                  <th scope="col" className="number">
                    {t("wordCount.selection")}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row}>
                  <th scope="row">{t(`wordCount.${row}`)}</th>
                  <td className="number">{format(counts.plan[row])}</td>
                  {counts.selection ? <td className="number">{format(counts.selection[row])}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="word-count-sections">{t("wordCount.bySection")}</h3>
          <table className="shortcuts-table">
            <thead>
              <tr>
                <th scope="col">{t("wordCount.section")}</th>
                <th scope="col" className="number">
                  {t("wordCount.words")}
                </th>
              </tr>
            </thead>
            <tbody>
              {counts.sections.map((section) => (
                <tr key={section.id} data-section-id={section.id}>
                  <td>{section.title || t("outline.untitled")}</td>
                  <td className="number">{format(section.words)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </ModalDialog>
  );
});
