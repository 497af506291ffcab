// What the web app's models need of the server's configuration (server/config.ts), handed
// over once at start (server/index.ts) instead of through process.env. Kept on globalThis
// (singleton.server.ts): the Remix build and the server bundle each carry this module.
import { singleton } from "./singleton.server";

export interface RuntimeSettings {
  /** Signs the session cookie. */
  sessionSecret: string;
}

const holder = singleton<{ settings?: RuntimeSettings }>("runtime", () => ({}));

export function configureRuntime(settings: RuntimeSettings): void {
  holder.settings = settings;
}

export function runtimeSettings(): RuntimeSettings {
  if (!holder.settings) throw new Error("The server's settings were not handed over: configureRuntime() runs at start (server/index.ts)");
  return holder.settings;
}
