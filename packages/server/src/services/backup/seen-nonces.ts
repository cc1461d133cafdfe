/**
 * The nonces of the backup link's messages seen within the allowed clock skew, so that each
 * message is accepted once. Bounded: when full, the oldest entry is dropped and every message
 * not newer than it is refused from then on (it could be a replay of the dropped one).
 */
export class SeenNonces {
  private readonly seen = new Map<string, number>();
  /** Messages stamped at or before this instant are refused (their nonce may have been dropped). */
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly capacity: number,
  ) {}

  /** Records the nonce; returns why the message must be refused, or null when it is fresh. */
  claim(nonce: string, at: number, now: number): "stale" | "replayed" | null {
    if (Math.abs(now - at) > this.windowMs || at <= this.floor) return "stale";
    if (this.seen.has(nonce)) return "replayed";
    this.forgetBefore(now - this.windowMs);
    if (this.seen.size >= this.capacity) {
      const [oldest, oldestAt] = this.seen.entries().next().value!;
      this.seen.delete(oldest);
      this.floor = Math.max(this.floor, oldestAt);
    }
    this.seen.set(nonce, at);
    return null;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetBefore(cutoff: number): void {
    for (const [nonce, at] of this.seen) {
      if (at >= cutoff) break;
      this.seen.delete(nonce);
    }
  }
}
