import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { createInstance } from "i18next";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { i18nOptions } from "./i18n/config";
import { i18next } from "./i18n/i18next.server";

export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const answer = jsonAnswer(request, responseStatusCode, remixContext);
  if (answer) return answer;
  const language = await i18next.getLocale(request);
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: language });
  // Bots get the whole page at once; browsers get the shell as soon as it is ready.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  const nonce = loadContext.cspNonce;

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18n}>
        <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
      </I18nextProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * A page route whose `handle` has `answersJson` (the review import: one address for the form
 * and for scripts) answers a POST that asks for JSON with its action's data or its refusal, as
 * the API routes do, rather than with the page. Remix itself renders a page for any document request.
 */
function jsonAnswer(request: Request, status: number, remixContext: EntryContext): Response | null {
  if (request.method !== "POST" || !(request.headers.get("Accept") ?? "").includes("application/json")) return null;
  const { matches, actionData, errors } = remixContext.staticHandlerContext;
  const route = matches.at(-1)?.route;
  if (!route || (remixContext.routeModules[route.id]?.handle as { answersJson?: boolean } | undefined)?.answersJson !== true) return null;
  const headers = { "Cache-Control": "no-store" };
  const error = errors?.[route.id] as { status?: number; data?: unknown } | undefined;
  if (error) {
    // Thrown refusals (requireApiPlan's) carry their JSON; anything else is the server's fault.
    const isRefusal = typeof error.status === "number" && typeof error.data === "object" && error.data !== null;
    return Response.json(isRefusal ? error.data : { error: "Server error" }, { status: isRefusal ? error.status : 500, headers });
  }
  if (!actionData || !(route.id in actionData)) return null;
  return Response.json(actionData[route.id], { status, headers });
}
