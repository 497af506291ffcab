// A notification's words in the reader's language: one line (the inbox entry, the mail's
// subject) and the passage it is about, if any. Rendered when read, from what was stored.
import type { TFunction } from "i18next";
import type { NotificationData, NotificationKind } from "./notification-kinds";
import { isRole } from "./roles";

export interface NotificationWords {
  line: string;
  /** The words it is about (a comment, a suggestion, a reason), shown quoted under the line. */
  excerpt: string | null;
}

const STATUS_KEYS = {
  draft: "section.statusDraft",
  in_review: "section.statusInReview",
  approved: "section.statusApproved",
} as const;

const isStatus = (value: string): value is keyof typeof STATUS_KEYS => value in STATUS_KEYS;

/** A calendar date (YYYY-MM-DD) in the reader's language: "1 December 2026" / "1 Desember 2026". */
function calendarDate(t: TFunction, isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(t("notify.dateLocale"), { dateStyle: "long", timeZone: "UTC" }).format(time);
}

export function notificationWords(t: TFunction, kind: NotificationKind, data: NotificationData[NotificationKind]): NotificationWords {
  switch (kind) {
    case "mention": {
      const d = data as NotificationData["mention"];
      return { line: t("notify.mention", { actor: d.actor, plan: d.plan }), excerpt: d.excerpt };
    }
    case "reply": {
      const d = data as NotificationData["reply"];
      return { line: t("notify.reply", { actor: d.actor, plan: d.plan }), excerpt: d.excerpt };
    }
    case "assigned": {
      const d = data as NotificationData["assigned"];
      const key = d.what === "section" ? "notify.assignedSection" : "notify.assignedThread";
      const line = t(key, { actor: d.actor, plan: d.plan, title: d.title });
      return {
        line: d.dueDate ? `${line} ${t("notify.due", { date: calendarDate(t, d.dueDate) })}` : line,
        excerpt: d.what === "thread" ? d.title : null,
      };
    }
    case "suggestion": {
      const d = data as NotificationData["suggestion"];
      const key = d.outcome === "accepted" ? "notify.suggestionAccepted" : "notify.suggestionRejected";
      const excerpt = d.reason ? `${d.excerpt}\n${t("notify.reason", { reason: d.reason })}` : d.excerpt;
      return { line: t(key, { actor: d.actor, plan: d.plan }), excerpt };
    }
    case "invited": {
      const d = data as NotificationData["invited"];
      const role = isRole(d.role) ? t(`roles.${d.role}`) : d.role;
      return {
        line: d.round
          ? t("notify.invitedRound", { actor: d.actor, plan: d.plan, round: d.round, role })
          : t("notify.invited", { actor: d.actor, plan: d.plan, role }),
        excerpt: null,
      };
    }
    case "deadline": {
      const d = data as NotificationData["deadline"];
      const deadline = `${new Intl.DateTimeFormat(t("notify.dateLocale"), { dateStyle: "long", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(d.deadline)} WIB`;
      const key = d.when === "today" ? "notify.deadlineToday" : "notify.deadlineSoon";
      return { line: t(key, { plan: d.plan, round: d.round, deadline }), excerpt: null };
    }
    case "signOff": {
      const d = data as NotificationData["signOff"];
      const target = d.section ? t("notify.signOffSection", { section: d.section }) : t("notify.signOffPlan");
      const line = t(`notify.signOff.${d.event}`, { actor: d.actor, plan: d.plan, target });
      return {
        line: d.dueDate && d.event === "requested" ? `${line} ${t("notify.due", { date: calendarDate(t, d.dueDate) })}` : line,
        excerpt: d.reason,
      };
    }
    case "status": {
      const d = data as NotificationData["status"];
      const label = (status: string) => (isStatus(status) ? t(STATUS_KEYS[status]) : status);
      return {
        line: t("notify.status", { actor: d.actor, plan: d.plan, section: d.section, from: label(d.from), to: label(d.to) }),
        excerpt: null,
      };
    }
  }
}
