// Same-origin rule for state-changing requests and websocket upgrades: browsers send
// cookies along on cross-site requests, so the Origin header is what tells them apart.
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, allowedOrigins: string[]): boolean {
  // Non-browser clients send no Origin; they carry no victim's cookies either.
  if (!origin) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
