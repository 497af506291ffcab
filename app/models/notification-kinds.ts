// The kinds of notification, what each one's text needs, and how each is emailed unless the
// person chose otherwise (docs/workflow.md). Shared by the server and the settings page.

export const NOTIFICATION_KINDS = ["mention", "assigned", "reply", "suggestion", "invited", "deadline", "signOff", "status"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a kind is emailed: at once, in the daily digest, or not. The inbox lists every kind. */
export const EMAIL_CHOICES = ["now", "digest", "off"] as const;
export type EmailChoice = (typeof EMAIL_CHOICES)[number];

/** Mentions and assignments interrupt; the rest waits for the day's digest. */
export const DEFAULT_EMAIL: Record<NotificationKind, EmailChoice> = {
  mention: "now",
  assigned: "now",
  reply: "digest",
  suggestion: "digest",
  invited: "digest",
  deadline: "digest",
  signOff: "digest",
  status: "digest",
};

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === "string" && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

export function isEmailChoice(value: unknown): value is EmailChoice {
  return typeof value === "string" && (EMAIL_CHOICES as readonly string[]).includes(value);
}

/** What each kind's text is made of, stored with it (names as they were then). */
export interface NotificationData {
  mention: { actor: string; plan: string; excerpt: string };
  reply: { actor: string; plan: string; excerpt: string };
  assigned: { actor: string; plan: string; what: "thread" | "section"; title: string; dueDate: string | null };
  suggestion: { actor: string; plan: string; outcome: "accepted" | "rejected"; excerpt: string; reason: string | null };
  invited: { actor: string; plan: string; role: string; round: string | null };
  deadline: { plan: string; round: string; deadline: number; when: "soon" | "today" };
  signOff: {
    actor: string;
    plan: string;
    event: "requested" | "approved" | "refused" | "withdrawn" | "complete";
    /** The section's title, or null for the whole plan. */
    section: string | null;
    dueDate: string | null;
    reason: string | null;
  };
  status: { actor: string; plan: string; section: string; from: string; to: string };
}
