// The inbox as people read it: each notification's words in the reader's language.
import type { TFunction } from "i18next";
import { listNotifications, type InboxEntry } from "./notification.server";
import { notificationWords } from "./notification-text";

export interface InboxItem {
  id: number;
  kind: InboxEntry["kind"];
  planId: string;
  /** What happened, in the reader's language. */
  text: string;
  /** The words it is about (a comment, a suggestion, a reason), or null. */
  excerpt: string | null;
  url: string;
  read: boolean;
  createdAt: number;
}

export async function readInbox(
  userId: number,
  t: TFunction,
  options: { limit?: number; unreadOnly?: boolean } = {},
): Promise<InboxItem[]> {
  const entries = await listNotifications(userId, options);
  return entries.map((entry) => {
    const words = notificationWords(t, entry.kind, entry.data);
    return {
      id: entry.id,
      kind: entry.kind,
      planId: entry.planId,
      text: words.line,
      excerpt: words.excerpt,
      url: entry.url,
      read: entry.read,
      createdAt: entry.createdAt,
    };
  });
}
