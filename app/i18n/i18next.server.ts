// Chooses the interface language for a request: the account's setting, else the one chosen on
// the sign-in page, else the browser's.
import { RemixI18Next } from "remix-i18next/server";
import { getOptionalUser } from "../models/session.server";
import { chosenLanguage } from "./language-cookie.server";
import { fallbackLanguage, i18nOptions, isLanguage, supportedLanguages } from "./config";

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage,
    order: ["custom", "header"],
    async findLocale(request) {
      const user = await getOptionalUser(request);
      return user && isLanguage(user.locale) ? user.locale : chosenLanguage(request);
    },
  },
  i18next: i18nOptions,
});
