// Sockets per account, open or upgrading, for COLLAB_MAX_CONNECTIONS_PER_USER (docs/security.md).
import type { Duplex } from "node:stream";

export class SocketReservations {
  private readonly socketsPerUser = new Map<number, number>();

  constructor(private readonly maxPerUser: number) {}

  /**
   * Counts a socket against its account's limit until its TCP connection closes, which it does
   * once on every path: refused, abandoned mid-upgrade, or a websocket that ends. Returns the
   * release (safe to call again), or null at the limit.
   */
  reserve(userId: number, socket: Duplex): (() => void) | null {
    const count = this.socketsPerUser.get(userId) ?? 0;
    if (count >= this.maxPerUser) return null;
    this.socketsPerUser.set(userId, count + 1);
    let isReleased = false;
    const release = () => {
      if (isReleased) return;
      isReleased = true;
      const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) this.socketsPerUser.set(userId, left);
      else this.socketsPerUser.delete(userId);
    };
    socket.once("close", release);
    return release;
  }

  /** Sockets counted now (open, or upgrading). */
  get total(): number {
    return [...this.socketsPerUser.values()].reduce((sum, count) => sum + count, 0);
  }
}
