/** Batches of memory: the newest batch weighs 1/MEMORY of the fit. */
const MEMORY = 20;
/** A sample is clipped to within this factor of the prediction once the fit has some history. */
const CLIP = 3;
/** History (in batches' weight) after which samples are clipped. */
const SETTLED_WEIGHT = 5;
/** Batch sizes must spread by about one call (variance 1) before the fixed part is told apart. */
const MIN_SIZE_VARIANCE = 1;

/**
 * What one batch of the pool queue costs as a function of its size, cost(n) = fixedMs + perCallMs·n,
 * fitted by least squares over recent batches with exponential forgetting (each new batch weighs
 * as much as all batches `MEMORY` back together). A batch pays a fixed part (the lock, the reads
 * of its preload, the commit; about six round trips on PostgreSQL) and a part per call, so the
 * cost per call of small batches says little about what a deep queue, served in full batches,
 * will take.
 *
 * Robust to noise: once the fit has some history, a sample is first clipped to within a factor of
 * `CLIP` of what the fit predicts, so one garbage collection or fsync stall moves it by a step,
 * not a leap, while a lasting change still moves it by a step per batch. Until batches of
 * different sizes have been seen, the fixed part cannot be told from the part per call and the
 * whole cost is charged per call: that prices a deep queue high, never low.
 */
export class BatchCost {
  private weight = 0;
  private sumN = 0;
  private sumCost = 0;
  private sumNN = 0;
  private sumNCost = 0;
  private fixedMs = 0;
  private perCallMs: number;

  /** `initialPerCallMs` prices batches until the first one has been measured. */
  constructor(initialPerCallMs: number) {
    this.perCallMs = initialPerCallMs;
  }

  /** The expected time (ms) a batch of `size` calls holds the queue. */
  ms(size: number): number {
    return size <= 0 ? 0 : this.fixedMs + this.perCallMs * size;
  }

  /** Learns from a batch of `size` calls that took `ms`. */
  record(size: number, ms: number): void {
    if (size <= 0 || !Number.isFinite(ms) || ms < 0) return;
    let cost = ms;
    if (this.weight >= SETTLED_WEIGHT) {
      const predicted = this.ms(size);
      cost = Math.min(predicted * CLIP, Math.max(predicted / CLIP, cost));
    }
    const keep = 1 - 1 / MEMORY;
    this.weight = keep * this.weight + 1;
    this.sumN = keep * this.sumN + size;
    this.sumCost = keep * this.sumCost + cost;
    this.sumNN = keep * this.sumNN + size * size;
    this.sumNCost = keep * this.sumNCost + size * cost;
    this.fit();
  }

  private fit(): void {
    const meanN = this.sumN / this.weight;
    const meanCost = this.sumCost / this.weight;
    const varianceN = this.sumNN / this.weight - meanN * meanN;
    if (varianceN >= MIN_SIZE_VARIANCE) {
      const slope = (this.sumNCost / this.weight - meanN * meanCost) / varianceN;
      const intercept = meanCost - slope * meanN;
      // A negative part is noise in a narrow spread of sizes: fall back to charging it all per call.
      if (slope > 0 && intercept >= 0) {
        this.perCallMs = slope;
        this.fixedMs = intercept;
        return;
      }
    }
    this.fixedMs = 0;
    this.perCallMs = this.sumCost / this.sumN;
  }
}
