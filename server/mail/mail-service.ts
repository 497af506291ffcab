// The mail side of notifications, wired for the process (server/index.ts): with SMTP_URL, the
// outbox and the channel notify() queues mail through, and the daily digest; with or without it,
// the deadline reminders (an inbox entry first). One timer looks for what is due every poll.
import { setMailChannel } from "../../app/models/notification.server";
import { errorFields, log } from "../../app/utils/log.server";
import type { Config } from "../config";
import { sendDueDigests } from "./digest";
import { MailOutbox, mailStatus, type MailStatus } from "./outbox";
import { remindOfDeadlines } from "./reminders";

export interface MailService {
  /** For /healthz. */
  status(): Promise<MailStatus>;
  stop(): Promise<void>;
}

export function startMail(config: Config, options: { publicUrl: string }): MailService {
  const { mail } = config;
  const outbox = mail.smtpUrl && mail.from ? new MailOutbox({ ...mail, smtpUrl: mail.smtpUrl, from: mail.from }) : undefined;
  const channel = outbox ? { publicUrl: options.publicUrl, secret: config.sessionSecret, wake: () => outbox.wake() } : undefined;
  setMailChannel(channel);
  if (outbox) log.info("mail: notifications are emailed", { from: mail.from, links: options.publicUrl });
  else log.info("mail: no SMTP_URL, notifications stay in the app");

  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let pass: Promise<void> | undefined;
  const runDueWork = async () => {
    try {
      await remindOfDeadlines();
      if (channel && (await sendDueDigests(channel)) > 0) outbox?.wake();
    } catch (error) {
      log.error("mail: digests or reminders failed; trying again at the next poll", errorFields(error));
    }
  };
  const tick = () => {
    pass = runDueWork().finally(() => {
      pass = undefined;
      if (!isStopped) timer = setTimeout(tick, mail.pollIntervalMs);
    });
  };
  tick();
  outbox?.start();

  return {
    status: () => mailStatus(outbox !== undefined),
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      setMailChannel(undefined);
      await pass;
      await outbox?.stop();
    },
  };
}
