// Unsubscribe links (docs/workflow.md, "Email"): signed with the server's secret so that one
// names one person and one kind and cannot be made for anyone else; no sign-in needed. Kept
// apart from the mail's rendering so the language detection (i18n/i18next.server.ts) can read
// a link without importing what imports it.
import crypto from "node:crypto";
import { getDb } from "../../db";
import { isLanguage, type Language } from "../i18n/config";
import { runtimeSettings } from "../utils/runtime.server";
import { isNotificationKind, type NotificationKind } from "./notification-kinds";

export type UnsubscribeKind = NotificationKind | "digest";

function sign(secret: string, userId: number, kind: string): string {
  return crypto.createHmac("sha256", secret).update(`unsubscribe:${userId}:${kind}`).digest("base64url").slice(0, 32);
}

/** The address that turns `kind` off for this person. */
export function unsubscribeUrl(settings: { publicUrl: string; secret: string }, userId: number, kind: UnsubscribeKind): string {
  const query = new URLSearchParams({ u: String(userId), k: kind, t: sign(settings.secret, userId, kind) });
  return `${settings.publicUrl}/unsubscribe?${query.toString()}`;
}

/** The person and kind an unsubscribe link names, or null when its signature is not ours. */
export function readUnsubscribeLink(secret: string, params: URLSearchParams): { userId: number; kind: UnsubscribeKind } | null {
  const userId = Number(params.get("u"));
  const kind = params.get("k") ?? "";
  const token = params.get("t") ?? "";
  if (!Number.isSafeInteger(userId) || userId <= 0) return null;
  if (kind !== "digest" && !isNotificationKind(kind)) return null;
  const expected = Buffer.from(sign(secret, userId, kind));
  const given = Buffer.from(token);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return { userId, kind };
}

/** The person a request's unsubscribe link names (signature checked, account existing), with
 * their interface language; null for any other request. */
export async function unsubscribeLinkOf(
  request: Request,
): Promise<{ userId: number; kind: UnsubscribeKind; language: Language | null } | null> {
  const url = new URL(request.url);
  if (url.pathname !== "/unsubscribe") return null;
  const link = readUnsubscribeLink(runtimeSettings().sessionSecret, url.searchParams);
  if (!link) return null;
  const person = await getDb().selectFrom("users").select("locale").where("id", "=", link.userId).executeTakeFirst();
  if (!person) return null;
  return { ...link, language: isLanguage(person.locale) ? person.locale : null };
}
