// The HTTP side: security headers, the same-origin rule for posts, static files, /healthz,
// and the Remix app, with the load context the app's loaders read.
import crypto from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { pingDb } from "../db";
import { errorFields, log } from "../app/utils/log.server";
import type { Config } from "./config";
import type { CollabHub } from "./collab/hub";
import type { MailStatus } from "./mail/outbox";
import { isAllowedOrigin } from "./origin";

export function createApp(config: Config, build: ServerBuild, hub: CollabHub, mail: { status(): Promise<MailStatus> }) {
  const app = express();
  app.disable("x-powered-by");
  if (config.trustProxy) app.set("trust proxy", config.trustProxy);

  // Event-loop delay: a stuck loop (a hostile update, a slow query) shows on /healthz.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();

  app.use((req, res, next) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    next();
  });

  // Cookies ride along on cross-site posts; refuse any state change from another origin.
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    if (isAllowedOrigin(req, config.allowedOrigins, config.trustProxy)) return next();
    log.warn("cross-origin request refused", { method: req.method, path: req.path, origin: req.headers.origin });
    res.status(403).type("text/plain").send("Cross-origin requests are not allowed.");
  });

  // Before the static files: a health check asks nothing of the disk.
  app.get("/healthz", async (_req, res) => {
    const collab = hub.stats();
    let database = "ok";
    try {
      await pingDb();
    } catch (error) {
      database = "unavailable";
      log.error("health check: database unavailable", errorFields(error));
    }
    const isHealthy = database === "ok" && !collab.lastWriteError;
    res.status(isHealthy ? 200 : 503).json({
      status: isHealthy ? "ok" : "degraded",
      database,
      // Redis being away is not unhealthy: instances still meet through the database.
      cluster: hub.clusterStatus(),
      // Nor is the mail server being away: mail waits in the outbox and is retried.
      mail: await mail.status().catch(() => ({ configured: config.mail.smtpUrl !== undefined, status: "unavailable" })),
      eventLoopDelayMs: {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
      collab,
    });
  });

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.mode,
      getLoadContext: (req, res) => ({
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        cspNonce: res.locals.cspNonce as string,
        collab: hub.services,
      }),
    }),
  );
  return app;
}
