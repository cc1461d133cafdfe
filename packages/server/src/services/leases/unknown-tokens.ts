import { MINUTE_MS } from "@sls/allocator";
import { LRUCache } from "lru-cache";
import { FailureLimiter, type RateLimitPolicy, type Refusal } from "../../auth/rate-limit.ts";

/**
 * Bearer tokens not in memory, per client address: 600 a minute are looked up in the database,
 * then the address is refused until its oldest one is a minute old. An honest address rarely
 * sends any (a superseded appliance sends one, then registers again); a fleet behind one NAT whose
 * tokens all went bad at once (a restored database) gets through at 10 a second and retries the rest
 * after `retryAfterMs`. Never slowed, never counted across addresses: only the sender pays.
 */
export const BAD_TOKEN_POLICY: RateLimitPolicy = {
  slowAfter: 600,
  refuseAfter: 600,
  windowMs: MINUTE_MS,
  delayStepMs: 0,
  globalPerMinute: Number.POSITIVE_INFINITY,
  maxKeys: 50_000,
};

/**
 * How long a token the database did not know is answered BAD_TOKEN from memory. A token issued
 * meanwhile (a registration on this or another process) leaves the cache as soon as the change
 * feed brings it (within the feed interval of its commit); the time-to-live bounds the wait only
 * should the feed fail.
 */
export const MISS_TTL_MS = 5_000;
const MAX_MISSES = 10_000;

export type UnknownTokenVerdict =
  | { kind: "known-miss" }
  | { kind: "refused"; refusal: Refusal }
  | { kind: "look-up"; found(): void; missed(): void; failed(): void };

/**
 * What a token lookup that missed the lease table does next: answer from the cache of recent
 * misses, refuse the address that sent too many unknown tokens, or read the database once.
 */
export class UnknownTokens {
  private readonly misses: LRUCache<string, true>;
  private readonly budget: FailureLimiter;
  /** Addresses the budget refused, until when: a flood is refused by one map read per call. */
  private readonly refusedUntil: LRUCache<string, number>;
  /** Bumped whenever the change feed brings news: a miss read across a bump may be stale. */
  private epoch = 0;

  constructor(private readonly now: () => number) {
    this.misses = new LRUCache({ max: MAX_MISSES, ttl: MISS_TTL_MS, ttlResolution: 0, perf: { now } });
    this.budget = new FailureLimiter(BAD_TOKEN_POLICY, now);
    this.refusedUntil = new LRUCache({ max: BAD_TOKEN_POLICY.maxKeys ?? MAX_MISSES });
  }

  /** Decided before any database read; the answer says how to report its outcome. */
  admit(tokenHash: string, address: string): UnknownTokenVerdict {
    if (this.misses.has(tokenHash)) return { kind: "known-miss" };
    const now = this.now();
    const until = this.refusedUntil.get(address);
    if (until !== undefined && until > now)
      return { kind: "refused", refusal: { refused: true, retryAfterMs: until - now, scope: "address" } };
    const attempt = this.budget.reserve({ address });
    if (attempt.refused) {
      this.refusedUntil.set(address, now + attempt.retryAfterMs);
      return { kind: "refused", refusal: attempt };
    }
    const epoch = this.epoch;
    return {
      kind: "look-up",
      found: () => attempt.withdraw(),
      missed: () => {
        // A feed read during the lookup may have carried this very token before the miss arrived.
        if (epoch === this.epoch) this.misses.set(tokenHash, true);
      },
      failed: () => attempt.withdraw(),
    };
  }

  /** The change feed or a commit of this process brought these token hashes: they are no misses. */
  issued(tokenHashes: Iterable<string | null>): void {
    this.epoch++;
    for (const hash of tokenHashes) if (hash) this.misses.delete(hash);
  }
}
