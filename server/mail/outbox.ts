// Sends the mail waiting in mail_outbox (docs/workflow.md, "Email"): one mail at a time per
// instance, each row claimed with a lease so that instances sharing a PostgreSQL never send it
// twice, a failure retried with a doubling wait, sent rows purged after a week. Requests only
// insert rows and wake this; nothing here is ever awaited by a request.
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { getDb } from "../../db";
import { errorFields, log, redactedUrl } from "../../app/utils/log.server";

export interface OutboxSettings {
  smtpUrl: string;
  from: string;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** How long a claimed row is this instance's alone: far longer than a send can take with the
 * timeouts below, so a row is taken over only from an instance that died while sending it. */
const LEASE_MS = 10 * 60_000;
/** Sent rows are kept this long (for looking into "did it go?"), then deleted. */
const KEEP_SENT_MS = 7 * 24 * 3600_000;
const PURGE_EVERY_MS = 3600_000;
/** What shutdown waits for a send under way before leaving it to its lease. */
const STOP_WAIT_MS = 10_000;

export interface MailStatus {
  configured: boolean;
  /** Mail not yet taken by the mail server. */
  waiting: number;
  oldestWaitingSeconds: number | null;
  /** Waiting mail that has failed at least once. */
  failing: number;
  lastError: string | null;
}

type Row = {
  id: number;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  unsubscribe_url: string | null;
  attempts: number;
};

export class MailOutbox {
  private transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private isWakeWanted = false;
  private isStopped = false;
  private lastPurgeAt = 0;

  constructor(private readonly settings: OutboxSettings) {}

  /** Starts looking for due mail now and every poll interval. */
  start(): void {
    this.wake();
  }

  /** Mail was queued (or is due): send it soon, without waiting here. */
  wake(): void {
    if (this.isStopped) return;
    if (this.draining) {
      this.isWakeWanted = true;
      return;
    }
    clearTimeout(this.timer);
    this.draining = this.drain()
      .catch((error: unknown) => log.error("mail outbox: pass failed", errorFields(error)))
      .finally(() => {
        this.draining = undefined;
        if (this.isStopped) return;
        if (this.isWakeWanted) {
          this.isWakeWanted = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.settings.pollIntervalMs);
        }
      });
  }

  /** Stops taking rows, waits a little for a send under way, closes the connection. */
  async stop(): Promise<void> {
    this.isStopped = true;
    clearTimeout(this.timer);
    if (this.draining) await Promise.race([this.draining, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    this.transport?.close();
  }

  /** Sends every due row, one after the other; stops early when the mail server cannot be reached. */
  private async drain(): Promise<void> {
    await this.purgeNowAndThen();
    while (!this.isStopped) {
      const row = await claimNextDue(Date.now());
      if (!row) return;
      const failure = await this.send(row);
      if (failure === "unreachable") return; // the others wait for the next poll, untouched
    }
  }

  private async send(row: Row): Promise<"sent" | "refused" | "unreachable"> {
    const db = getDb();
    try {
      const transport = await this.connection();
      await transport.sendMail({
        from: this.settings.from,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        headers: {
          "Auto-Submitted": "auto-generated",
          ...(row.unsubscribe_url
            ? { "List-Unsubscribe": `<${row.unsubscribe_url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
            : {}),
        },
      });
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode;
      const waitMs = Math.min(this.settings.retryBaseMs * 2 ** Math.min(row.attempts, 30), this.settings.retryMaxMs);
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      log.warn("mail not sent; will retry", { mail: row.id, attempts: row.attempts + 1, retryInMs: waitMs, responseCode, error: message });
      await db
        .updateTable("mail_outbox")
        .set({ attempts: row.attempts + 1, next_attempt_at: Date.now() + waitMs, claimed_until: null, last_error: message })
        .where("id", "=", row.id)
        .execute();
      // A server that answered refused this mail; one that did not answer refuses them all.
      return responseCode === undefined ? "unreachable" : "refused";
    }
    await db.updateTable("mail_outbox").set({ sent_at: Date.now(), claimed_until: null }).where("id", "=", row.id).execute();
    return "sent";
  }

  /** nodemailer, loaded with the first mail (a server without SMTP_URL never loads it). */
  private async connection(): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    if (this.transport) return this.transport;
    const { default: nodemailer } = await import("nodemailer");
    this.transport = nodemailer.createTransport({
      url: this.settings.smtpUrl,
      // nodemailer's defaults wait up to 2 and 10 minutes; a dead server should fail a pass sooner.
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    } as SMTPTransport.Options);
    log.info("mail: sending through", { smtp: redactedUrl(this.settings.smtpUrl) });
    return this.transport;
  }

  private async purgeNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurgeAt < PURGE_EVERY_MS) return;
    this.lastPurgeAt = now;
    await getDb()
      .deleteFrom("mail_outbox")
      .where("sent_at", "is not", null)
      .where("sent_at", "<", now - KEEP_SENT_MS)
      .execute();
  }
}

/** Takes the oldest due row for this instance until its lease ends, or returns undefined when
 * none is due. The conditional update is the claim: of instances racing for a row, the one
 * whose update changed it has it (PostgreSQL re-checks the condition after the row lock). */
async function claimNextDue(now: number): Promise<Row | undefined> {
  const db = getDb();
  for (;;) {
    const candidate = await db
      .selectFrom("mail_outbox")
      .select(["id", "to_address", "subject", "text_body", "html_body", "unsubscribe_url", "attempts"])
      .where("sent_at", "is", null)
      .where("next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]))
      .orderBy("next_attempt_at")
      .orderBy("id")
      .limit(1)
      .executeTakeFirst();
    if (!candidate) return undefined;
    const claimed = await db
      .updateTable("mail_outbox")
      .set({ claimed_until: now + LEASE_MS })
      .where("id", "=", candidate.id)
      .where("sent_at", "is", null)
      .where("attempts", "=", candidate.attempts)
      .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return candidate;
    // Another instance took it first: look again.
  }
}

/** What /healthz shows of mail: the outbox as every instance shares it. */
export async function mailStatus(configured: boolean): Promise<MailStatus> {
  const db = getDb();
  const waiting = await db
    .selectFrom("mail_outbox")
    .select((eb) => [
      eb.fn.countAll<number>().as("waiting"),
      eb.fn.min("created_at").as("oldest"),
      eb.fn.sum<number>(eb.case().when("attempts", ">", 0).then(1).else(0).end()).as("failing"),
    ])
    .where("sent_at", "is", null)
    .executeTakeFirstOrThrow();
  const latestFailure = await db
    .selectFrom("mail_outbox")
    .select("last_error")
    .where("sent_at", "is", null)
    .where("last_error", "is not", null)
    .orderBy("next_attempt_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const oldest = waiting.oldest === null ? null : Number(waiting.oldest);
  return {
    configured,
    waiting: Number(waiting.waiting),
    oldestWaitingSeconds: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
    failing: Number(waiting.failing ?? 0),
    lastError: latestFailure?.last_error ?? null,
  };
}
