import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  type ShouldRevalidateFunction,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { MouseEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { LanguageSwitch } from "./components/LanguageSwitch";
import { NotificationBell } from "./components/NotificationBell";
import { i18next } from "./i18n/i18next.server";
import { unreadCount } from "./models/notification.server";
import { getOptionalUser } from "./models/session.server";
import stylesHref from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, user] = await Promise.all([i18next.getLocale(request), getOptionalUser(request)]);
  return {
    locale,
    cspNonce: context.cspNonce,
    user: user ? { name: user.name, email: user.email, organisationName: user.organisationName, unread: await unreadCount(user.id) } : null,
  };
}

/** The bell's number is read again on every page one goes to, not only after a form is sent. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ defaultShouldRevalidate, currentUrl, nextUrl }) =>
  defaultShouldRevalidate || currentUrl.pathname !== nextUrl.pathname;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const locale = data?.locale ?? "en";
  const nonce = data?.cspNonce;
  useChangeLanguage(locale);
  // A page that is a document of its own (the print view) says so in its route handle.
  const isBare = useMatches().some((match) => (match.handle as { isBare?: boolean } | undefined)?.isBare);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {isBare ? null : <Header user={data?.user ?? null} locale={locale} />}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header({ user, locale }: { user: { name: string; organisationName: string; unread: number } | null; locale: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main" onClick={skipToContent}>
        {t("app.skipToContent")}
      </a>
      <Link to={user ? "/plans" : "/login"} className="brand">
        {t("app.name")}
      </Link>
      {user ? (
        <nav className="site-nav" aria-label={t("nav.site")}>
          <Link to="/plans">{t("nav.myPlans")}</Link>
          <NotificationBell unread={user.unread} />
          <span className="muted" title={t("nav.signedInAs", { name: user.name, organisation: user.organisationName })}>
            {user.name}
          </span>
          <Link to="/settings">{t("settings.link")}</Link>
          <LanguageSwitch locale={locale} action="/settings" redirectTo={location.pathname + location.search} />
          <Form method="post" action="/logout">
            <button type="submit" className="link-button">
              {t("nav.signOut")}
            </button>
          </Form>
        </nav>
      ) : null}
    </header>
  );
}

/** Into the page's text where it has one (the plan's editor says so), else to the page's
 * main content; without scripts the link simply jumps to #main. */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  const target = document.querySelector<HTMLElement>("[data-skip-target]") ?? document.getElementById("main");
  if (!target) return;
  event.preventDefault();
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

/** The human page for a thrown response or a crash; used by every route. */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFoundBody")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbiddenBody")]
        : [t("errors.genericTitle"), t("errors.genericBody")];
  return (
    <div className="error-page" data-status={status}>
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        <Link to="/plans">{t("errors.backToPlans")}</Link>
      </p>
    </div>
  );
}
