// Notifications (docs/workflow.md): what happened that needs a person, in their inbox and, as
// they chose for its kind, by email at once or in the day's digest. `notify` is the one door:
// it drops the person who acted and anyone who is not on the plan, writes the inbox entries and
// the mail to send in one transaction, and wakes the outbox; it never waits for a mail server.
import { getDb } from "../../db";
import type { ExpressionBuilder, Transaction } from "kysely";
import type { Database, NotificationDelivery } from "../../db/schema";
import { isLanguage, type Language } from "../i18n/config";
import { log, errorFields } from "../utils/log.server";
import { singleton } from "../utils/singleton.server";
import { renderNotificationMail } from "./notification-mail.server";
import {
  DEFAULT_EMAIL,
  NOTIFICATION_KINDS,
  isEmailChoice,
  isNotificationKind,
  type EmailChoice,
  type NotificationData,
  type NotificationKind,
} from "./notification-kinds";

export interface NotificationEvent<K extends NotificationKind> {
  kind: K;
  planId: string;
  /** Who did it: never notified of it. Null for the server's own (a deadline). */
  actorId: number | null;
  recipients: Iterable<number>;
  data: NotificationData[K];
  /** Where it leads: a path in the app ("/plans/…?thread=…"). */
  url: string;
  /** A reminder that must reach each person once: a second notify with the same key is nothing. */
  onceKey?: string;
}

/** A person is mailed at once about one place (a thread, a section) at most once in this time;
 * whatever else happens there meanwhile waits for their digest. */
const SAME_PLACE_MAIL_QUIET_MS = 10 * 60_000;
/** Mails at once one person gets in an hour, whoever causes them; past it, the digest. Together
 * these bound what any member can make someone's mailbox receive (docs/workflow.md). */
const MAILS_AT_ONCE_PER_HOUR = 20;
const HOUR_MS = 3600_000;

/** How mail leaves (set at start by server/mail/outbox.ts; absent: notifications stay in the app). */
export interface MailChannel {
  /** The address links in mail start with ("https://gotong.example"). */
  publicUrl: string;
  /** Signs unsubscribe links. */
  secret: string;
  /** Called after mail was queued: the outbox sends it soon. */
  wake(): void;
}

const mailHolder = singleton<{ channel?: MailChannel }>("mail-channel", () => ({}));

export function setMailChannel(channel: MailChannel | undefined): void {
  mailHolder.channel = channel;
}

export function mailChannel(): MailChannel | undefined {
  return mailHolder.channel;
}

/** Tells the people an event concerns. Errors are logged, never thrown: what the person did has
 * happened, and a notification that could not be written must not undo it or fail the request. */
export async function notify<K extends NotificationKind>(event: NotificationEvent<K>): Promise<number> {
  try {
    return await writeNotifications(event);
  } catch (error) {
    log.error("notification not written", { kind: event.kind, plan: event.planId, ...errorFields(error) });
    return 0;
  }
}

async function writeNotifications<K extends NotificationKind>(event: NotificationEvent<K>): Promise<number> {
  const wanted = [...new Set(event.recipients)].filter((id) => id !== event.actorId);
  if (wanted.length === 0) return 0;
  const db = getDb();
  // Nothing about a plan reaches someone who is not on it; an invitation reaches the invited.
  const onPlan = await db
    .selectFrom("plan_members")
    .select("user_id")
    .where("plan_id", "=", event.planId)
    .where("user_id", "in", wanted)
    .execute();
  const allowed = new Set(onPlan.map((row) => row.user_id));
  if (event.kind === "invited") {
    const invited = await db
      .selectFrom("plan_invitations")
      .select("user_id")
      .where("plan_id", "=", event.planId)
      .where("status", "=", "pending")
      .where("user_id", "in", wanted)
      .execute();
    for (const row of invited) allowed.add(row.user_id);
  }
  if (allowed.size === 0) return 0;
  const people = await db
    .selectFrom("users")
    .leftJoin("notification_settings", (join) =>
      join.onRef("notification_settings.user_id", "=", "users.id").on("notification_settings.kind", "=", event.kind),
    )
    .select(["users.id as id", "users.email as email", "users.locale as locale", "notification_settings.delivery as choice"])
    .where("users.id", "in", [...allowed])
    .execute();
  const channel = mailChannel();
  const now = Date.now();
  const data = JSON.stringify(event.data);
  let written = 0;
  let queuedMail = false;
  await db.transaction().execute(async (trx) => {
    for (const person of people) {
      const choice = emailChoiceOf(event.kind, person.choice);
      let delivery: NotificationDelivery = choice === "off" ? "none" : choice;
      if (delivery === "now" && channel !== undefined && (await mailedEnoughAlready(trx, person.id, event.url, now))) {
        delivery = "digest";
      }
      const sendsNow = delivery === "now" && channel !== undefined;
      const inserted = await trx
        .insertInto("notifications")
        .values({
          user_id: person.id,
          plan_id: event.planId,
          kind: event.kind,
          actor_id: event.actorId,
          data,
          url: event.url,
          delivery,
          created_at: now,
          read_at: null,
          mailed_at: sendsNow ? now : null,
          once_key: event.onceKey ?? null,
        })
        .onConflict((conflict) => conflict.columns(["user_id", "once_key"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) continue;
      written++;
      if (!sendsNow) continue;
      const language: Language = isLanguage(person.locale) ? person.locale : "en";
      const mail = await renderNotificationMail(channel, {
        userId: person.id,
        language,
        kind: event.kind,
        data: event.data,
        url: event.url,
      });
      await trx
        .insertInto("mail_outbox")
        .values({ user_id: person.id, to_address: person.email, ...mail, created_at: now, next_attempt_at: now })
        .execute();
      queuedMail = true;
    }
  });
  if (queuedMail) channel?.wake();
  return written;
}

/** Whether the person was mailed at once about this place lately, or has had their hour's
 * share of mails at once: then this one goes to the digest instead. */
async function mailedEnoughAlready(trx: Transaction<Database>, userId: number, url: string, now: number): Promise<boolean> {
  const mailed = await trx
    .selectFrom("notifications")
    .select(["url", "mailed_at"])
    .where("user_id", "=", userId)
    .where("created_at", ">=", now - HOUR_MS)
    .where("delivery", "=", "now")
    .where("mailed_at", "is not", null)
    .execute();
  if (mailed.length >= MAILS_AT_ONCE_PER_HOUR) return true;
  return mailed.some((row) => row.url === url && Number(row.mailed_at) >= now - SAME_PLACE_MAIL_QUIET_MS);
}

function emailChoiceOf(kind: NotificationKind, stored: string | null | undefined): EmailChoice {
  return isEmailChoice(stored) ? stored : DEFAULT_EMAIL[kind];
}

// ── The inbox ────────────────────────────────────────────────────────────────────────────

export interface InboxEntry {
  id: number;
  kind: NotificationKind;
  planId: string;
  data: NotificationData[NotificationKind];
  url: string;
  read: boolean;
  createdAt: number;
}

/** Nothing about a plan is shown to someone no longer on it (nor invited to it). */
const onTheirPlan = (eb: ExpressionBuilder<Database, "notifications">) =>
  eb.or([
    eb.exists(
      eb
        .selectFrom("plan_members")
        .select("plan_members.user_id")
        .whereRef("plan_members.plan_id", "=", "notifications.plan_id")
        .whereRef("plan_members.user_id", "=", "notifications.user_id"),
    ),
    eb.exists(
      eb
        .selectFrom("plan_invitations")
        .select("plan_invitations.id")
        .whereRef("plan_invitations.plan_id", "=", "notifications.plan_id")
        .whereRef("plan_invitations.user_id", "=", "notifications.user_id")
        .where("plan_invitations.status", "=", "pending"),
    ),
  ]);

/** A person's notifications, newest first, from the plans they are still on. */
export async function listNotifications(
  userId: number,
  options: { limit?: number; unreadOnly?: boolean; kind?: NotificationKind } = {},
): Promise<InboxEntry[]> {
  let query = getDb()
    .selectFrom("notifications")
    .select([
      "notifications.id as id",
      "notifications.kind as kind",
      "notifications.plan_id as planId",
      "notifications.data as data",
      "notifications.url as url",
      "notifications.read_at as readAt",
      "notifications.created_at as createdAt",
    ])
    .where("notifications.user_id", "=", userId)
    .where(onTheirPlan)
    .orderBy("notifications.created_at", "desc")
    .orderBy("notifications.id", "desc")
    .limit(options.limit ?? 100);
  if (options.unreadOnly) query = query.where("notifications.read_at", "is", null);
  if (options.kind) query = query.where("notifications.kind", "=", options.kind);
  const rows = await query.execute();
  return rows.flatMap((row) => {
    if (!isNotificationKind(row.kind)) return [];
    return [
      {
        id: row.id,
        kind: row.kind,
        planId: row.planId,
        data: JSON.parse(row.data) as NotificationData[NotificationKind],
        url: row.url,
        read: row.readAt !== null,
        createdAt: Number(row.createdAt),
      },
    ];
  });
}

/** How many unread notifications a person has, from the plans they are on (the bell's number). */
export async function unreadCount(userId: number): Promise<number> {
  const row = await getDb()
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("notifications.user_id", "=", userId)
    .where("notifications.read_at", "is", null)
    .where(onTheirPlan)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks one of the person's notifications read; false when it is not theirs. */
export async function markRead(userId: number, notificationId: number): Promise<boolean> {
  return (await openNotification(userId, notificationId)) !== null;
}

/** Marks one of the person's notifications read and says where it leads; null when it is not
 * theirs, or is about a plan they are no longer on. */
export async function openNotification(userId: number, notificationId: number): Promise<string | null> {
  const existing = await getDb()
    .selectFrom("notifications")
    .select(["id", "read_at", "url"])
    .where("id", "=", notificationId)
    .where("user_id", "=", userId)
    .where(onTheirPlan)
    .executeTakeFirst();
  if (!existing) return null;
  if (existing.read_at === null) {
    await getDb().updateTable("notifications").set({ read_at: Date.now() }).where("id", "=", notificationId).execute();
  }
  return existing.url;
}

/** Marks every unread notification of the person read (or those leading to `url`: opening a
 * thread reads what told of it). */
export async function markAllRead(userId: number, url?: string): Promise<void> {
  let query = getDb().updateTable("notifications").set({ read_at: Date.now() }).where("user_id", "=", userId).where("read_at", "is", null);
  if (url !== undefined) query = query.where("url", "=", url);
  await query.execute();
}

// ── Choices ──────────────────────────────────────────────────────────────────────────────

export async function emailChoices(userId: number): Promise<Record<NotificationKind, EmailChoice>> {
  const rows = await getDb().selectFrom("notification_settings").select(["kind", "delivery"]).where("user_id", "=", userId).execute();
  const choices = { ...DEFAULT_EMAIL };
  for (const row of rows) if (isNotificationKind(row.kind) && isEmailChoice(row.delivery)) choices[row.kind] = row.delivery;
  return choices;
}

export async function setEmailChoice(userId: number, kind: NotificationKind, choice: EmailChoice): Promise<void> {
  await getDb()
    .insertInto("notification_settings")
    .values({ user_id: userId, kind, delivery: choice })
    .onConflict((conflict) => conflict.columns(["user_id", "kind"]).doUpdateSet({ delivery: choice }))
    .execute();
}

/** What an unsubscribe link does: turns one kind's email off, or for "digest" every kind now
 * gathered in the digest. The inbox keeps listing them. */
export async function turnOffEmail(userId: number, kind: NotificationKind | "digest"): Promise<NotificationKind[]> {
  const choices = await emailChoices(userId);
  const kinds = kind === "digest" ? NOTIFICATION_KINDS.filter((each) => choices[each] === "digest") : [kind];
  for (const each of kinds) await setEmailChoice(userId, each, "off");
  return kinds;
}

export { NOTIFICATION_KINDS };
