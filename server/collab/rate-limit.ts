// A token bucket per connection: a burst of up to two seconds' worth, then the set rate.
export class MessageRateLimit {
  private tokens: number;
  private updatedAt = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond * 2;
  }

  /** Takes one token; false when the connection has sent too much. */
  take(now = Date.now()): boolean {
    if (this.perSecond === 0) return true;
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
