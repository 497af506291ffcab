// The server's configuration: the environment read once, here and nowhere else, checked
// against one schema with safe defaults (README: Configuration). Whatever the web app's
// models need of it is handed to them at start (server/index.ts), never through process.env.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { isPostgresUrl } from "../db/dialect";

/** A whole number of at least `minimum`; empty or unset is the default. */
const count = (fallback: number, minimum = 0) =>
  z
    .string()
    .optional()
    .transform((raw, context) => {
      if (raw === undefined || raw.trim() === "") return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0) {
        context.addIssue({ code: "custom", message: `must be a whole number, got "${raw}"` });
        return z.NEVER;
      }
      if (value < minimum) {
        context.addIssue({ code: "custom", message: `must be at least ${minimum}, got ${value}` });
        return z.NEVER;
      }
      return value;
    });

/** Trimmed text; empty is unset. */
const text = () =>
  z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || undefined);

const Environment = z.object({
  NODE_ENV: text(),
  PORT: count(3000),
  HOST: text(),
  DATABASE_URL: text(),
  DATABASE_PATH: text(),
  SESSION_SECRET: text(),
  SEED_DEMO: text(),
  ALLOWED_ORIGINS: text(),
  /** Express's `trust proxy` value (e.g. `1`, `loopback`); unset, nothing a client sends as
   * X-Forwarded-* is believed. */
  TRUST_PROXY: text(),
  REDIS_URL: text(),
  COLLAB_MAX_FRAME_BYTES: count(10 * 1024 * 1024),
  COLLAB_MAX_MESSAGES_PER_SECOND: count(300),
  COLLAB_MAX_BYTES_PER_SECOND: count(1024 * 1024),
  COLLAB_MAX_SYNC_REQUESTS_PER_MINUTE: count(20),
  COLLAB_MAX_UNSENT_BYTES: count(4 * 1024 * 1024),
  COLLAB_MAX_PRESENCE_IDS_PER_SOCKET: count(3),
  COLLAB_MAX_PRESENCE_STATE_BYTES: count(4096),
  COLLAB_MAX_PRESENCE_BYTES_PER_SECOND: count(32 * 1024),
  COLLAB_MAX_CONNECTIONS_PER_USER: count(50),
  COLLAB_MAX_PLAN_BYTES: count(64 * 1024 * 1024),
  COLLAB_HIBERNATE_AFTER_MS: count(60_000),
  COLLAB_RECHECK_INTERVAL_MS: count(15_000),
  VERSION_QUIET_MS: count(120_000),
  VERSION_MAX_INTERVAL_MS: count(3_600_000),
  COLLAB_HEAL_INTERVAL_MS: count(3_000, 100),
  SMTP_URL: text(),
  MAIL_FROM: text(),
  PUBLIC_URL: text(),
  MAIL_POLL_INTERVAL_MS: count(30_000, 50),
  MAIL_RETRY_BASE_MS: count(60_000, 10),
  MAIL_RETRY_MAX_MS: count(3_600_000, 10),
});

type Environment = z.infer<typeof Environment>;

function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const parsed = Environment.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${issue.path.join(".")} ${issue.message}`);
}

/** DATABASE_URL when it names PostgreSQL, else the SQLite file at DATABASE_PATH (absolute). */
export function databaseLocation(env: Record<string, string | undefined> = process.env): string {
  const { DATABASE_URL, DATABASE_PATH } = parseEnvironment(env);
  if (DATABASE_URL && isPostgresUrl(DATABASE_URL)) return DATABASE_URL;
  return path.resolve(DATABASE_PATH ?? "data/gotong.db");
}

/** SESSION_SECRET, or one generated on first run and kept beside the database. */
function sessionSecret(configured: string | undefined, database: string): string {
  if (configured) return configured;
  // On PostgreSQL there is no database folder: keep it in ./data, where SQLite would be.
  const folder = isPostgresUrl(database) ? path.resolve("data") : path.dirname(database);
  const file = path.join(folder, "session-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** REDIS_URL: several instances share plans through Redis (docs/deployment.md); they need
 * one database and one session secret. */
function redisUrl(env: Environment, database: string): string | undefined {
  const url = env.REDIS_URL;
  if (!url) return undefined;
  if (!isPostgresUrl(database)) {
    throw new Error(
      "REDIS_URL is set but storage is SQLite: several instances need PostgreSQL (set DATABASE_URL=postgres://…), or unset REDIS_URL to run one instance",
    );
  }
  if (!env.SESSION_SECRET) {
    throw new Error(
      "REDIS_URL is set but SESSION_SECRET is not: give every instance the same SESSION_SECRET so a session signed on one is valid on the others",
    );
  }
  if (!/^rediss?:\/\//i.test(url)) throw new Error("REDIS_URL must start with redis:// or rediss://");
  return url;
}

/** SMTP_URL, MAIL_FROM, PUBLIC_URL: where mail goes, who it is from, where its links lead. No
 * SMTP_URL, no mail: notifications stay in the app (README: Email). */
function mailSettings(env: Environment) {
  const publicUrl = env.PUBLIC_URL === undefined ? undefined : httpUrl("PUBLIC_URL", env.PUBLIC_URL);
  const timing = {
    /** How often each instance looks for mail due (a retry, another instance's), digests and deadlines. */
    pollIntervalMs: env.MAIL_POLL_INTERVAL_MS,
    /** The first retry's wait; each failure doubles it, up to retryMaxMs. */
    retryBaseMs: env.MAIL_RETRY_BASE_MS,
    retryMaxMs: Math.max(env.MAIL_RETRY_MAX_MS, env.MAIL_RETRY_BASE_MS),
  };
  if (!env.SMTP_URL) return { smtpUrl: undefined, from: undefined, publicUrl, ...timing };
  let smtp: URL;
  try {
    smtp = new URL(env.SMTP_URL);
  } catch {
    throw new Error("SMTP_URL must be a URL: smtp://user:password@host:port or smtps://…");
  }
  if (smtp.protocol !== "smtp:" && smtp.protocol !== "smtps:") throw new Error("SMTP_URL must start with smtp:// or smtps://");
  if (!smtp.hostname) throw new Error("SMTP_URL names no host: smtp://user:password@host:port");
  const from = env.MAIL_FROM ?? `Gotong <noreply@${publicUrl ? new URL(publicUrl).hostname : "localhost"}>`;
  // "Name <address>" or a bare address; nodemailer writes the header.
  if (!/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(from)) {
    throw new Error(`MAIL_FROM must be an address or "Name <address>", got "${from}"`);
  }
  return { smtpUrl: env.SMTP_URL, from, publicUrl, ...timing };
}

/** An http(s) URL without its trailing slash. */
function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be a URL such as https://gotong.example, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${name} must start with http:// or https://`);
  return value.replace(/\/+$/, "");
}

export function loadConfig(processEnv: Record<string, string | undefined> = process.env) {
  const env = parseEnvironment(processEnv);
  const database = databaseLocation(processEnv);
  // Refused before a session secret is generated and written for an instance that will not start.
  const redis = redisUrl(env, database);
  const mail = mailSettings(env);
  return {
    /** Remix's mode: production (no error details to clients) unless NODE_ENV=development (npm run dev). */
    mode: env.NODE_ENV === "development" ? "development" : "production",
    port: env.PORT,
    host: env.HOST ?? "0.0.0.0",
    databasePath: database,
    sessionSecret: sessionSecret(env.SESSION_SECRET, database),
    /** Create the demo plan and accounts when the database has no accounts at all. */
    seedDemoWhenEmpty: env.SEED_DEMO !== "false",
    /** Extra origins allowed to open the websocket and post forms (the page's own always is). */
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    /** Set: behind a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed. */
    trustProxy: env.TRUST_PROXY,
    /** Set: this instance shares open plans with others through Redis. */
    redisUrl: redis,
    collab: {
      maxFrameBytes: env.COLLAB_MAX_FRAME_BYTES,
      maxMessagesPerSecond: env.COLLAB_MAX_MESSAGES_PER_SECOND,
      /** Bytes a socket may send per second (a burst of two seconds' worth, or one largest frame). */
      maxBytesPerSecond: env.COLLAB_MAX_BYTES_PER_SECOND,
      /** Sync step 1s and awareness queries a socket may send per minute (a burst of that many):
       * each is answered with up to the whole plan. A page sends one when it connects. */
      maxSyncRequestsPerMinute: env.COLLAB_MAX_SYNC_REQUESTS_PER_MINUTE,
      /** Bytes waiting to go to a socket that does not read, beyond the plan's own size (its
       * initial sync), before the socket is closed (4507). */
      maxUnsentBytes: env.COLLAB_MAX_UNSENT_BYTES,
      /** Presence (awareness) ids one socket may speak for in its life: a tab uses one. */
      maxPresenceIdsPerSocket: env.COLLAB_MAX_PRESENCE_IDS_PER_SOCKET,
      /** Largest presence state accepted (a caret's is a few hundred bytes); larger closes the socket. */
      maxPresenceStateBytes: env.COLLAB_MAX_PRESENCE_STATE_BYTES,
      /** Presence bytes a socket may have relayed per second (a burst of two seconds' worth). */
      maxPresenceBytesPerSecond: env.COLLAB_MAX_PRESENCE_BYTES_PER_SECOND,
      /** Open sockets one account may hold at once, across plans (tabs, devices). */
      maxConnectionsPerUser: env.COLLAB_MAX_CONNECTIONS_PER_USER,
      /** Stored size a plan may grow to (its stored state plus updates since it opened). */
      maxPlanBytes: env.COLLAB_MAX_PLAN_BYTES,
      /** An open plan nobody has changed for this long keeps only its encoded state in memory. */
      hibernateAfterMs: env.COLLAB_HIBERNATE_AFTER_MS,
      /** How often open sockets re-check their session and role. */
      recheckIntervalMs: env.COLLAB_RECHECK_INTERVAL_MS,
      /** A checkpoint is kept when editing has been quiet this long (docs/versions.md). */
      versionQuietMs: env.VERSION_QUIET_MS,
      /** …and at least this often while a plan is being edited. */
      versionMaxIntervalMs: env.VERSION_MAX_INTERVAL_MS,
      /** With REDIS_URL: how often an open plan reads what other instances stored and it missed. */
      healIntervalMs: env.COLLAB_HEAL_INTERVAL_MS,
    },
    mail: {
      /** Set: notifications are also emailed through this server (server/mail/). */
      smtpUrl: mail.smtpUrl,
      from: mail.from,
      /** The address links in mail start with; unset, http://localhost:<the port listened on>. */
      publicUrl: mail.publicUrl,
      pollIntervalMs: mail.pollIntervalMs,
      retryBaseMs: mail.retryBaseMs,
      retryMaxMs: mail.retryMaxMs,
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;
