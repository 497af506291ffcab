// The i18next settings shared by the server render and the browser. Both languages are
// bundled (they are small), so nothing is fetched at run time.
import en from "./locales/en";
import id from "./locales/id";

export const supportedLanguages = ["en", "id"] as const;
export type Language = (typeof supportedLanguages)[number];
export const fallbackLanguage: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (supportedLanguages as readonly string[]).includes(value);
}

export const resources = { en: { common: en }, id: { common: id } };

export const i18nOptions = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: fallbackLanguage,
  defaultNS: "common",
  ns: ["common"],
  resources,
  interpolation: { escapeValue: false }, // React escapes.
};
