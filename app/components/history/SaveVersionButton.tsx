// The toolbar's "Save version": a small form for a name and an optional note, saved through
// the API; the answer shows beside the button.
import { Link } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { requestNamedVersion } from "./api";

type Outcome = { saved: string } | { error: string } | null;

export function SaveVersionButton({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const [isOpen, setIsOpen] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [name, setName] = useState("");
  const [note, setNote] = useState("");
  const titleId = useId();
  const nameInput = useRef<HTMLInputElement>(null);
  const wrapper = useRef<HTMLSpanElement>(null);

  const close = () => {
    setIsOpen(false);
    setOutcome((current) => (current && "error" in current ? null : current));
  };

  const open = () => {
    setOutcome(null);
    setIsOpen(true);
  };

  useEffect(() => {
    if (!isOpen) return;
    nameInput.current?.focus();
    // A click anywhere else closes the form, as a menu would.
    const closeOnOutsideClick = (event: MouseEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) close();
    };
    document.addEventListener("mousedown", closeOnOutsideClick);
    return () => document.removeEventListener("mousedown", closeOnOutsideClick);
  }, [isOpen]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setOutcome({ error: t("versions.nameRequired") });
      nameInput.current?.focus();
      return;
    }
    setIsBusy(true);
    const result = await requestNamedVersion(planId, trimmed, note.trim());
    setIsBusy(false);
    if (result.ok) {
      setOutcome({ saved: trimmed });
      setIsOpen(false);
      setName("");
      setNote("");
    } else {
      setOutcome({ error: result.status === 0 ? t("versions.networkError") : (result.error ?? t("versions.saveFailed")) });
    }
  };

  return (
    // Escape from the form or its button closes it (keys delegated from what has focus inside).
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <span
      className="save-version"
      ref={wrapper}
      onKeyDown={(event) => {
        if (event.key === "Escape" && isOpen) close();
      }}
    >
      <button type="button" className={isOpen ? "tool is-active" : "tool"} aria-expanded={isOpen} onClick={isOpen ? close : open}>
        {t("versions.save")}
      </button>
      {outcome && "saved" in outcome && !isOpen ? (
        <span className="save-version-result" role="status">
          {t("versions.saved", { name: outcome.saved })} <Link to={`/plans/${planId}/history`}>{t("versions.seeHistory")}</Link>
        </span>
      ) : null}
      {isOpen ? (
        <div className="save-version-popover" role="dialog" aria-labelledby={titleId}>
          <form className="stack compact" onSubmit={submit} noValidate>
            <h2 id={titleId}>{t("versions.saveTitle")}</h2>
            <p className="field-help">{t("versions.saveHelp")}</p>
            <label>
              {t("versions.name")}
              <input
                ref={nameInput}
                value={name}
                maxLength={200}
                required
                aria-invalid={outcome && "error" in outcome && !name.trim() ? true : undefined}
                onChange={(event) => setName(event.target.value)}
              />
            </label>
            <label>
              {t("versions.note")}
              <textarea value={note} rows={2} maxLength={2000} onChange={(event) => setNote(event.target.value)} />
            </label>
            {outcome && "error" in outcome ? (
              <p className="form-error" role="alert">
                {outcome.error}
              </p>
            ) : null}
            <div className="comment-form-actions">
              <button type="submit" className="primary small" disabled={isBusy}>
                {isBusy ? t("versions.saving") : t("versions.saveSubmit")}
              </button>
              <button type="button" className="plain small" onClick={close} disabled={isBusy}>
                {t("versions.cancel")}
              </button>
            </div>
          </form>
        </div>
      ) : null}
    </span>
  );
}
