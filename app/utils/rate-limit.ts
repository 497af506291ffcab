// Token buckets: a burst up to the bucket's capacity, then its rate. Per socket they count
// messages, bytes and costly requests (server/collab/connection.ts); per account, the costly
// paths of the collaboration services and what a person may post (comments, which can mail).
export class TokenBucket {
  private tokens: number;
  private updatedAt = Date.now();

  /** A rate of 0 turns the bucket off (everything is taken). */
  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes `amount` tokens; false when there are not that many (none are taken then). */
  take(amount = 1, now = Date.now()): boolean {
    if (this.perSecond === 0) return true;
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}

/** Messages per second: a burst of two seconds' worth, then the set rate. */
export class MessageRateLimit extends TokenBucket {
  constructor(perSecond: number) {
    super(perSecond, perSecond * 2);
  }
}

/** One rate per account, in this process: `(userId) => false` once the account has used its
 * burst (`perSecond * 2` unless given) and is over the rate. */
export function perAccountLimit(perSecond: number, burst = perSecond * 2): (userId: number) => boolean {
  const limits = new Map<number, TokenBucket>();
  return (userId) => {
    const limit = limits.get(userId) ?? new TokenBucket(perSecond, burst);
    limits.set(userId, limit);
    return limit.take();
  };
}
