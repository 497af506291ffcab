// The fields of "New plan from a Word file": the dashboard posts them with a fetcher, the
// /plans/import page with a plain form (it works without JavaScript).
import { useTranslation } from "react-i18next";
import type { ImportRefusal } from "../models/views";
import { PLAN_TITLE_MAX_LENGTH } from "../utils/limits";

export function ImportPlanFields({
  limitMegabytes,
  refusal,
  isImporting,
}: {
  limitMegabytes: number;
  /** Why the server refused the last file. */
  refusal?: { error: ImportRefusal; limitMegabytes: number };
  isImporting: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t("import.file")}
        <input
          type="file"
          name="file"
          required
          accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
          aria-invalid={refusal ? true : undefined}
        />
      </label>
      <p className="muted import-limit">{t("import.limit", { max: limitMegabytes })}</p>
      <label>
        {t("import.titleField")}
        <input type="text" name="title" maxLength={PLAN_TITLE_MAX_LENGTH} aria-describedby="import-title-hint" />
      </label>
      <p className="muted import-limit" id="import-title-hint">
        {t("import.titleHint")}
      </p>
      {refusal ? (
        <p className="form-error" role="alert">
          {t(`import.errors.${refusal.error}`, { max: refusal.limitMegabytes })}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={isImporting}>
        {isImporting ? t("import.submitting") : t("import.submit")}
      </button>
    </>
  );
}
