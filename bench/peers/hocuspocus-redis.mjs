// One of several Hocuspocus 3.4 instances (@hocuspocus/server) sharing one Redis through
// @hocuspocus/extension-redis at its defaults, and one SQLite file through
// @hocuspocus/extension-sqlite, on a free loopback port. Started by the benchmark harness
// (bench/instances.ts); prints {"msg":"listening","port":…}.
//
// The SQLite extension is configured as in peers/hocuspocus.mjs with one change: several
// processes open the same file here, and the extension's store does not wait for its write
// (nor handle SQLITE_BUSY), so a write that meets another process's lock would fail (and,
// with no callback, take the process down). A busy timeout makes it wait for the lock
// instead, as anyone sharing the file would set. The Redis extension's lock keeps two
// instances from storing the same document at once; it is released when the store
// returns, which is before SQLite has written.
import { Server } from "@hocuspocus/server";
import { Redis } from "@hocuspocus/extension-redis";
import { SQLite } from "@hocuspocus/extension-sqlite";

class SharedSQLite extends SQLite {
  async onConfigure() {
    await super.onConfigure();
    this.db.configure("busyTimeout", 5000);
  }
}

const redis = new URL(process.env.HOCUSPOCUS_REDIS_URL ?? "redis://127.0.0.1:6379");
const server = new Server({
  port: 0,
  address: "127.0.0.1",
  quiet: true,
  extensions: [
    new Redis({ host: redis.hostname, port: Number(redis.port || 6379) }),
    new SharedSQLite({ database: process.env.HOCUSPOCUS_DATABASE }),
  ],
});
await server.listen();
console.log(JSON.stringify({ msg: "listening", port: server.address.port }));

// Stopped with SIGTERM when profiled (--profile): exit normally, so that V8 writes the profile.
process.on("SIGTERM", () => process.exit(0));
