import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** Latency buckets for protocol calls, in seconds: 1 ms to 5 s. */
const CALL_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** How many grant-changing calls shared one transaction (the batcher takes at most 64). */
const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64];
/** How long an ask stayed pending before it was served: 1 s to 1 day. */
const WAIT_SECONDS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600];

/**
 * The in-process metrics of one server: counted on the request path with no I/O (a map update
 * each), and exposed with the scrape-time gauges of `fleet-gauges.ts` on GET /metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<"verb" | "outcome">;
  private readonly callSeconds: Histogram<"verb">;
  private readonly batchSize: Histogram;
  private readonly lockSeconds: Counter;
  private readonly pendingWait: Histogram;
  private readonly reclaims: Counter<"cause">;

  /** Whether GET /metrics is served, and the bearer token it asks for (SLS_METRICS, SLS_METRICS_TOKEN). */
  readonly endpoint: { enabled: boolean; token?: string | undefined };

  constructor(options: { processMetrics?: boolean; endpoint?: ServerMetrics["endpoint"] } = {}) {
    this.endpoint = options.endpoint ?? { enabled: true };
    const registers = [this.registry];
    this.calls = new Counter({
      name: "sls_calls_total",
      help: "Protocol calls answered by this process, by verb and outcome (ok, or the refusal's reason code).",
      labelNames: ["verb", "outcome"],
      registers,
    });
    this.callSeconds = new Histogram({
      name: "sls_call_duration_seconds",
      help: "Time from a protocol call's arrival at the router to its answer, by verb.",
      labelNames: ["verb"],
      buckets: CALL_SECONDS,
      registers,
    });
    this.batchSize = new Histogram({
      name: "sls_group_commit_batch_size",
      help: "Grant-changing calls that shared one pool transaction (group commit).",
      buckets: BATCH_SIZES,
      registers,
    });
    this.lockSeconds = new Counter({
      name: "sls_pool_lock_seconds_total",
      help: "Time this process's group-commit transactions held the pool lock; its rate is the lock's busy share.",
      registers,
    });
    this.pendingWait = new Histogram({
      name: "sls_pending_wait_seconds",
      help: "How long a pending ask waited before the pool served it.",
      buckets: WAIT_SECONDS,
      registers,
    });
    this.reclaims = new Counter({
      name: "sls_reclaims_total",
      help: "Participants reclaimed, by cause (reclaim = silent, force-release, remove), counted from the audit history by the process holding the alert engine's lease.",
      labelNames: ["cause"],
      registers,
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: "sls_" });
  }

  observeCall(verb: string, outcome: string, seconds: number): void {
    this.calls.inc({ verb, outcome });
    this.callSeconds.observe({ verb }, seconds);
  }

  observeBatch(size: number, lockSeconds = 0): void {
    this.batchSize.observe(size);
    this.lockSeconds.inc(lockSeconds);
  }

  observePendingWait(seconds: number): void {
    this.pendingWait.observe(seconds);
  }

  observeReclaims(count: number, cause = "reclaim"): void {
    if (count > 0) this.reclaims.inc({ cause }, count);
  }

  /** The Prometheus text exposition (version 0.0.4) of everything registered. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
