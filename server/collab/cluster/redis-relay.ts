// Several instances on one plan (docs/deployment.md). Each open plan has a Redis pub/sub
// channel: an instance publishes what it has stored (after its commit), its own clients'
// presence, and notices (roles, plan details, threads), each tagged with its instance id, and
// applies what the others publish. Pub/sub may drop messages: every instance also heals from
// the database (LivePlan.heal), so Redis makes things fast, never correct.
import crypto from "node:crypto";
import { createRequire } from "node:module";
import type * as IORedis from "ioredis";
import type { Redis } from "ioredis";
import { errorFields, log, redactedUrl } from "../../../app/utils/log.server";
import { PRESENCE_TTL_SECONDS, type OnlineUser, type PlanRelay, type RelayHandlers, type RelayStatus } from "./plan-relay";
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from "./relay-codec";

/** How long a page waits for Redis to say who is online on the other instances. */
const ONLINE_READ_TIMEOUT_MS = 1_000;

const CHANNEL_PREFIX = "gotong:plan:";
/** gotong:online:<planId> is the set of instances with people on the plan; each keeps its list
 * at gotong:online:<planId>:<instanceId>, expiring unless renewed. */
const ONLINE_PREFIX = "gotong:online:";
/** Publishes waiting for a Redis that accepts connections but does not answer; past this, drop. */
const MAX_QUEUED_PUBLISHES = 10_000;

/** Wait between reconnection attempts: quick at first, then every 2 seconds for as long as it takes. */
function retryDelayMs(attempt: number): number {
  return Math.min(100 * attempt, 2_000);
}

export class RedisRelay implements PlanRelay {
  readonly instanceId = crypto.randomBytes(8).toString("hex");
  status: RelayStatus = "unavailable";
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Set<string>();
  private isReportingOutage = false;
  /** Publishes are being dropped because Redis stopped answering (see publish). */
  private isDroppingPublishes = false;

  constructor(
    url: string,
    private readonly handlers: RelayHandlers,
  ) {
    // No offline queue: a message that cannot go now is dropped (healing brings its content),
    // never piled up and sent stale once Redis is back.
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: retryDelayMs,
      autoResubscribe: false,
      // A Redis that hangs rather than closes: fail the command, do not wait for ever.
      commandTimeout: 5_000,
    };
    // ioredis is required here, with REDIS_URL only: one instance never loads it.
    const { Redis: RedisClient } = createRequire(import.meta.url)("ioredis") as typeof IORedis;
    this.publisher = new RedisClient(url, { ...options, connectionName: `gotong-pub-${this.instanceId}` });
    this.subscriber = new RedisClient(url, { ...options, connectionName: `gotong-sub-${this.instanceId}` });
    const where = redactedUrl(url);
    for (const client of [this.publisher, this.subscriber]) {
      client.on("error", (error: Error) => {
        if (this.isReportingOutage) return;
        this.isReportingOutage = true;
        this.status = "unavailable";
        log.warn("redis unavailable; retrying (edits between instances still meet through the database, a few seconds late)", {
          redis: where,
          ...errorFields(error),
        });
      });
      client.on("ready", () => void this.onReady(where));
      client.on("end", () => (this.status = "unavailable"));
      client.on("close", () => {
        if (this.status === "connected") log.warn("redis connection lost; reconnecting", { redis: where });
        this.status = "unavailable";
      });
    }
    this.subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message));
  }

  private async onReady(where: string): Promise<void> {
    if (this.publisher.status !== "ready" || this.subscriber.status !== "ready") return;
    try {
      // Our own resubscription (autoResubscribe is off): channels added while Redis was away
      // are here too.
      if (this.channels.size > 0) await this.subscriber.subscribe(...this.channels);
    } catch (error) {
      log.warn("redis resubscription failed; reconnecting to try again", errorFields(error));
      this.subscriber.disconnect(true);
      return;
    }
    this.status = "connected";
    this.isReportingOutage = false;
    log.info("redis connected", { redis: where, instance: this.instanceId });
    // Also the first time: an instance that started while Redis was away has plans open whose
    // messages it never received.
    this.handlers.reconnected();
  }

  async subscribe(planId: string): Promise<void> {
    const channel = CHANNEL_PREFIX + planId;
    this.channels.add(channel);
    if (this.subscriber.status !== "ready") return; // onReady subscribes
    try {
      await this.subscriber.subscribe(channel);
    } catch (error) {
      log.warn("redis subscribe failed; the plan heals from the database until Redis is back", { plan: planId, ...errorFields(error) });
    }
  }

  unsubscribe(planId: string): void {
    const channel = CHANNEL_PREFIX + planId;
    this.channels.delete(channel);
    if (this.subscriber.status === "ready") this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  publish(planId: string, message: RelayMessage): void {
    if (this.publisher.status !== "ready") return;
    if (this.publisher.commandQueue.length > MAX_QUEUED_PUBLISHES) {
      if (!this.isDroppingPublishes)
        log.warn("redis is not answering; messages to other instances dropped until it does (healing carries edits)");
      this.isDroppingPublishes = true;
      return;
    }
    if (this.isDroppingPublishes) log.info("redis answers again; messages to other instances go out again");
    this.isDroppingPublishes = false;
    this.publisher.publish(CHANNEL_PREFIX + planId, Buffer.from(encodeRelayMessage(this.instanceId, message))).catch(() => undefined);
  }

  recordOnline(planId: string, users: OnlineUser[]): void {
    if (this.publisher.status !== "ready") return;
    const instances = ONLINE_PREFIX + planId;
    const mine = `${instances}:${this.instanceId}`;
    const pipeline = this.publisher.multi();
    if (users.length === 0) pipeline.del(mine).srem(instances, this.instanceId);
    else
      pipeline
        .set(mine, JSON.stringify(users), "EX", PRESENCE_TTL_SECONDS)
        .sadd(instances, this.instanceId)
        .expire(instances, PRESENCE_TTL_SECONDS * 2);
    pipeline.exec().catch(() => undefined);
  }

  async onlineElsewhere(planId: string): Promise<OnlineUser[]> {
    if (this.publisher.status !== "ready") return [];
    // A dashboard does not wait on a Redis that does not answer.
    const giveUp = new Promise<OnlineUser[]>((resolve) => setTimeout(() => resolve([]), ONLINE_READ_TIMEOUT_MS).unref());
    return Promise.race([this.readOnlineElsewhere(planId), giveUp]);
  }

  private async readOnlineElsewhere(planId: string): Promise<OnlineUser[]> {
    try {
      const instances = (await this.publisher.smembers(ONLINE_PREFIX + planId)).filter((id) => id !== this.instanceId);
      if (instances.length === 0) return [];
      const lists = await this.publisher.mget(instances.map((id) => `${ONLINE_PREFIX}${planId}:${id}`));
      // An instance that died leaves its id in the set; its list has expired.
      const gone = instances.filter((_, index) => lists[index] === null);
      if (gone.length > 0) this.publisher.srem(ONLINE_PREFIX + planId, ...gone).catch(() => undefined);
      return lists.flatMap((list) => (list ? parseOnlineUsers(list) : []));
    } catch (error) {
      log.warn("reading who is online on other instances failed", { plan: planId, ...errorFields(error) });
      return [];
    }
  }

  private onMessage(channel: string, data: Buffer): void {
    if (!channel.startsWith(CHANNEL_PREFIX) || !this.channels.has(channel)) return;
    let decoded: { instanceId: string; message: RelayMessage };
    try {
      decoded = decodeRelayMessage(data);
    } catch (error) {
      log.warn("unreadable message on a plan channel ignored", { channel, ...errorFields(error) });
      return;
    }
    if (decoded.instanceId === this.instanceId) return;
    try {
      this.handlers.receive(channel.slice(CHANNEL_PREFIX.length), decoded.message);
    } catch (error) {
      log.error("applying a message from another instance failed; healing will catch up", { channel, ...errorFields(error) });
    }
  }

  async close(): Promise<void> {
    this.channels.clear();
    await Promise.all(
      [this.publisher, this.subscriber].map(async (client) => {
        // QUIT sends what is queued first; a Redis that does not answer is simply dropped.
        const quit = client.quit().catch(() => undefined);
        await Promise.race([quit, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        client.disconnect();
      }),
    );
  }
}

function parseOnlineUsers(json: string): OnlineUser[] {
  try {
    const users: unknown = JSON.parse(json);
    if (!Array.isArray(users)) return [];
    return users.filter(
      (user): user is OnlineUser =>
        typeof user === "object" &&
        user !== null &&
        typeof user.id === "number" &&
        typeof user.name === "string" &&
        typeof user.color === "string",
    );
  } catch {
    return [];
  }
}
