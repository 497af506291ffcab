// The server's configuration: one schema over the environment, defaults, refusals that name the
// variable, and nothing written back into the environment.
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseLocation, loadConfig } from "../../server/config";

const base = { DATABASE_PATH: path.join(os.tmpdir(), "gotong-config-test", "gotong.db"), SESSION_SECRET: "s3cret-for-tests" };

describe("loadConfig", () => {
  it("gives the documented defaults and production mode unless NODE_ENV=development", () => {
    const config = loadConfig({ ...base });
    expect(config).toMatchObject({
      port: 3000,
      host: "0.0.0.0",
      mode: "production",
      trustProxy: undefined,
      redisUrl: undefined,
      seedDemoWhenEmpty: true,
    });
    expect(config.collab).toMatchObject({ maxConnectionsPerUser: 50, maxSyncRequestsPerMinute: 20, healIntervalMs: 3000 });
    expect(loadConfig({ ...base, NODE_ENV: "development" }).mode).toBe("development");
    expect(loadConfig({ ...base, NODE_ENV: "test" }).mode).toBe("production");
  });

  it("reads numbers, lists and trimmed text", () => {
    const config = loadConfig({
      ...base,
      PORT: "8080",
      ALLOWED_ORIGINS: " https://a.example , https://b.example ",
      TRUST_PROXY: " 1 ",
      COLLAB_MAX_CONNECTIONS_PER_USER: "7",
      SEED_DEMO: "false",
    });
    expect(config).toMatchObject({
      port: 8080,
      allowedOrigins: ["https://a.example", "https://b.example"],
      trustProxy: "1",
      seedDemoWhenEmpty: false,
    });
    expect(config.collab.maxConnectionsPerUser).toBe(7);
  });

  it("refuses what is not a whole number, or under its minimum, naming the variable", () => {
    expect(() => loadConfig({ ...base, PORT: "eighty" })).toThrow('PORT must be a whole number, got "eighty"');
    expect(() => loadConfig({ ...base, COLLAB_MAX_PLAN_BYTES: "-1" })).toThrow(/COLLAB_MAX_PLAN_BYTES must be a whole number/);
    expect(() => loadConfig({ ...base, COLLAB_HEAL_INTERVAL_MS: "10" })).toThrow("COLLAB_HEAL_INTERVAL_MS must be at least 100, got 10");
    expect(() => loadConfig({ ...base, REDIS_URL: "redis://localhost:6379" })).toThrow(/REDIS_URL is set but storage is SQLite/);
  });

  it("chooses PostgreSQL only for a postgres URL, and never writes the environment", () => {
    expect(databaseLocation({ DATABASE_URL: "postgres://u@localhost/db", DATABASE_PATH: "/x/y.db" })).toBe("postgres://u@localhost/db");
    expect(databaseLocation({ DATABASE_PATH: "relative/file.db" })).toBe(path.resolve("relative/file.db"));
    const env = { ...base };
    const config = loadConfig(env);
    expect(env).toEqual(base);
    expect(config.sessionSecret).toBe(base.SESSION_SECRET);
  });

  it("sends no mail without SMTP_URL, and checks the mail settings when it is set", () => {
    expect(loadConfig({ ...base }).mail).toMatchObject({
      smtpUrl: undefined,
      publicUrl: undefined,
      pollIntervalMs: 30_000,
      retryBaseMs: 60_000,
      retryMaxMs: 3_600_000,
    });
    const mail = loadConfig({ ...base, SMTP_URL: "smtps://user:pw@mail.example:465", PUBLIC_URL: "https://rencana.example.go.id/" }).mail;
    expect(mail).toMatchObject({
      smtpUrl: "smtps://user:pw@mail.example:465",
      publicUrl: "https://rencana.example.go.id",
      from: "Gotong <noreply@rencana.example.go.id>",
    });
    expect(loadConfig({ ...base, SMTP_URL: "smtp://mail.example", MAIL_FROM: "Rencana <rencana@bappenas.example>" }).mail.from).toBe(
      "Rencana <rencana@bappenas.example>",
    );
    expect(() => loadConfig({ ...base, SMTP_URL: "mail.example:25" })).toThrow(/SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    expect(() => loadConfig({ ...base, SMTP_URL: "smtp://mail.example", MAIL_FROM: "not an address" })).toThrow(/MAIL_FROM must be/);
    expect(() => loadConfig({ ...base, PUBLIC_URL: "rencana.example" })).toThrow(/PUBLIC_URL must be a URL/);
    expect(() => loadConfig({ ...base, MAIL_POLL_INTERVAL_MS: "5" })).toThrow("MAIL_POLL_INTERVAL_MS must be at least 50, got 5");
  });
});
