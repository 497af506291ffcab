// Hocuspocus 3.4 (@hocuspocus/server) with its SQLite extension at its default settings, on
// a free loopback port (or PEER_PORT). Started by the benchmark harness; prints {"msg":"listening","port":…}.
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";

const server = new Server({
  port: Number(process.env.PEER_PORT ?? 0),
  address: "127.0.0.1",
  quiet: true,
  extensions: [new SQLite({ database: process.env.HOCUSPOCUS_DATABASE })],
});
await server.listen();
console.log(JSON.stringify({ msg: "listening", port: server.address.port }));

// Stopped with SIGTERM when profiled (--profile): exit normally, so that V8 writes the profile.
process.on("SIGTERM", () => process.exit(0));
