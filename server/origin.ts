// Same-origin rule for state-changing requests and websocket upgrades: browsers send
// cookies along on cross-site requests, so the Origin header is what tells them apart. An
// origin is scheme, host and port: http://gotong.example is not https://gotong.example.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/** The origin the request was made to: the scheme from the socket's TLS (or, only behind a
 * trusted proxy, X-Forwarded-Proto), the host and port from Host (or X-Forwarded-Host). */
export function requestOrigin(request: IncomingMessage, trustProxy: string | undefined): string | undefined {
  const forwarded = (name: string) => {
    const value = request.headers[name];
    return trustProxy && typeof value === "string" ? value.split(",")[0]!.trim() || undefined : undefined;
  };
  const scheme = (request.socket as TLSSocket).encrypted ? "https" : (forwarded("x-forwarded-proto") ?? "http");
  const host = forwarded("x-forwarded-host") ?? request.headers.host;
  return host ? normalizeOrigin(`${scheme}://${host}`) : undefined;
}

/** Whether the request's Origin is its own origin or one of `allowedOrigins`. */
export function isAllowedOrigin(
  request: IncomingMessage,
  allowedOrigins: string[],
  /** server/config.ts's trustProxy. */
  trustProxy: string | undefined,
): boolean {
  const origin = request.headers.origin;
  // Non-browser clients send no Origin; they carry no victim's cookies either.
  if (origin === undefined) return true;
  const claimed = normalizeOrigin(origin);
  if (!claimed) return false;
  return claimed === requestOrigin(request, trustProxy) || allowedOrigins.some((allowed) => normalizeOrigin(allowed) === claimed);
}

/** "HTTPS://Gotong.example:443/" → "https://gotong.example"; undefined for "null" or junk. */
function normalizeOrigin(value: string): string | undefined {
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}
