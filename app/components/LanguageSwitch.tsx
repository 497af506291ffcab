// The interface language buttons: a plain form, so the whole page reloads in the new language.
// In the header it posts to /settings (the account's language); on the sign-in page to the
// page itself (remembered in this browser until the person signs in).
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { supportedLanguages } from "../i18n/config";

export function LanguageSwitch({
  locale,
  action,
  redirectTo,
  intent,
  className = "",
}: {
  locale: string;
  /** Where the form posts; the current route when undefined. */
  action?: string;
  redirectTo: string;
  /** An `intent` field for routes whose action does more than one thing. */
  intent?: string;
  className?: string;
}) {
  const { t } = useTranslation();
  return (
    <Form method="post" action={action} reloadDocument className={`language-switcher ${className}`.trim()} aria-label={t("nav.language")}>
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <input type="hidden" name="redirectTo" value={redirectTo} />
      {supportedLanguages.map((language) => (
        <button
          key={language}
          type="submit"
          name="locale"
          value={language}
          lang={language}
          className="link-button"
          aria-pressed={language === locale}
          title={t("settings.switchTo", { language: t(`language.${language}`) })}
        >
          {t(`language.${language}`)}
        </button>
      ))}
    </Form>
  );
}
