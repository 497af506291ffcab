import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { reserveSignInAttempt } from "../models/login-throttle.server";
import { getOptionalUser, safeRedirectPath, startSession } from "../models/session.server";
import { verifyLogin } from "../models/user.server";
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

type LoginErrors = {
  fieldErrors?: { email?: "login.emailRequired"; password?: "login.passwordRequired" };
  formError?: { key: "login.invalid" } | { key: "login.throttled"; seconds: number };
};

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalUser(request)) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo")));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = LoginForm.safeParse(Object.fromEntries(await request.formData()));
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
  return startSession(request, user.id, safeRedirectPath(redirectTo));
}

export default function Login() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const isSubmitting = useNavigation().state === "submitting";
  const formError = actionData?.formError;
  const fieldErrors = actionData?.fieldErrors;
  return (
    <div className="login-page">
      <h1>{t("login.title")}</h1>
      <p className="muted">{t("app.tagline")}</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/plans"} />
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
    </div>
  );
}
