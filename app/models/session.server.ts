// Server-side sessions: the cookie holds only a signed, random session id; the row in
// `sessions` is the truth, so signing out (deleting the row) ends the session everywhere,
// the websocket included.
import crypto from "node:crypto";
import { createCookie, redirect, type Cookie } from "@remix-run/node";
import { getDb } from "../../db";
import { errorFields, log } from "../utils/log.server";
import { runtimeSettings } from "../utils/runtime.server";
import { getUserById, type UserSummary } from "./user.server";

const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const SESSION_COOKIE_NAME = "gotong_session";

let cookie: Cookie | undefined;
function sessionCookie(): Cookie {
  const secret = runtimeSettings().sessionSecret;
  cookie ??= createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [secret],
    maxAge: SESSION_LIFETIME_MS / 1000,
  });
  return cookie;
}

/** Secure cookies when the request came over https. The request's address is Express's
 * `req.protocol`, which believes X-Forwarded-Proto only when TRUST_PROXY is set (server/app.ts). */
function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

export async function createSession(userId: number): Promise<string> {
  const id = crypto.randomBytes(32).toString("base64url");
  const now = Date.now();
  await getDb()
    .insertInto("sessions")
    .values({ id, user_id: userId, created_at: now, expires_at: now + SESSION_LIFETIME_MS })
    .execute();
  return id;
}

export async function deleteSession(sessionId: string): Promise<void> {
  await getDb().deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function getSessionIdFromCookieHeader(cookieHeader: string | null | undefined): Promise<string | undefined> {
  if (!cookieHeader) return undefined;
  const value: unknown = await sessionCookie().parse(cookieHeader);
  return typeof value === "string" ? value : undefined;
}

/** The signed-in user for a Cookie header, or undefined. Used by pages and the websocket. */
export async function getUserFromCookieHeader(
  cookieHeader: string | null | undefined,
): Promise<{ user: UserSummary; sessionId: string } | undefined> {
  const sessionId = await getSessionIdFromCookieHeader(cookieHeader);
  if (!sessionId) return undefined;
  const session = await getDb().selectFrom("sessions").select(["user_id", "expires_at"]).where("id", "=", sessionId).executeTakeFirst();
  if (!session || session.expires_at <= Date.now()) return undefined;
  const user = await getUserById(session.user_id);
  return user ? { user, sessionId } : undefined;
}

export async function isSessionActive(sessionId: string): Promise<boolean> {
  const row = await getDb().selectFrom("sessions").select("expires_at").where("id", "=", sessionId).executeTakeFirst();
  return !!row && row.expires_at > Date.now();
}

export async function getOptionalUser(request: Request): Promise<UserSummary | undefined> {
  return (await getUserFromCookieHeader(request.headers.get("Cookie")))?.user;
}

// A fixed origin to resolve redirect targets against; nothing is ever fetched from it.
const REDIRECT_BASE = "http://gotong.invalid";

/**
 * A path on this site to send the browser to (after signing in, after changing language);
 * anything else becomes /plans. The target is resolved the way a browser resolves a Location
 * header (WHATWG URL: tabs and newlines dropped, `\` read as `/`, `.` and `..` applied), and
 * what is written is that resolved path, query and fragment, never the raw text: a check on
 * the raw text is what "/plans/../\evil.example" got past.
 */
export function safeRedirectPath(target: FormDataEntryValue | string | null | undefined): string {
  if (typeof target !== "string") return "/plans";
  let resolved: URL;
  try {
    resolved = new URL(target, REDIRECT_BASE);
  } catch {
    return "/plans";
  }
  if (resolved.origin !== REDIRECT_BASE) return "/plans";
  const path = resolved.pathname + resolved.search + resolved.hash;
  // "//host" and "/\\host" are addresses on another site. Encoded slashes and backslashes in
  // the path are refused too: a proxy or framework that decodes them once would make one.
  if (!path.startsWith("/") || /^\/[/\\]/.test(path) || /%(2f|5c)/i.test(resolved.pathname)) return "/plans";
  return path;
}

export async function requireUser(request: Request): Promise<UserSummary> {
  const user = await getOptionalUser(request);
  if (!user) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ redirectTo: url.pathname + url.search });
    throw redirect(`/login?${params}`);
  }
  return user;
}

/** Signs in: a fresh session id every time (no fixation), the old one ended. */
export async function startSession(request: Request, userId: number, redirectTo: string): Promise<Response> {
  const previous = await getSessionIdFromCookieHeader(request.headers.get("Cookie"));
  if (previous) await deleteSession(previous);
  const sessionId = await createSession(userId);
  return redirect(redirectTo, {
    headers: { "Set-Cookie": await sessionCookie().serialize(sessionId, { secure: isHttps(request) }) },
  });
}

/** Signs out: the session ended in the database and the cookie cleared; `onEnded` then hears
 * which session of which account ended (the collaboration server closes its sockets). */
export async function endSession(
  request: Request,
  onEnded?: (ended: { sessionId: string; userId: number }) => Promise<void>,
): Promise<Response> {
  const cookie = request.headers.get("Cookie");
  const signedIn = await getUserFromCookieHeader(cookie);
  // An expired session's row goes too.
  const sessionId = signedIn?.sessionId ?? (await getSessionIdFromCookieHeader(cookie));
  if (sessionId) await deleteSession(sessionId);
  if (signedIn) {
    try {
      await onEnded?.({ sessionId: signedIn.sessionId, userId: signedIn.user.id });
    } catch (error) {
      // Signed out all the same: its sockets close at their next re-check.
      log.error("closing a signed-out session's sockets failed", { user: signedIn.user.id, ...errorFields(error) });
    }
  }
  return redirect("/login", {
    headers: {
      "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0, secure: isHttps(request) }),
    },
  });
}
