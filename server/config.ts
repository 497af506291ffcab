// Configuration from the environment, with safe defaults (README: Configuration).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { defaultDatabasePath, isPostgresUrl } from "../db";

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function atLeast(minimum: number, name: string, value: number): number {
  if (value < minimum) throw new Error(`${name} must be at least ${minimum}, got ${value}`);
  return value;
}

/** SESSION_SECRET, or one generated on first run and kept beside the database. */
function sessionSecret(databasePath: string): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  // On PostgreSQL there is no database folder: keep it in ./data, where SQLite would be.
  const folder = isPostgresUrl(databasePath) ? path.resolve("data") : path.dirname(databasePath);
  const file = path.join(folder, "session-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** REDIS_URL: several instances share plans through Redis (docs/deployment.md); they need
 * one database and one session secret. */
function redisUrl(databasePath: string): string | undefined {
  const url = process.env.REDIS_URL?.trim();
  if (!url) return undefined;
  if (!isPostgresUrl(databasePath)) {
    throw new Error("REDIS_URL is set but storage is SQLite: several instances need PostgreSQL (set DATABASE_URL=postgres://…), or unset REDIS_URL to run one instance");
  }
  if (!process.env.SESSION_SECRET) {
    throw new Error("REDIS_URL is set but SESSION_SECRET is not: give every instance the same SESSION_SECRET so a session signed on one is valid on the others");
  }
  if (!/^rediss?:\/\//i.test(url)) throw new Error("REDIS_URL must start with redis:// or rediss://");
  return url;
}

/** TRUST_PROXY: Express's `trust proxy` value (e.g. `1`, `loopback`); unset, nothing a client
 * sends as X-Forwarded-* is believed. Read here only. */
export function trustProxyFromEnv(): string | undefined {
  return process.env.TRUST_PROXY?.trim() || undefined;
}

export function loadConfig() {
  const databasePath = defaultDatabasePath();
  // Refused before a session secret is generated and written for an instance that will not start.
  const redis = redisUrl(databasePath);
  return {
    port: intFromEnv("PORT", 3000),
    host: process.env.HOST ?? "0.0.0.0",
    databasePath,
    sessionSecret: sessionSecret(databasePath),
    /** Create the demo plan and accounts when the database has no accounts at all. */
    seedDemoWhenEmpty: process.env.SEED_DEMO !== "false",
    /** Extra origins allowed to open the websocket and post forms (the page's own always is). */
    allowedOrigins: (process.env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    /** Set: behind a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed. */
    trustProxy: trustProxyFromEnv(),
    /** Set: this instance shares open plans with others through Redis. */
    redisUrl: redis,
    collab: {
      maxFrameBytes: intFromEnv("COLLAB_MAX_FRAME_BYTES", 10 * 1024 * 1024),
      maxMessagesPerSecond: intFromEnv("COLLAB_MAX_MESSAGES_PER_SECOND", 300),
      /** Bytes a socket may send per second (a burst of two seconds' worth, or one largest frame). */
      maxBytesPerSecond: intFromEnv("COLLAB_MAX_BYTES_PER_SECOND", 1024 * 1024),
      /** Sync step 1s and awareness queries a socket may send per minute (a burst of that many):
       * each is answered with up to the whole plan. A page sends one when it connects. */
      maxSyncRequestsPerMinute: intFromEnv("COLLAB_MAX_SYNC_REQUESTS_PER_MINUTE", 20),
      /** Bytes waiting to go to a socket that does not read, beyond the plan's own size (its
       * initial sync), before the socket is closed (4507). */
      maxUnsentBytes: intFromEnv("COLLAB_MAX_UNSENT_BYTES", 4 * 1024 * 1024),
      /** Presence (awareness) ids one socket may speak for in its life: a tab uses one. */
      maxPresenceIdsPerSocket: intFromEnv("COLLAB_MAX_PRESENCE_IDS_PER_SOCKET", 3),
      /** Largest presence state accepted (a caret's is a few hundred bytes); larger closes the socket. */
      maxPresenceStateBytes: intFromEnv("COLLAB_MAX_PRESENCE_STATE_BYTES", 4096),
      /** Presence bytes a socket may have relayed per second (a burst of two seconds' worth). */
      maxPresenceBytesPerSecond: intFromEnv("COLLAB_MAX_PRESENCE_BYTES_PER_SECOND", 32 * 1024),
      /** Open sockets one account may hold at once, across plans (tabs, devices). */
      maxConnectionsPerUser: intFromEnv("COLLAB_MAX_CONNECTIONS_PER_USER", 50),
      /** Stored size a plan may grow to (its stored state plus updates since it opened). */
      maxPlanBytes: intFromEnv("COLLAB_MAX_PLAN_BYTES", 64 * 1024 * 1024),
      /** An open plan nobody has changed for this long keeps only its encoded state in memory. */
      hibernateAfterMs: intFromEnv("COLLAB_HIBERNATE_AFTER_MS", 60_000),
      /** How often open sockets re-check their session and role. */
      recheckIntervalMs: intFromEnv("COLLAB_RECHECK_INTERVAL_MS", 15_000),
      /** A checkpoint is kept when editing has been quiet this long (docs/versions.md). */
      versionQuietMs: intFromEnv("VERSION_QUIET_MS", 120_000),
      /** …and at least this often while a plan is being edited. */
      versionMaxIntervalMs: intFromEnv("VERSION_MAX_INTERVAL_MS", 3_600_000),
      /** With REDIS_URL: how often an open plan reads what other instances stored and it missed. */
      healIntervalMs: atLeast(100, "COLLAB_HEAL_INTERVAL_MS", intFromEnv("COLLAB_HEAL_INTERVAL_MS", 3_000)),
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;
