import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { supportedLanguages } from "../i18n/config";
import { i18next } from "../i18n/i18next.server";
import { chosenLanguage, rememberLanguage } from "../i18n/language-cookie.server";
import { reserveSignInAttempt } from "../models/login-throttle.server";
import { getOptionalUser, safeRedirectPath, startSession } from "../models/session.server";
import { setUserLocale, verifyLogin } from "../models/user.server";
import { log } from "../utils/log.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

// A refused attempt's Retry-After reaches the page's response too (Remix takes a document's
// headers from here, not from the action's answer).
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const answer = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) answer.set("Retry-After", retryAfter);
  return answer;
};

const LoginForm = z.object({
  email: z.string().trim().min(1, "login.emailRequired").max(320),
  password: z.string().min(1, "login.passwordRequired").max(1024),
  redirectTo: z.string().optional(),
});

/** The sign-in page's language switch: remembered in this browser, then by the account. */
const LanguageChoice = z.object({
  intent: z.literal("language"),
  locale: z.enum(supportedLanguages),
  redirectTo: z.string().optional(),
});

type LoginErrors = {
  fieldErrors?: { email?: "login.emailRequired"; password?: "login.passwordRequired" };
  formError?: { key: "login.invalid" } | { key: "login.throttled"; seconds: number };
};

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalUser(request)) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo")));
  }
  return { locale: await i18next.getLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = Object.fromEntries(await request.formData());
  if (fields.intent === "language") {
    const choice = LanguageChoice.safeParse(fields);
    if (!choice.success) throw new Response("Bad request", { status: 400 });
    const params = new URLSearchParams({ redirectTo: safeRedirectPath(choice.data.redirectTo) });
    return redirect(`/login?${params}`, { headers: { "Set-Cookie": await rememberLanguage(request, choice.data.locale) } });
  }
  const parsed = LoginForm.safeParse(fields);
  if (!parsed.success) {
    const issues = parsed.error.flatten().fieldErrors;
    return data<LoginErrors>(
      {
        fieldErrors: {
          email: issues.email ? "login.emailRequired" : undefined,
          password: issues.password ? "login.passwordRequired" : undefined,
        },
      },
      { status: 400 },
    );
  }
  const { email, password, redirectTo } = parsed.data;
  const address = context.clientAddress;
  // Reserved before the password is checked (login-throttle.server.ts): a burst cannot race it.
  const attempt = reserveSignInAttempt(email, address);
  if (!attempt.isAllowed) {
    log.warn("sign-in refused: too many attempts", { address, retryAfterSeconds: attempt.retryAfterSeconds });
    return data<LoginErrors>(
      { formError: { key: "login.throttled", seconds: attempt.retryAfterSeconds } },
      { status: 429, headers: { "Retry-After": String(attempt.retryAfterSeconds) } },
    );
  }
  const user = await verifyLogin(email, password);
  if (!user) {
    log.warn("sign-in failed", { address });
    return data<LoginErrors>({ formError: { key: "login.invalid" } }, { status: 401 });
  }
  attempt.succeeded();
  log.info("signed in", { user: user.id });
  const language = await chosenLanguage(request);
  if (language) await setUserLocale(user.id, language);
  return startSession(request, user.id, safeRedirectPath(redirectTo));
}

export default function Login() {
  const { t } = useTranslation();
  const { locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const isSubmitting = useNavigation().state === "submitting";
  const formError = actionData?.formError;
  const fieldErrors = actionData?.fieldErrors;
  const redirectTo = searchParams.get("redirectTo") ?? "/plans";
  return (
    <div className="login-page">
      <h1>{t("login.title")}</h1>
      <p className="muted">{t("app.tagline")}</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <label>
          {t("login.email")}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            aria-invalid={fieldErrors?.email ? true : undefined}
            aria-describedby={fieldErrors?.email ? "email-error" : undefined}
          />
        </label>
        {fieldErrors?.email ? (
          <p id="email-error" className="field-error">
            {t(fieldErrors.email)}
          </p>
        ) : null}
        <label>
          {t("login.password")}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            aria-invalid={fieldErrors?.password ? true : undefined}
            aria-describedby={fieldErrors?.password ? "password-error" : undefined}
          />
        </label>
        {fieldErrors?.password ? (
          <p id="password-error" className="field-error">
            {t(fieldErrors.password)}
          </p>
        ) : null}
        {formError ? (
          <p className="form-error" role="alert">
            {formError.key !== "login.throttled"
              ? t("login.invalid")
              : formError.seconds >= 120
                ? t("login.throttledMinutes", { count: Math.ceil(formError.seconds / 60) })
                : t("login.throttled", { count: formError.seconds })}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? t("login.submitting") : t("login.submit")}
        </button>
      </Form>
      {/* After the sign-in form, whose button stays the page's first. */}
      <LanguageSwitch locale={locale} intent="language" redirectTo={redirectTo} className="login-language" />
    </div>
  );
}
