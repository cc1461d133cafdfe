import { ApplianceError } from "./errors.ts";
import type { Random } from "./random.ts";

/** Share of the refresh interval the timer may move either way (spec: ±10 %). */
export const REFRESH_JITTER = 0.1;

/** `ms` moved by up to ±`share` of itself, uniformly: a fleet that started together drifts apart. */
export function jittered(ms: number, random: Random, share = REFRESH_JITTER): number {
  return Math.round(ms + ms * share * (2 * random() - 1));
}

export interface BackoffPolicy {
  /** Width of the first retry's window; each further failure doubles it. */
  baseMs: number;
  /** The widest window. */
  capMs: number;
  random: Random;
}

/**
 * Exponential back-off with full jitter: the delay after the `attempt`-th failure in a row (0 for
 * the first) is drawn uniformly from [0, min(cap, base × 2^attempt)), and added to the server's
 * `retryAfterMs` when it gave one, so that a retry never comes sooner than the server asked and
 * callers refused together do not come back together.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, retryAfterMs = 0): number {
  const window = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 52));
  return Math.ceil(retryAfterMs + policy.random() * window);
}

/** What the server asked us to wait, when the failure carries it. */
export function retryAfterOf(error: unknown): number {
  return error instanceof ApplianceError && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
}

/** Counts one kind of call's failures in a row and turns the next one into a delay. */
export class Backoff {
  private failures = 0;

  constructor(private readonly policy: BackoffPolicy) {}

  /** The delay before trying again after `error`; each call counts one more failure. */
  next(error: unknown): { delayMs: number; attempt: number } {
    const attempt = this.failures++;
    return { delayMs: backoffDelay(attempt, this.policy, retryAfterOf(error)), attempt: attempt + 1 };
  }

  /** The call went through: the next failure starts from the smallest window again. */
  reset(): void {
    this.failures = 0;
  }
}
