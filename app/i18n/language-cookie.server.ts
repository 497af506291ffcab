// The language chosen on the sign-in page, before there is an account to keep it: a plain
// cookie (no session). Signing in writes it to the account; settings keep the two in step.
import { createCookie } from "@remix-run/node";
import { isLanguage, type Language } from "./config";

const languageCookie = createCookie("gotong_language", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  maxAge: 365 * 24 * 60 * 60,
});

export async function chosenLanguage(request: Request): Promise<Language | null> {
  const value: unknown = await languageCookie.parse(request.headers.get("Cookie"));
  return isLanguage(value) ? value : null;
}

/** The Set-Cookie header that remembers `language` in this browser. */
export function rememberLanguage(request: Request, language: Language): Promise<string> {
  return languageCookie.serialize(language, { secure: new URL(request.url).protocol === "https:" });
}
