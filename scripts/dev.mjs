// npm run dev: rebuilds the app and the server on every change and restarts the server.
import { spawn, spawnSync } from "node:child_process";

const run = (command, args, options = {}) => spawn(command, args, { stdio: "inherit", ...options });

if (spawnSync("npm", ["run", "build"], { stdio: "inherit" }).status !== 0) process.exit(1);
const children = [
  run("npx", ["remix", "watch"]),
  run(process.execPath, ["scripts/build-server.mjs", "--watch"]),
  run(process.execPath, ["--enable-source-maps", "--watch-path=build", "build/server.js"], {
    env: { ...process.env, NODE_ENV: "development" },
  }),
];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
