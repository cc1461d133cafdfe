import { LRUCache } from "lru-cache";
import { limiterKeyOf } from "../http/ip-address.ts";

export interface RateLimitPolicy {
  /** Failures of one key within the window before each further attempt is slowed. */
  slowAfter: number;
  /** Failures from one address within the window before its attempts are refused outright. */
  refuseAfter: number;
  windowMs: number;
  /** Delay added per failure beyond `slowAfter`. */
  delayStepMs: number;
  /** The longest a single attempt is delayed. */
  maxDelayMs?: number;
  /** Wrong answers per minute from all addresses together before unproven addresses are refused. */
  globalPerMinute?: number;
  /** Keys remembered at most; the least recently used are forgotten first. */
  maxKeys?: number;
}

/** Wrong shared secrets: per address slowed after 3 and refused after 10 a minute; 300 a minute in all. */
export const DEFAULT_SECRET_POLICY: RateLimitPolicy = {
  slowAfter: 3,
  refuseAfter: 10,
  windowMs: 60_000,
  delayStepMs: 250,
  maxDelayMs: 2_000,
  globalPerMinute: 300,
  maxKeys: 50_000,
};

const DEFAULTS = { maxDelayMs: 10_000, globalPerMinute: 120, maxKeys: 50_000 };
const GLOBAL_WINDOW_MS = 60_000;
/** How long an address that answered right skips the global budget (not its own limit). */
const PROVEN_FOR_MS = 24 * 3600_000;

/** Who is guessing: the client address, and for sign-ins the account name typed. */
export interface GuessSubject {
  address: string;
  account?: string;
}

export type Attempt =
  | { refused: true; retryAfterMs: number; scope: "address" | "everyone" }
  | {
      refused: false;
      /** How long to wait before checking (slows a guesser without refusing anyone). */
      delayMs: number;
      /** The answer was right: the failure reserved for this attempt is given back. */
      succeeded(): void;
      /** The answer could not be checked (e.g. the server was overloaded): given back too. */
      withdraw(): void;
    };

/**
 * Counts wrong secrets or passwords in this process, per address (an IPv6 address by its /64),
 * per account name and in all. A failure is reserved *before* the costly check, in the same
 * synchronous step as the verdict, and given back on success: so a burst of attempts sent at once
 * sees its own failures, which a check-then-record limiter would only count after every check had
 * already run. Addresses are refused after `refuseAfter` failures; account names only slow down,
 * so strangers guessing an account's password cannot lock its owner out; the global budget
 * refuses every address that has not answered right recently once it is spent.
 *
 * The maps are LRU caches with the window as their time-to-live: they stay bounded whatever keys
 * an attacker invents. Each process keeps its own counts: N processes give N times the budget.
 */
export class FailureLimiter {
  private readonly policy: Required<RateLimitPolicy>;
  private readonly failures: LRUCache<string, number[]>;
  private readonly proven: LRUCache<string, true>;
  private everyone: number[] = [];

  constructor(
    policy: RateLimitPolicy = DEFAULT_SECRET_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...DEFAULTS, ...policy };
    const clock = { now: () => this.now() };
    this.failures = new LRUCache({ max: this.policy.maxKeys, ttl: this.policy.windowMs, perf: clock });
    this.proven = new LRUCache({ max: this.policy.maxKeys, ttl: PROVEN_FOR_MS, perf: clock });
  }

  /**
   * Whether an attempt from `subject` would be refused now, without counting anything. Callers
   * that can tell a right answer cheaply must still ask this first and refuse right and wrong
   * answers alike: otherwise a refused guesser could keep guessing and learn which one is right.
   */
  refusal(subject: GuessSubject): Refusal | null {
    const now = this.now();
    const addressKey = this.addressKey(subject);
    const fromAddress = this.recent(addressKey, now);
    if (fromAddress.length >= this.policy.refuseAfter) {
      return { refused: true, retryAfterMs: fromAddress[0]! + this.policy.windowMs - now, scope: "address" };
    }
    while (this.everyone.length > 0 && this.everyone[0]! <= now - GLOBAL_WINDOW_MS) this.everyone.shift();
    if (this.everyone.length >= this.policy.globalPerMinute && !this.proven.has(addressKey)) {
      return { refused: true, retryAfterMs: this.everyone[0]! + GLOBAL_WINDOW_MS - now, scope: "everyone" };
    }
    return null;
  }

  /** `subject` answered right without a counted attempt (a remembered secret): it skips the global budget. */
  answeredRight(subject: GuessSubject): void {
    this.proven.set(this.addressKey(subject), true);
  }

  /** The verdict for one attempt and, unless refused, the failure reserved for it. */
  reserve(subject: GuessSubject): Attempt {
    const refused = this.refusal(subject);
    if (refused) return refused;
    const now = this.now();
    const addressKey = this.addressKey(subject);
    const keys = subject.account === undefined ? [addressKey] : [addressKey, `account:${subject.account}`];
    const counts = keys.map((key) => this.recent(key, now));
    const over = Math.max(...counts.map((list) => list.length)) - this.policy.slowAfter;
    const delayMs = over > 0 ? Math.min(this.policy.maxDelayMs, over * this.policy.delayStepMs) : 0;

    for (const [i, key] of keys.entries()) this.failures.set(key, [...counts[i]!, now]);
    this.everyone.push(now);
    let open = true;
    const giveBack = () => {
      if (!open) return false;
      open = false;
      for (const key of keys) this.giveBack(this.failures.get(key), now, (left) => this.failures.set(key, left));
      this.giveBack(this.everyone, now, (left) => (this.everyone = left));
      return true;
    };
    return {
      refused: false,
      delayMs,
      succeeded: () => {
        if (giveBack()) this.answeredRight(subject);
      },
      withdraw: giveBack,
    };
  }

  private addressKey(subject: GuessSubject): string {
    return `address:${limiterKeyOf(subject.address)}`;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - this.policy.windowMs);
  }

  private giveBack(list: number[] | undefined, at: number, keep: (left: number[]) => void): void {
    if (!list) return;
    const i = list.lastIndexOf(at);
    if (i >= 0) keep([...list.slice(0, i), ...list.slice(i + 1)]);
  }
}

export type Refusal = Extract<Attempt, { refused: true }>;

/** An admitted attempt: its failure is reserved until `check` tells otherwise. */
export interface Admitted {
  /**
   * Runs the costly check. Right: the failure is given back. Wrong: it stays counted. Thrown
   * (e.g. `OVERLOADED`): given back, since nothing was checked, and the error passes on.
   */
  check(run: () => Promise<boolean>): Promise<boolean>;
}

/** Reserves a failure for this attempt and waits out its delay, or throws `refuse(refusal)`. */
export async function admitAttempt(
  limiter: FailureLimiter,
  subject: GuessSubject,
  refuse: (refusal: Refusal) => Error,
): Promise<Admitted> {
  const attempt = limiter.reserve(subject);
  if (attempt.refused) throw refuse(attempt);
  if (attempt.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
  return {
    async check(run) {
      let right: boolean;
      try {
        right = await run();
      } catch (error) {
        attempt.withdraw();
        throw error;
      }
      if (right) attempt.succeeded();
      return right;
    },
  };
}
