// The sign-in throttle's policy (app/models/login-throttle.server.ts; through the real server in
// tests/integration/signin-throttle.test.ts and tests/reliability/web-doors.test.ts).
import { describe, expect, it } from "vitest";
import { addressKey, reserveSignInAttempt } from "../../app/models/login-throttle.server";

/** `count` attempts that all fail; how many were allowed. */
function fail(email: string, address: string, count: number, now = Date.now()): number {
  let allowed = 0;
  for (let i = 0; i < count; i++) if (reserveSignInAttempt(email, address, now).isAllowed) allowed += 1;
  return allowed;
}

describe("sign-in throttling", () => {
  it("allows five failures for an account from one address, then asks to wait 30 s, doubling", () => {
    const now = Date.now();
    expect(fail("doubling@example.org", "198.51.100.1", 10, now)).toBe(5);
    const refused = reserveSignInAttempt("doubling@example.org", "198.51.100.1", now);
    expect(refused).toEqual({ isAllowed: false, retryAfterSeconds: 30 });
    expect(fail("doubling@example.org", "198.51.100.1", 1, now + 30_000)).toBe(1);
    expect(reserveSignInAttempt("doubling@example.org", "198.51.100.1", now + 30_000)).toEqual({ isAllowed: false, retryAfterSeconds: 60 });
  });

  it("counts an attempt before its password is checked: the reservations of one burst are all counted", () => {
    const burst = Array.from({ length: 60 }, () => reserveSignInAttempt("burst@example.org", "198.51.100.2"));
    expect(burst.filter((attempt) => attempt.isAllowed)).toHaveLength(5);
  });

  it("does not refuse the account from another address after failures from one", () => {
    fail("victim@example.org", "203.0.113.1", 10);
    expect(reserveSignInAttempt("victim@example.org", "203.0.113.2").isAllowed).toBe(true);
  });

  it("spreads failures over many addresses into a slow backoff of at most a minute, which addresses the account signed in from skip", () => {
    const now = Date.now();
    const home = reserveSignInAttempt("spread@example.org", "192.0.2.200", now);
    if (home.isAllowed) home.succeeded();
    for (let i = 0; i < 40; i++) fail("spread@example.org", `10.1.0.${i}`, 1, now);
    const fromNew = reserveSignInAttempt("spread@example.org", "10.2.0.1", now);
    expect(fromNew.isAllowed).toBe(false);
    expect(fromNew.isAllowed ? 0 : fromNew.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(reserveSignInAttempt("spread@example.org", "10.2.0.1", now + 60_000).isAllowed).toBe(true);
    expect(reserveSignInAttempt("spread@example.org", "192.0.2.200", now).isAllowed).toBe(true);
  });

  it("slows one address after twenty failures across accounts, and only that address", () => {
    for (let i = 0; i < 20; i++) fail(`someone${i}@example.org`, "192.0.2.7", 1);
    expect(reserveSignInAttempt("fresh@example.org", "192.0.2.7").isAllowed).toBe(false);
    expect(reserveSignInAttempt("fresh@example.org", "192.0.2.8").isAllowed).toBe(true);
  });

  it("gives a success's reservation back and clears the account's failures at that address", () => {
    fail("typo@example.org", "192.0.2.9", 4);
    const right = reserveSignInAttempt("typo@example.org", "192.0.2.9");
    expect(right.isAllowed).toBe(true);
    if (right.isAllowed) right.succeeded();
    expect(fail("typo@example.org", "192.0.2.9", 5)).toBe(5);
  });

  it("treats an email's case and spaces as the same account", () => {
    fail("Case@Example.org ", "192.0.2.10", 5);
    expect(reserveSignInAttempt("case@example.org", "192.0.2.10").isAllowed).toBe(false);
  });

  it("counts IPv6 addresses per /64 and IPv4-mapped addresses as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("192.0.2.1")).toBe("192.0.2.1");
    fail("six@example.org", "2001:db8:5:5::1", 5);
    expect(reserveSignInAttempt("six@example.org", "2001:db8:5:5::beef").isAllowed).toBe(false);
  });
});
