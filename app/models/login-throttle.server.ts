// Slows down password guessing without letting anyone lock someone else out.
//
// An attempt is reserved, and counted as a failure, before its password is checked, in one
// synchronous step: sixty requests arriving together cannot all pass the check before the
// first failure is counted. A sign-in that succeeds gives its reservation back.
//
// Policy (issue 20, item 6), after what large sign-in services do (GitHub, Google: slow the
// guesser, never lock the account):
// - per account *and* address: 5 free failures, then a wait of 30 s doubling to 15 min. This is
//   what stops one attacker guessing one account, and it touches nobody else.
// - per address, whatever the account: 20 free failures, then the same backoff. Stops one
//   address trying a password on many accounts; shared offices get room for typos.
// - per account, from addresses that never signed in to it: 20 free failures, then a wait of
//   1 s doubling to at most 1 min. It bounds guessing spread over many addresses to about one
//   guess a minute, and it can never shut out the account's owner: addresses the account has
//   signed in from are not subject to it at all, and from a new address the wait is at most a
//   minute. (The old rule locked the account for everyone for up to 15 minutes after five
//   failures from anywhere: anyone could lock a victim out.)
// IPv6 addresses count per /64, which one customer usually holds whole. Records are forgotten
// an hour after their last failure. In memory: per process, lost on restart.
import net from "node:net";
import { singleton } from "../utils/singleton.server";

interface Backoff {
  freeFailures: number;
  firstWaitMs: number;
  maxWaitMs: number;
}

const PER_ACCOUNT_AT_ADDRESS: Backoff = { freeFailures: 5, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000 };
const PER_ADDRESS: Backoff = { freeFailures: 20, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000 };
const PER_ACCOUNT_FROM_NEW_ADDRESSES: Backoff = { freeFailures: 20, firstWaitMs: 1_000, maxWaitMs: 60_000 };
const FORGET_AFTER_MS = 60 * 60_000;
/** Bounds memory under a flood of made-up emails; the least recently failed go first. */
const MAX_RECORDS = 100_000;
/** Addresses remembered per account as "has signed in from here". */
const MAX_KNOWN_ADDRESSES = 20;

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
}

interface ThrottleStore {
  records: Map<string, FailureRecord>;
  knownAddresses: Map<string, Set<string>>;
}

const store = singleton<ThrottleStore>("login-throttle", () => ({ records: new Map(), knownAddresses: new Map() }));

export type SignInAttempt =
  | { isAllowed: false; retryAfterSeconds: number }
  /** Counted as a failure already; `succeeded` gives the reservation back. */
  | { isAllowed: true; succeeded(): void };

/**
 * Reserves a sign-in attempt for `email` from `address` before its password is checked, or
 * says how long to wait. Synchronous on purpose: nothing can run between the check and the
 * count.
 */
export function reserveSignInAttempt(email: string, address: string, now = Date.now()): SignInAttempt {
  const account = email.trim().toLowerCase();
  const from = addressKey(address);
  const isKnownAddress = store.knownAddresses.get(account)?.has(from) ?? false;
  // A success clears the record for this account here; elsewhere it gives back only its own count.
  const limits: { key: string; backoff: Backoff; clearsOnSuccess: boolean }[] = [
    { key: `account-at-address:${account} ${from}`, backoff: PER_ACCOUNT_AT_ADDRESS, clearsOnSuccess: true },
    { key: `address:${from}`, backoff: PER_ADDRESS, clearsOnSuccess: false },
  ];
  if (!isKnownAddress) limits.push({ key: `account:${account}`, backoff: PER_ACCOUNT_FROM_NEW_ADDRESSES, clearsOnSuccess: false });
  const waitMs = Math.max(...limits.map(({ key, backoff }) => remainingWaitMs(key, backoff, now)));
  if (waitMs > 0) return { isAllowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };

  const reserved = limits.map(({ key, clearsOnSuccess }) => {
    const previousFailureAt = store.records.get(key)?.lastFailureAt;
    setRecord(key, { failures: (store.records.get(key)?.failures ?? 0) + 1, lastFailureAt: now });
    return { key, clearsOnSuccess, previousFailureAt };
  });
  return {
    isAllowed: true,
    succeeded() {
      for (const { key, clearsOnSuccess, previousFailureAt } of reserved) {
        if (clearsOnSuccess) store.records.delete(key);
        else refund(key, now, previousFailureAt);
      }
      rememberAddress(account, from);
    },
  };
}

function remainingWaitMs(key: string, backoff: Backoff, now: number): number {
  const record = store.records.get(key);
  if (!record) return 0;
  if (now - record.lastFailureAt > FORGET_AFTER_MS) {
    store.records.delete(key);
    return 0;
  }
  if (record.failures < backoff.freeFailures) return 0;
  const waitMs = Math.min(backoff.maxWaitMs, backoff.firstWaitMs * 2 ** (record.failures - backoff.freeFailures));
  return Math.max(0, record.lastFailureAt + waitMs - now);
}

/** A success takes back its own reservation only: the failures around it still count. */
function refund(key: string, reservedAt: number, previousFailureAt: number | undefined): void {
  const record = store.records.get(key);
  if (!record) return;
  record.failures -= 1;
  if (record.failures <= 0) store.records.delete(key);
  else if (record.lastFailureAt === reservedAt && previousFailureAt !== undefined) record.lastFailureAt = previousFailureAt;
}

function setRecord(key: string, record: FailureRecord): void {
  // Re-inserted so that the Map's order is least recently failed first.
  store.records.delete(key);
  if (store.records.size >= MAX_RECORDS) {
    const cutoff = record.lastFailureAt - FORGET_AFTER_MS;
    for (const [oldKey, old] of store.records) if (old.lastFailureAt < cutoff) store.records.delete(oldKey);
    while (store.records.size >= MAX_RECORDS) store.records.delete(store.records.keys().next().value!);
  }
  store.records.set(key, record);
}

function rememberAddress(account: string, from: string): void {
  const known = store.knownAddresses.get(account) ?? new Set<string>();
  known.delete(from);
  known.add(from);
  while (known.size > MAX_KNOWN_ADDRESSES) known.delete(known.values().next().value!);
  store.knownAddresses.delete(account);
  store.knownAddresses.set(account, known);
  while (store.knownAddresses.size > MAX_RECORDS) store.knownAddresses.delete(store.knownAddresses.keys().next().value!);
}

/** IPv4 as is; IPv6 by its /64 (one customer's network), IPv4-mapped IPv6 as IPv4. */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (!net.isIPv6(plain)) return plain;
  const [head = "", tail] = plain.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
