// Gotong's one process: migrate, seed the demo on an empty database, serve the app and the
// collaboration socket on one port, and on SIGTERM/SIGINT stop, flush and close cleanly.
import http from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { closeDb, describeDatabase, getDb, isMigratedToLatest, migrateToLatest, useDatabase } from "../db";
import { withLock } from "../db/locks";
import { seedDemo } from "../db/seed";
import { errorFields, log } from "../app/utils/log.server";
import { configureRuntime } from "../app/utils/runtime.server";
import { createApp } from "./app";
import { CollabHub } from "./collab/hub";
import { loadConfig } from "./config";
import { startMail, type MailService } from "./mail/mail-service";

async function main() {
  const config = loadConfig();
  useDatabase(config.databasePath);
  configureRuntime({ sessionSecret: config.sessionSecret });

  // The web app's modules load while the database is migrated (reading files and running SQL
  // overlap); nothing is served before both are done. Its failure is reported where it is awaited.
  const loadingApp = import("@remix-run/dev/server-build") as Promise<ServerBuild>;
  loadingApp.catch(() => undefined);

  const hasAccounts = async () => {
    const accounts = await getDb()
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(accounts.count) > 0;
  };
  // A restart finds the database migrated (and seeded): two reads, no lock, no write.
  const isReady = (await isMigratedToLatest()) && (!config.seedDemoWhenEmpty || (await hasAccounts()));
  if (!isReady) {
    // Instances starting together on one PostgreSQL migrate and seed one after the other.
    await withLock(getDb(), "startup", "migrate-and-seed", async () => {
      const applied = await migrateToLatest();
      if (applied.length) log.info("migrations applied", { migrations: applied });
      if (config.seedDemoWhenEmpty && !(await hasAccounts()) && (await seedDemo())) {
        log.info("demo plan and accounts created (see README)");
      }
    });
  }

  const build = await loadingApp;
  const hub = new CollabHub(config);
  // Mail starts once the port is known (its links' default address); /healthz asks it from then.
  const started: { mail?: MailService } = {};
  const mailStatus = { status: () => started.mail?.status() ?? Promise.reject(new Error("mail is not started yet")) };
  const server = http.createServer(createApp(config, build, hub, mailStatus));
  server.on("upgrade", (request, socket, head) => hub.handleUpgrade(request, socket, head));

  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  // Links in mail lead to PUBLIC_URL, or to this very server when it is not set.
  const mail = (started.mail = startMail(config, { publicUrl: config.mail.publicUrl ?? `http://localhost:${port}` }));
  log.info("listening", {
    url: `http://localhost:${port}`,
    port,
    database: describeDatabase(config.databasePath),
    ...(config.redisUrl ? { instance: hub.clusterStatus().instanceId } : {}),
  });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info("shutting down", { signal });
    server.close();
    await Promise.all([hub.shutdown(), mail.stop()]);
    server.closeAllConnections();
    await closeDb();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  log.error("failed to start", errorFields(error));
  process.exit(1);
});
