// Structured logs, one JSON object a line. Callers pass fields (plan, user, reason);
// nothing here ever receives a password or a session id.
type Fields = Record<string, unknown>;

function write(level: "info" | "warn" | "error", message: string, fields?: Fields): void {
  if (process.env.LOG_LEVEL === "silent") return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
  (level === "error" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  info: (message: string, fields?: Fields) => write("info", message, fields),
  warn: (message: string, fields?: Fields) => write("warn", message, fields),
  error: (message: string, fields?: Fields) => write("error", message, fields),
};

/** A service address (PostgreSQL, Redis) fit for logs: no password, and no query string, where
 * drivers read secrets too. */
export function redactedUrl(address: string): string {
  try {
    const url = new URL(address);
    if (url.password) url.password = "***";
    url.search = "";
    return url.toString();
  } catch {
    return "(an address that is not a URL)";
  }
}

export function errorFields(error: unknown): Fields {
  return error instanceof Error ? { error: error.message } : { error: String(error) };
}
