// Slows down password guessing: after a few failures for one account or one address,
// further attempts are refused for a while, and the wait doubles with each new failure.
const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

interface FailureRecord {
  failures: number;
  lockedUntil: number;
  lastFailureAt: number;
}

const records = new Map<string, FailureRecord>();

function keysFor(email: string, address: string): string[] {
  return [`account:${email.trim().toLowerCase()}`, `address:${address}`];
}

/** Seconds to wait before another attempt is allowed, or 0. */
export function secondsUntilAllowed(email: string, address: string, now = Date.now()): number {
  let waitMs = 0;
  for (const key of keysFor(email, address)) {
    const record = records.get(key);
    if (!record) continue;
    if (now - record.lastFailureAt > FORGET_AFTER_MS) {
      records.delete(key);
      continue;
    }
    waitMs = Math.max(waitMs, record.lockedUntil - now);
  }
  return Math.ceil(Math.max(0, waitMs) / 1000);
}

export function recordFailure(email: string, address: string, now = Date.now()): void {
  for (const key of keysFor(email, address)) {
    const record = records.get(key) ?? { failures: 0, lockedUntil: 0, lastFailureAt: now };
    record.failures += 1;
    record.lastFailureAt = now;
    if (record.failures >= FREE_FAILURES) {
      const lockMs = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (record.failures - FREE_FAILURES));
      record.lockedUntil = now + lockMs;
    }
    records.set(key, record);
  }
}

export function recordSuccess(email: string): void {
  // Only the account is cleared: a shared address keeps its record of failures.
  records.delete(keysFor(email, "")[0]!);
}
