export interface RateLimitPolicy {
  /** Failures within the window before each further attempt is slowed. */
  slowAfter: number;
  /** Failures within the window before attempts are refused outright. */
  refuseAfter: number;
  windowMs: number;
  /** Delay added per failure beyond `slowAfter`. */
  delayStepMs: number;
}

export const DEFAULT_SECRET_POLICY: RateLimitPolicy = {
  slowAfter: 3,
  refuseAfter: 10,
  windowMs: 60_000,
  delayStepMs: 250,
};

/**
 * Counts failed secrets per remote address in this process. Each server process keeps its own
 * count: an attacker spreading over N processes gets N times the budget, which is still small.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly policy: RateLimitPolicy = DEFAULT_SECRET_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** What to do before checking a secret from `address`. */
  verdict(address: string): { refuse: true; retryAfterMs: number } | { refuse: false; delayMs: number } {
    const recent = this.recent(address);
    if (recent.length >= this.policy.refuseAfter) {
      const oldest = recent[0] ?? this.now();
      return { refuse: true, retryAfterMs: Math.max(0, oldest + this.policy.windowMs - this.now()) };
    }
    const over = recent.length - this.policy.slowAfter;
    return { refuse: false, delayMs: over > 0 ? over * this.policy.delayStepMs : 0 };
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const cutoff = this.now() - this.policy.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((at) => at > cutoff);
    if (kept.length === 0) this.failures.delete(address);
    return kept;
  }
}
