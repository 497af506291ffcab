// A tiny TCP load balancer in front of several Gotong instances, the way nginx or a cloud load
// balancer sits in front of them: each new connection goes to the next backend in rotation;
// when a backend refuses the connection (it is down), the next one is tried. Bytes are passed
// through untouched, so HTTP and websocket upgrades work as they would without it. When
// either side of a connection closes or fails, the other side is destroyed: a client whose
// instance dies sees its socket close and reconnects (through the proxy, to a live one).
import net from "node:net";

export interface TestProxy {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/collab */
  wsUrl: string;
  /** How many connections are open through the proxy to the backend on `port` now. */
  openTo(port: number): number;
  /** Stops accepting connections (open ones carry on): connecting clients are refused. */
  pause(): Promise<void>;
  /** Accepts connections again, on the same port. */
  resume(): Promise<void>;
  /** Stops accepting and destroys every open connection. */
  close(): Promise<void>;
}

export async function startProxy(backends: number[], host = "127.0.0.1"): Promise<TestProxy> {
  if (backends.length === 0) throw new Error("startProxy needs at least one backend port");
  let rotation = 0;
  const sockets = new Set<net.Socket>();
  const open = new Map<number, number>();

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const onConnection = (client: net.Socket) => {
    track(client);
    // Errors before the backend is connected: drop the client (a handler keeps them from
    // becoming uncaught exceptions).
    client.on("error", () => client.destroy());
    const first = rotation;
    rotation = (rotation + 1) % backends.length;

    const attempt = (tried: number) => {
      if (client.destroyed) return;
      if (tried >= backends.length) {
        // No backend answers: refuse the client the way a dead server would.
        client.destroy();
        return;
      }
      const port = backends[(first + tried) % backends.length]!;
      const upstream = net.connect({ port, host });
      const onConnectError = () => {
        upstream.destroy();
        attempt(tried + 1);
      };
      upstream.once("error", onConnectError);
      upstream.once("connect", () => {
        upstream.off("error", onConnectError);
        track(upstream);
        if (client.destroyed) {
          upstream.destroy();
          return;
        }
        open.set(port, (open.get(port) ?? 0) + 1);
        let closed = false;
        const closeBoth = () => {
          if (!closed) {
            closed = true;
            open.set(port, (open.get(port) ?? 1) - 1);
          }
          client.destroy();
          upstream.destroy();
        };
        upstream.on("error", closeBoth);
        client.on("error", closeBoth);
        upstream.once("close", closeBoth);
        client.once("close", closeBoth);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    attempt(0);
  };

  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = net.createServer(onConnection);
      next.once("error", reject);
      next.listen(port, host, () => {
        next.off("error", reject);
        port = (next.address() as net.AddressInfo).port;
        server = next;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      // close() waits for open connections to end; the callback is not needed to stop accepting.
      current.close();
      resolve();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return `http://${host}:${port}`;
    },
    get wsUrl() {
      return `ws://${host}:${port}/collab`;
    },
    openTo: (backend) => open.get(backend) ?? 0,
    pause: stopListening,
    resume: async () => {
      if (!server) await listen();
    },
    close: async () => {
      await stopListening();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
