import { failureReason, type Transport } from "@sls/participant";

const RATE_WINDOW_MS = 5_000;

/** The refusal of a server that sheds load: counted as its own outcome, not as an error. */
const SHED_REASON = "OVERLOADED";

/**
 * Counts every call the fleet makes (by verb), the calls the server shed as `OVERLOADED` (by
 * verb), its other failures (by reason) and its latency.
 */
export class CallStats {
  readonly calls = new Map<string, number>();
  readonly shed = new Map<string, number>();
  readonly errors = new Map<string, number>();
  private readonly latencies = new Map<string, number[]>();
  private recent: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The same transport, counted. */
  wrap(inner: Transport): Transport {
    return {
      call: async (baseUrl, verb, input, options) => {
        const started = this.now();
        try {
          return await inner.call(baseUrl, verb, input, options);
        } catch (error) {
          const reason = failureReason(error);
          if (reason === SHED_REASON) increment(this.shed, verb);
          else increment(this.errors, reason);
          throw error;
        } finally {
          this.record(verb, this.now() - started);
        }
      },
    };
  }

  record(verb: string, ms: number): void {
    increment(this.calls, verb);
    let samples = this.latencies.get(verb);
    if (!samples) {
      samples = [];
      this.latencies.set(verb, samples);
    }
    samples.push(ms);
    this.recent.push(this.now());
  }

  get totalCalls(): number {
    return sum(this.calls.values());
  }

  get totalErrors(): number {
    return sum(this.errors.values());
  }

  get totalShed(): number {
    return sum(this.shed.values());
  }

  /** Calls per second over the last few seconds. */
  rate(): number {
    const since = this.now() - RATE_WINDOW_MS;
    this.recent = this.recent.filter((t) => t >= since);
    return this.recent.length / (RATE_WINDOW_MS / 1000);
  }

  /** p50 / p99 latency of one verb in ms, or null when it was never called. */
  percentiles(verb: string): { p50: number; p99: number } | null {
    const samples = [...(this.latencies.get(verb) ?? [])].sort((a, b) => a - b);
    if (samples.length === 0) return null;
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    return { p50: at(0.5), p99: at(0.99) };
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
