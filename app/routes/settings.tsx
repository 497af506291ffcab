// The account's settings: its interface language, and which notifications are emailed (at once,
// in the daily digest, or not). The header's language switcher posts here too, with the page to
// go back to.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { i18next } from "../i18n/i18next.server";
import { supportedLanguages } from "../i18n/config";
import { chosenLanguage, rememberLanguage } from "../i18n/language-cookie.server";
import { requireUser, safeRedirectPath } from "../models/session.server";
import { setUserLocale } from "../models/user.server";
import { EMAIL_CHOICES, NOTIFICATION_KINDS, type EmailChoice, type NotificationKind } from "../models/notification-kinds";
import { emailChoices, mailChannel, setEmailChoice } from "../models/notification.server";
import { log } from "../utils/log.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

const LanguageForm = z.object({
  locale: z.enum(supportedLanguages),
  redirectTo: z.string().optional(),
});

/** One choice for every kind: a form that leaves one out changes nothing. */
const EmailForm = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, z.enum(EMAIL_CHOICES)])) as unknown as Record<
    NotificationKind,
    z.ZodEnum<[EmailChoice, ...EmailChoice[]]>
  >,
);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return {
    user: { name: user.name, email: user.email, organisationName: user.organisationName },
    locale: await i18next.getLocale(request),
    choices: await emailChoices(user.id),
    sendsMail: mailChannel() !== undefined,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "emails") {
    const choices = EmailForm.safeParse(form);
    if (!choices.success) throw new Response("Bad request", { status: 400 });
    for (const kind of NOTIFICATION_KINDS) await setEmailChoice(user.id, kind, choices.data[kind]);
    log.info("email choices set", { user: user.id });
    return { emailsSaved: true };
  }
  const parsed = LanguageForm.safeParse(form);
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  await setUserLocale(user.id, parsed.data.locale);
  log.info("interface language set", { user: user.id, locale: parsed.data.locale });
  // A language once chosen on the sign-in page follows the account's from now on.
  const headers = (await chosenLanguage(request)) ? { "Set-Cookie": await rememberLanguage(request, parsed.data.locale) } : undefined;
  return redirect(parsed.data.redirectTo ? safeRedirectPath(parsed.data.redirectTo) : "/settings", { headers });
}

export default function Settings() {
  const { t } = useTranslation();
  const { user, locale, choices, sendsMail } = useLoaderData<typeof loader>();
  const saved = useActionData<typeof action>();
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
      <Form method="post" className="stack" id="email" aria-labelledby="email-choices-title">
        <input type="hidden" name="intent" value="emails" />
        <h2 id="email-choices-title">{t("emailChoices.legend")}</h2>
        <p className="muted">{sendsMail ? t("emailChoices.help") : t("emailChoices.noMail")}</p>
        <div className="email-choices">
          {NOTIFICATION_KINDS.map((kind) => (
            <fieldset key={kind} className="email-choice">
              <legend>{t(`notificationKinds.${kind}`)}</legend>
              <span className="email-choice-options">
                {EMAIL_CHOICES.map((choice) => (
                  <label key={choice} className="radio-label">
                    <input type="radio" name={kind} value={choice} defaultChecked={choices[kind] === choice} />
                    {t(`emailChoices.${choice}`)}
                  </label>
                ))}
              </span>
            </fieldset>
          ))}
        </div>
        <button type="submit" className="primary">
          {t("settings.save")}
        </button>
        <p role="status" className="form-success">
          {saved && "emailsSaved" in saved ? t("emailChoices.saved") : null}
        </p>
      </Form>
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
