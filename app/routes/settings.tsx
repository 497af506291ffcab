// The account's settings: for now its interface language. The header's language switcher
// posts here too, with the page to go back to.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { i18next } from "../i18n/i18next.server";
import { supportedLanguages } from "../i18n/config";
import { chosenLanguage, rememberLanguage } from "../i18n/language-cookie.server";
import { requireUser, safeRedirectPath } from "../models/session.server";
import { setUserLocale } from "../models/user.server";
import { log } from "../utils/log.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

const LanguageForm = z.object({
  locale: z.enum(supportedLanguages),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return {
    user: { name: user.name, email: user.email, organisationName: user.organisationName },
    locale: await i18next.getLocale(request),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = LanguageForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  await setUserLocale(user.id, parsed.data.locale);
  log.info("interface language set", { user: user.id, locale: parsed.data.locale });
  // A language once chosen on the sign-in page follows the account's from now on.
  const headers = (await chosenLanguage(request)) ? { "Set-Cookie": await rememberLanguage(request, parsed.data.locale) } : undefined;
  return redirect(parsed.data.redirectTo ? safeRedirectPath(parsed.data.redirectTo) : "/settings", { headers });
}

export default function Settings() {
  const { t } = useTranslation();
  const { user, locale } = useLoaderData<typeof loader>();
  return (
    <div className="settings-page">
      <h1>{t("settings.title")}</h1>
      <p className="muted">{t("settings.account", { name: user.name, organisation: user.organisationName, email: user.email })}</p>
      <Form method="post" reloadDocument className="stack">
        <fieldset className="stack">
          <legend>{t("nav.language")}</legend>
          <p className="muted">{t("settings.languageHelp")}</p>
          {supportedLanguages.map((language) => (
            <label key={language} className="radio-label" lang={language}>
              <input type="radio" name="locale" value={language} defaultChecked={language === locale} />
              {t(`language.${language}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary">
          {t("settings.save")}
        </button>
      </Form>
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
