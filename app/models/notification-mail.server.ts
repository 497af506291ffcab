// Notification mail: plain text and HTML in the reader's language, a link to the exact place,
// and an unsubscribe link that needs no sign-in and turns off only that kind (RFC 8058 one-click
// too). The link is signed with the server's secret, so it names one person and one kind and
// cannot be made for anyone else.
import type { TFunction } from "i18next";
import type { Language } from "../i18n/config";
import { i18next } from "../i18n/i18next.server";
import type { NotificationData, NotificationKind } from "./notification-kinds";
import { notificationWords } from "./notification-text";
import { unsubscribeUrl } from "./unsubscribe-link.server";

export { readUnsubscribeLink, unsubscribeUrl } from "./unsubscribe-link.server";

interface MailSettings {
  publicUrl: string;
  secret: string;
}

export interface RenderedMail {
  subject: string;
  text_body: string;
  html_body: string;
  unsubscribe_url: string | null;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const quoteText = (excerpt: string) =>
  excerpt
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");

const quoteHtml = (excerpt: string) =>
  `<blockquote style="margin:8px 0;padding:4px 12px;border-left:3px solid #ccc;color:#444">${escapeHtml(excerpt).replace(/\n/g, "<br>")}</blockquote>`;

function footer(t: TFunction, settings: MailSettings, unsubscribe: string) {
  const settingsUrl = `${settings.publicUrl}/settings#email`;
  return {
    text: ["--", t("mail.why"), t("mail.settings", { url: settingsUrl }), t("mail.unsubscribe", { url: unsubscribe })].join("\n"),
    html:
      `<hr style="border:0;border-top:1px solid #ddd;margin:24px 0 8px">` +
      `<p style="color:#666;font-size:13px">${escapeHtml(t("mail.why"))}<br>` +
      `<a href="${escapeHtml(settingsUrl)}">${escapeHtml(t("mail.settingsLink"))}</a> · ` +
      `<a href="${escapeHtml(unsubscribe)}">${escapeHtml(t("mail.unsubscribeLink"))}</a></p>`,
  };
}

const page = (lang: Language, body: string) =>
  `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:600px">${body}</body></html>`;

/** One notification as its own email. */
export async function renderNotificationMail(
  settings: MailSettings,
  input: { userId: number; language: Language; kind: NotificationKind; data: NotificationData[NotificationKind]; url: string },
): Promise<RenderedMail> {
  const t = await i18next.getFixedT(input.language);
  const words = notificationWords(t, input.kind, input.data);
  const link = `${settings.publicUrl}${input.url}`;
  const unsubscribe = unsubscribeUrl(settings, input.userId, input.kind);
  const end = footer(t, settings, unsubscribe);
  const text = [words.line, ...(words.excerpt ? ["", quoteText(words.excerpt)] : []), "", `${t("mail.open")}: ${link}`, "", end.text].join(
    "\n",
  );
  const html = page(
    input.language,
    `<p>${escapeHtml(words.line)}</p>` +
      (words.excerpt ? quoteHtml(words.excerpt) : "") +
      `<p><a href="${escapeHtml(link)}">${escapeHtml(t("mail.open"))}</a></p>` +
      end.html,
  );
  return { subject: words.line, text_body: text, html_body: html, unsubscribe_url: unsubscribe };
}

/** A day's notifications as one email, grouped by plan in the order they came. */
export async function renderDigestMail(
  settings: MailSettings,
  input: {
    userId: number;
    language: Language;
    entries: { kind: NotificationKind; data: NotificationData[NotificationKind]; url: string; plan: string }[];
  },
): Promise<RenderedMail> {
  const t = await i18next.getFixedT(input.language);
  const unsubscribe = unsubscribeUrl(settings, input.userId, "digest");
  const byPlan = new Map<string, typeof input.entries>();
  for (const entry of input.entries) byPlan.set(entry.plan, [...(byPlan.get(entry.plan) ?? []), entry]);
  const textParts: string[] = [t("mail.digestIntro"), ""];
  let html = `<p>${escapeHtml(t("mail.digestIntro"))}</p>`;
  for (const [plan, entries] of byPlan) {
    textParts.push(plan, "=".repeat(Math.min(plan.length, 60)));
    html += `<h2 style="font-size:17px;margin:20px 0 8px">${escapeHtml(plan)}</h2><ul style="padding-left:20px">`;
    for (const entry of entries) {
      const words = notificationWords(t, entry.kind, entry.data);
      const link = `${settings.publicUrl}${entry.url}`;
      textParts.push(`- ${words.line}`, ...(words.excerpt ? [quoteText(words.excerpt)] : []), `  ${link}`, "");
      html +=
        `<li style="margin-bottom:12px"><a href="${escapeHtml(link)}">${escapeHtml(words.line)}</a>` +
        (words.excerpt ? quoteHtml(words.excerpt) : "") +
        `</li>`;
    }
    html += "</ul>";
  }
  const end = footer(t, settings, unsubscribe);
  return {
    subject: t("mail.digestSubject", { count: input.entries.length }),
    text_body: [...textParts, end.text].join("\n"),
    html_body: page(input.language, html + end.html),
    unsubscribe_url: unsubscribe,
  };
}
