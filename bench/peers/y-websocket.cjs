// The reference server of y-websocket@2 (its bin/utils setupWSConnection), in memory, on a
// free loopback port (or PEER_PORT). Started by the benchmark harness; prints {"msg":"listening","port":…}.
const http = require("node:http");
const { WebSocketServer } = require("ws");
const { setupWSConnection } = require("y-websocket-v2/bin/utils");

const server = http.createServer((_request, response) => response.end("ok"));
const sockets = new WebSocketServer({ noServer: true });
sockets.on("connection", setupWSConnection);
server.on("upgrade", (request, socket, head) => {
  sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit("connection", ws, request));
});
server.listen(Number(process.env.PEER_PORT ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "listening", port: server.address().port }));
});

// Stopped with SIGTERM when profiled (--profile): exit normally, so that V8 writes the profile.
process.on("SIGTERM", () => process.exit(0));
