import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { fetchPlanOpeningEarly } from "./collab/opening";
import { i18nOptions } from "./i18n/config";

async function hydrate() {
  // The server chose the language and wrote it on <html lang>; render in the same one.
  await i18next.use(initReactI18next).init({ ...i18nOptions, lng: document.documentElement.lang || "en" });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

// A plan's page: the plan's opening is fetched and its socket prepared while the page's code
// renders (app/collab/live-session.ts).
const planPage = /^\/plans\/([^/]+)\/?$/.exec(window.location.pathname);
if (planPage) {
  const planId = decodeURIComponent(planPage[1]!);
  fetchPlanOpeningEarly(planId);
  void import("./collab/live-session").then(({ openLiveSessionEarly }) => openLiveSessionEarly(planId));
}

void hydrate();
