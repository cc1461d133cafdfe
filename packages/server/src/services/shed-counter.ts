const WINDOW_SECONDS = 60;

/**
 * Calls this process refused as OVERLOADED, in one-second buckets over the last minute: the
 * overview's "shed per minute". In memory, per process (a shed call did nothing to store).
 */
export class ShedCounter {
  private readonly buckets = new Uint32Array(WINDOW_SECONDS);
  private readonly bucketSecond = new Float64Array(WINDOW_SECONDS);

  record(now: number): void {
    const second = Math.floor(now / 1000);
    const slot = second % WINDOW_SECONDS;
    if (this.bucketSecond[slot] !== second) {
      this.bucketSecond[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot]! += 1;
  }

  /** Calls shed in the 60 seconds up to `now`. */
  lastMinute(now: number): number {
    const second = Math.floor(now / 1000);
    let total = 0;
    for (let slot = 0; slot < WINDOW_SECONDS; slot++) {
      if (second - this.bucketSecond[slot]! < WINDOW_SECONDS) total += this.buckets[slot]!;
    }
    return total;
  }
}
