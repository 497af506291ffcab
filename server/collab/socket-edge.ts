// Where sockets come in: an upgrade on /collab/<planId> is refused while shutting down, then
// authenticated (authenticate.ts), counted against its account (socket-reservations.ts), and
// once its plan is loaded attached as a connection (connection.ts), which reads its frames.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { CLOSE_RESTARTING } from "../../app/collab/protocol";
import { errorFields, log } from "../../app/utils/log.server";
import type { Config } from "../config";
import { authenticateUpgrade, type UpgradeDecision } from "./authenticate";
import { CollabConnection } from "./connection";
import type { LivePlan } from "./live-plan";
import type { CollabMetrics } from "./metrics";
import type { PlanRegistry } from "./plan-registry";
import { SocketReservations } from "./socket-reservations";
import type { UpdateStore } from "./update-store";

export interface SocketEdgeOptions {
  config: Pick<Config, "allowedOrigins" | "trustProxy" | "collab">;
  plans: PlanRegistry;
  store: UpdateStore;
  metrics: CollabMetrics;
  /** Someone joined or left the plan. */
  onJoinOrLeave(plan: LivePlan): void;
  /** A socket of this account has closed (called before the plan may unload). */
  onLeave?(plan: LivePlan, userId: number): void;
}

export class SocketEdge {
  private readonly sockets: WebSocketServer;
  private readonly reservations: SocketReservations;
  private isShuttingDown = false;

  constructor(private readonly options: SocketEdgeOptions) {
    const { collab } = options.config;
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: collab.maxFrameBytes });
    this.reservations = new SocketReservations(collab.maxConnectionsPerUser);
  }

  /** For the HTTP server's 'upgrade' event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until the websocket takes the socket over (it listens for errors itself), and for good
    // on a refused one: an 'error' without a listener would end the process.
    const onError = (error: Error) => log.warn("upgrade socket error", errorFields(error));
    socket.on("error", onError);
    void this.upgrade(request, socket, head, onError).catch((error) => {
      log.error("websocket upgrade failed", errorFields(error));
      refuseUpgrade(socket, 500, "Server error");
    });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, onError: (error: Error) => void): Promise<void> {
    const { config, metrics, plans } = this.options;
    if (this.isShuttingDown) return refuseUpgrade(socket, 503, "Server is restarting");
    const decision = await authenticateUpgrade(request, config.allowedOrigins, config.trustProxy);
    if (!decision.ok) {
      metrics.refusedUpgrades += 1;
      log.info("websocket upgrade refused", { status: decision.status, reason: decision.reason, path: request.url });
      return refuseUpgrade(socket, decision.status, decision.reason);
    }
    // Gave up while being authenticated: nothing to answer, nothing to count.
    if (socket.destroyed) return;
    // Counted here, with nothing awaited since authentication: upgrades of one account that
    // all wait for the plan to load must not each see the count from before any attached.
    const release = this.reservations.reserve(decision.user.id, socket);
    if (!release) {
      metrics.refusedUpgrades += 1;
      log.warn("websocket upgrade refused: too many connections", { user: decision.user.id });
      return refuseUpgrade(socket, 429, "Too many open connections for this account; close some tabs");
    }
    const open = plans.open(decision.planId);
    open.joining += 1;
    let loadedPlan: LivePlan | undefined;
    let isAttached = false;
    try {
      const plan = (loadedPlan = await open.loaded);
      this.sockets.handleUpgrade(request, socket, head, (ws) => {
        socket.off("error", onError);
        isAttached = true;
        this.attach(ws, socket, plan, decision);
      });
    } catch (error) {
      release();
      throw error;
    } finally {
      open.joining -= 1;
      // Given up while the plan loaded: no socket will leave it, so nobody else would unload it
      // (a socket that left meanwhile found this upgrade still joining).
      if (loadedPlan && !isAttached) void plans.unloadIfIdle(loadedPlan);
    }
  }

  private attach(ws: WebSocket, stream: Duplex, plan: LivePlan, auth: Extract<UpgradeDecision, { ok: true }>): void {
    const { config, metrics, store, plans, onJoinOrLeave, onLeave } = this.options;
    const connection = new CollabConnection({
      socket: ws,
      stream,
      plan,
      user: auth.user,
      sessionId: auth.sessionId,
      role: auth.role,
      store,
      metrics,
      maxMessagesPerSecond: config.collab.maxMessagesPerSecond,
      limits: config.collab,
    });
    // Without an 'error' listener a protocol error would take the whole process down.
    ws.on("error", (error) => log.warn("collab socket error", { ...connection.logFields(), ...errorFields(error) }));
    // Its count against the account's limit was taken before the upgrade (reserve).
    ws.on("close", () => {
      connection.leave();
      onJoinOrLeave(plan);
      onLeave?.(plan, auth.user.id);
      void plans.unloadIfIdle(plan);
    });
    metrics.connectionsOpened += 1;
    connection.start();
    onJoinOrLeave(plan);
  }

  /** Refuses new sockets and asks the open ones to come back after the restart. */
  closeAll(): void {
    this.isShuttingDown = true;
    for (const ws of this.sockets.clients) ws.close(CLOSE_RESTARTING, "server restarting");
  }

  /** Stops the websocket server (once every socket is closed). */
  stop(): void {
    this.sockets.close();
  }

  stats() {
    return {
      connections: this.sockets.clients.size,
      /** Sockets counted against COLLAB_MAX_CONNECTIONS_PER_USER (open, or upgrading). */
      socketsReserved: this.reservations.total,
      /** Bytes queued to sockets and not yet taken by the network. */
      unsentBytes: [...this.sockets.clients].reduce((sum, ws) => sum + ws.bufferedAmount, 0),
    };
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const statusText: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    429: "Too Many Requests",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
  };
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
