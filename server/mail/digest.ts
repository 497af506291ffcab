// The daily digest (docs/workflow.md, "Email"): at 07:00 WIB, one mail to each person gathering
// their notifications chosen for the digest that were made before then and not yet mailed, in
// their language. Each person's digest is claimed in a transaction (digest_sent_at moved past
// the day's slot, only if it was before it), so of several instances only one sends it.
import { getDb } from "../../db";
import { isLanguage } from "../../app/i18n/config";
import type { MailChannel } from "../../app/models/notification.server";
import { renderDigestMail } from "../../app/models/notification-mail.server";
import {
  DEFAULT_EMAIL,
  isEmailChoice,
  isNotificationKind,
  type NotificationData,
  type NotificationKind,
} from "../../app/models/notification-kinds";
import { digestSlot } from "./wib";

/** Older entries than this are not mailed any more (e.g. gathered while no mail server was set). */
const DIGEST_REACHES_BACK_MS = 7 * 24 * 3600_000;

/** Sends (queues in the outbox) the digests due at `now`; returns how many were queued. */
export async function sendDueDigests(channel: Pick<MailChannel, "publicUrl" | "secret">, now = Date.now()): Promise<number> {
  const slot = digestSlot(now);
  const due = await getDb()
    .selectFrom("notifications")
    .innerJoin("users", "users.id", "notifications.user_id")
    .select("notifications.user_id as userId")
    .distinct()
    .where("notifications.delivery", "=", "digest")
    .where("notifications.mailed_at", "is", null)
    .where("notifications.created_at", "<", slot)
    .where((eb) => eb.or([eb("users.digest_sent_at", "is", null), eb("users.digest_sent_at", "<", slot)]))
    .execute();
  let queued = 0;
  for (const { userId } of due) {
    if (await sendDigest(channel, userId, slot)) queued++;
  }
  return queued;
}

async function sendDigest(channel: Pick<MailChannel, "publicUrl" | "secret">, userId: number, slot: number): Promise<boolean> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const now = Date.now();
      const claim = await trx
        .updateTable("users")
        .set({ digest_sent_at: now })
        .where("id", "=", userId)
        .where((eb) => eb.or([eb("digest_sent_at", "is", null), eb("digest_sent_at", "<", slot)]))
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false; // another instance has it
      const person = await trx.selectFrom("users").select(["email", "locale"]).where("id", "=", userId).executeTakeFirstOrThrow();
      const entries = await trx
        .selectFrom("notifications")
        .innerJoin("plans", "plans.id", "notifications.plan_id")
        .leftJoin("plan_members", (join) =>
          join.onRef("plan_members.plan_id", "=", "notifications.plan_id").on("plan_members.user_id", "=", userId),
        )
        .leftJoin("notification_settings", (join) =>
          join.onRef("notification_settings.kind", "=", "notifications.kind").on("notification_settings.user_id", "=", userId),
        )
        .select([
          "notifications.id as id",
          "notifications.kind as kind",
          "notifications.data as data",
          "notifications.url as url",
          "notifications.created_at as createdAt",
          "plans.id as planId",
          "plans.title as plan",
          "plan_members.user_id as memberId",
          "notification_settings.delivery as choice",
        ])
        .where("notifications.user_id", "=", userId)
        .where("notifications.delivery", "=", "digest")
        .where("notifications.mailed_at", "is", null)
        .where("notifications.created_at", "<", slot)
        .orderBy("notifications.created_at")
        .orderBy("notifications.id")
        .execute();
      if (entries.length === 0) return false;
      const invitedTo = new Set(
        (
          await trx
            .selectFrom("plan_invitations")
            .select("plan_id")
            .where("user_id", "=", userId)
            .where("status", "=", "pending")
            .where(
              "plan_id",
              "in",
              entries.map((entry) => entry.planId),
            )
            .execute()
        ).map((row) => row.plan_id),
      );
      const listed = entries.flatMap((entry) => {
        if (!isNotificationKind(entry.kind)) return [];
        // Turned off since it was made: it stays in the inbox only.
        if ((isEmailChoice(entry.choice) ? entry.choice : DEFAULT_EMAIL[entry.kind]) === "off") return [];
        // Nothing about a plan reaches someone no longer on it (or invited to it), as in the inbox.
        if (entry.memberId === null && !invitedTo.has(entry.planId)) return [];
        if (Number(entry.createdAt) < slot - DIGEST_REACHES_BACK_MS) return [];
        const data = JSON.parse(entry.data) as NotificationData[NotificationKind];
        // A deadline that has passed is no longer worth a line.
        if (entry.kind === "deadline" && (data as NotificationData["deadline"]).deadline <= now) return [];
        return [{ kind: entry.kind, data, url: entry.url, plan: entry.plan }];
      });
      await trx
        .updateTable("notifications")
        .set({ mailed_at: now })
        .where(
          "id",
          "in",
          entries.map((entry) => entry.id),
        )
        .execute();
      if (listed.length === 0) return false;
      const mail = await renderDigestMail(channel, { userId, language: isLanguage(person.locale) ? person.locale : "en", entries: listed });
      await trx
        .insertInto("mail_outbox")
        .values({ user_id: userId, to_address: person.email, ...mail, created_at: now, next_attempt_at: now })
        .execute();
      return true;
    });
}
