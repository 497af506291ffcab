// Token buckets: a burst up to the bucket's capacity, then its rate. Per socket they count
// messages, bytes and costly requests (connection.ts); per account, the hub's costly paths.
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
