// Chooses the interface language for a request: the account's setting, else the one chosen on
// the sign-in page, else the browser's. A page opened from an unsubscribe link speaks the
// language of the person it names (who may not be signed in there).
import { RemixI18Next } from "remix-i18next/server";
import { getOptionalUser } from "../models/session.server";
import { unsubscribeLinkOf } from "../models/unsubscribe-link.server";
import { chosenLanguage } from "./language-cookie.server";
import { fallbackLanguage, i18nOptions, isLanguage, supportedLanguages } from "./config";

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage,
    order: ["custom", "header"],
    async findLocale(request) {
      const linked = await unsubscribeLinkOf(request);
      if (linked?.language) return linked.language;
      const user = await getOptionalUser(request);
      return user && isLanguage(user.locale) ? user.locale : chosenLanguage(request);
    },
  },
  i18next: i18nOptions,
});
