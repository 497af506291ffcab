// How the compare page and the Word redline name a changed action-matrix cell, in the
// reader's language.
import type { TFunction } from "i18next";
import type { ComparedBlock } from "./types";

/** "Row 2 · Target", or "Table 2, row 1 · Target" where a section has several matrices. */
export function cellLabel(cell: NonNullable<ComparedBlock["cell"]>, t: TFunction): string {
  const column = t(`actions.columns.${cell.column}`);
  return cell.table === null
    ? t("versions.cellLabel", { row: cell.row, column })
    : t("versions.cellLabelInTable", { table: cell.table, row: cell.row, column });
}
