// The same-origin rule (server/origin.ts): scheme, host and port, with X-Forwarded-* believed
// only behind a trusted proxy. Through the real server in tests/reliability/web-doors.test.ts.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "../../server/origin";

function request(headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as IncomingMessage;
}

describe("isAllowedOrigin", () => {
  it.each([
    ["http://gotong.example:3000", { host: "gotong.example:3000" }, false, undefined, true],
    ["HTTP://Gotong.Example:3000", { host: "gotong.example:3000" }, false, undefined, true],
    ["https://gotong.example:3000", { host: "gotong.example:3000" }, false, undefined, false],
    ["http://gotong.example:3001", { host: "gotong.example:3000" }, false, undefined, false],
    ["http://gotong.example", { host: "gotong.example:3000" }, false, undefined, false],
    ["https://gotong.example", { host: "gotong.example" }, true, undefined, true],
    ["https://gotong.example:443", { host: "gotong.example" }, true, undefined, true],
    ["http://gotong.example", { host: "gotong.example" }, true, undefined, false],
    ["https://gotong.example", { host: "gotong.example", "x-forwarded-proto": "https" }, false, undefined, false],
    ["https://gotong.example", { host: "gotong.example", "x-forwarded-proto": "https" }, false, "1", true],
    ["http://gotong.example", { host: "gotong.example", "x-forwarded-proto": "https" }, false, "1", false],
    [
      "https://gotong.example",
      { host: "internal:3000", "x-forwarded-proto": "https, http", "x-forwarded-host": "gotong.example" },
      false,
      "1",
      true,
    ],
    ["https://evil.example", { host: "evil.example", "x-forwarded-host": "gotong.example" }, false, "1", false],
    ["null", { host: "gotong.example" }, false, undefined, false],
    ["not a url", { host: "gotong.example" }, false, undefined, false],
  ] as const)("Origin %s to %j (TLS %s, TRUST_PROXY %s): %s", (origin, headers, encrypted, trustProxy, expected) => {
    expect(isAllowedOrigin(request({ ...headers, origin }, encrypted), [], trustProxy)).toBe(expected);
  });

  it("accepts an origin listed in ALLOWED_ORIGINS, by scheme, host and port", () => {
    const allowed = ["https://app.gotong.example"];
    expect(isAllowedOrigin(request({ host: "gotong.example", origin: "https://APP.gotong.example:443" }), allowed, undefined)).toBe(true);
    expect(isAllowedOrigin(request({ host: "gotong.example", origin: "http://app.gotong.example" }), allowed, undefined)).toBe(false);
  });

  it("lets a request without Origin through (no browser, so no victim's cookies)", () => {
    expect(isAllowedOrigin(request({ host: "gotong.example" }), [], undefined)).toBe(true);
  });
});
