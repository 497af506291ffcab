// What the rest of the collaboration server sees of the other instances on a plan: a relay
// it publishes to and hears from (redis-relay.ts with REDIS_URL, NoRelay without).
import type { RelayMessage } from "./relay-codec";

export type RelayStatus = "off" | "connected" | "unavailable";

/** Someone on a plan, as the dashboard shows them. */
export interface OnlineUser {
  id: number;
  name: string;
  color: string;
}

export interface PlanRelay {
  readonly instanceId: string;
  readonly status: RelayStatus;
  /** Starts receiving the plan's messages; resolves once subscribed (never rejects). */
  subscribe(planId: string): Promise<void>;
  unsubscribe(planId: string): void;
  /** Sends to the other instances; dropped while Redis is unavailable (healing catches up). */
  publish(planId: string, message: RelayMessage): void;
  /** Records who is on the plan through this instance (an empty list: nobody), for the others'
   * dashboards; kept for PRESENCE_TTL_SECONDS unless recorded again. */
  recordOnline(planId: string, users: OnlineUser[]): void;
  /** Who is on the plan through the other instances (nobody while Redis is away). */
  onlineElsewhere(planId: string): Promise<OnlineUser[]>;
  close(): Promise<void>;
}

/** How long an instance's record of who is online lasts without being renewed: one that dies
 * stops showing its people after this. Instances renew theirs every PRESENCE_RENEW_MS. */
export const PRESENCE_TTL_SECONDS = 30;
export const PRESENCE_RENEW_MS = 10_000;

export interface RelayHandlers {
  /** A message another instance published on an open plan's channel. */
  receive(planId: string, message: RelayMessage): void;
  /** Redis is reachable, at start or again after an outage: messages may have been lost. */
  reconnected(): void;
}

/** One instance, no Redis: nothing to relay. */
export class NoRelay implements PlanRelay {
  readonly instanceId = "single";
  readonly status = "off";
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  unsubscribe(): void {}
  publish(): void {}
  recordOnline(): void {}
  onlineElsewhere(): Promise<OnlineUser[]> {
    return Promise.resolve([]);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
