// One test file's server: the built server on a fresh database (tests/helpers/server.ts),
// every demo account signed in, and the Node clients the file opens, all closed after it.
import { afterAll, beforeAll } from "vitest";
import { connectClient, type TestClient } from "./clients";
import { DEMO, signInEveryone, startServer, type DemoRole, type TestServer } from "./server";

export interface DemoServer {
  readonly server: TestServer;
  /** A Cookie header for each demo account. */
  readonly cookies: Record<DemoRole, string>;
  /** A y-websocket client on the demo plan, signed in as `role`; closed after the file. */
  client(role: DemoRole): TestClient;
  /** Closes every client opened so far. */
  closeClients(): void;
}

export function useDemoServer(options: Parameters<typeof startServer>[0] = {}): DemoServer {
  let server: TestServer | undefined;
  let cookies: Record<DemoRole, string> | undefined;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer(options);
    cookies = await signInEveryone(server.url);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
    server?.cleanup();
  });
  return {
    get server() {
      if (!server) throw new Error("the server starts in beforeAll");
      return server;
    },
    get cookies() {
      if (!cookies) throw new Error("the accounts sign in in beforeAll");
      return cookies;
    },
    client(role) {
      const client = connectClient(this.server.wsUrl, DEMO.planId, this.cookies[role]);
      clients.push(client);
      return client;
    },
    closeClients() {
      for (const client of clients.splice(0)) client.destroy();
    },
  };
}
