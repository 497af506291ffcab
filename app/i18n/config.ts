// The i18next settings shared by the server render and the browser. Both languages are
// bundled (they are small), so nothing is fetched at run time.
import type { FormatFunction } from "i18next";
import en from "./locales/en";
import id from "./locales/id";

export const supportedLanguages = ["en", "id"] as const;
export type Language = (typeof supportedLanguages)[number];
export const fallbackLanguage: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (supportedLanguages as readonly string[]).includes(value);
}

export const resources = { en: { common: en }, id: { common: id } };

/** Numbers in messages are written the language's way ("1,500" / "1.500"); other values pass
 * through untouched (i18next itself deals with a missing one). */
const formatValue: FormatFunction = (value, _format, language) =>
  typeof value !== "number" ? value : isPlainInteger(value) ? String(value) : numberFormat(language ?? fallbackLanguage).format(value);

/** Written alike in both languages, without a formatter: the first one made costs a page about
 * 50 ms (the browser loads its number data), and most numbers in messages are small counts. */
function isPlainInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 1000;
}

/** One formatter per language: making one is far dearer than using it (a plan's outline
 * formats a few hundred numbers as it renders). */
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(language: string): Intl.NumberFormat {
  let format = numberFormats.get(language);
  if (!format) numberFormats.set(language, (format = new Intl.NumberFormat(language)));
  return format;
}

export const i18nOptions = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: fallbackLanguage,
  defaultNS: "common",
  ns: ["common"],
  resources,
  // React escapes; every interpolated value goes through formatValue.
  interpolation: { escapeValue: false, alwaysFormat: true, format: formatValue },
};
