import { MINUTE_MS } from "@sls/allocator";
import { LRUCache } from "lru-cache";
import { limiterKeysOf } from "../http/ip-address.ts";

export interface RateLimitPolicy {
  /** Failures of one address (IPv4, IPv6 /128) within the window before its attempts are slowed. */
  slowAfter: number;
  /** Failures from one address within the window before its attempts are refused outright. */
  refuseAfter: number;
  windowMs: number;
  /** Delay added per failure beyond a threshold. */
  delayStepMs: number;
  /** The longest a single attempt or answer is delayed. */
  maxDelayMs?: number;
  /** Failures from one IPv6 /64 (its /128s together) before its wrong answers are held; 10 × `slowAfter` unless set. */
  networkSlowAfter?: number;
  /** Failures from one IPv6 /64 before every address in it is refused; 10 × `refuseAfter` unless set. */
  networkRefuseAfter?: number;
  /** Wrong answers per minute from all addresses together before every wrong answer is held. */
  globalPerMinute?: number;
  /** Keys remembered at most; the least recently used are forgotten first. */
  maxKeys?: number;
}

/**
 * Wrong shared secrets a minute: per address slowed after 3 and refused after 10; per IPv6 /64
 * wrong answers held after 30 and refused after 100; beyond 300 from all addresses together,
 * every wrong answer is held (at most 2 s), a right one never.
 */
export const DEFAULT_SECRET_POLICY: RateLimitPolicy = {
  slowAfter: 3,
  refuseAfter: 10,
  windowMs: MINUTE_MS,
  delayStepMs: 250,
  maxDelayMs: 2_000,
  networkSlowAfter: 30,
  networkRefuseAfter: 100,
  globalPerMinute: 300,
  maxKeys: 50_000,
};

/** How much more a /64 may fail than one of its addresses, unless the policy says. */
const NETWORK_SHARE = 10;
const DEFAULTS = { maxDelayMs: 10_000, globalPerMinute: 120, maxKeys: 50_000 };
const GLOBAL_WINDOW_MS = MINUTE_MS;

/** Who is guessing: the client address, and for sign-ins the account name typed. */
export interface GuessSubject {
  address: string;
  account?: string;
}

export type Attempt =
  | { refused: true; retryAfterMs: number; scope: "address" | "network" }
  | {
      refused: false;
      /** How long to wait before checking: this address's own failures (slows a burst from it). */
      delayMs: number;
      /**
       * How long to hold a wrong answer before sending it: pressure from others (the IPv6 /64,
       * the account name, all addresses). A right answer is never held.
       */
      wrongAnswerDelayMs: number;
      /**
       * The address (or its /64) failed within the window: its check may not take the hashing
       * slot kept for callers that have not (auth/hash-slots.ts).
       */
      suspect: boolean;
      /** The answer was right: the failure reserved for this attempt is given back. */
      succeeded(): void;
      /** The answer could not be checked (e.g. the server was overloaded): given back too. */
      withdraw(): void;
    };

/**
 * Counts wrong secrets or passwords in this process, per address (IPv4, IPv6 /128), per IPv6
 * /64, per account name and in all. A failure is reserved *before* the costly check, in the same
 * synchronous step as the verdict, and given back on success: so a burst of attempts sent at once
 * sees its own failures, which a check-then-record limiter would only count after every check had
 * already run.
 *
 * Only what an address (or its /64) did itself can refuse it: an address over its limit is refused
 * whatever it sends, the right answer included, so a refusal tells a guesser nothing. Failures of
 * others never refuse anyone: a stranger guessing an account's password, or a flood from many
 * addresses, only holds *wrong* answers back (`wrongAnswerDelayMs`), so the owner's right password
 * and an appliance's right secret go through at once whatever the rest of the network does.
 *
 * The maps are LRU caches with the window as their time-to-live: they stay bounded whatever keys
 * an attacker invents. Each process keeps its own counts: N processes give N times the budget.
 */
export class FailureLimiter {
  private readonly policy: Required<RateLimitPolicy>;
  private readonly failures: LRUCache<string, number[]>;
  private everyone: number[] = [];

  constructor(
    policy: RateLimitPolicy = DEFAULT_SECRET_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.policy = {
      ...DEFAULTS,
      networkSlowAfter: NETWORK_SHARE * policy.slowAfter,
      networkRefuseAfter: NETWORK_SHARE * policy.refuseAfter,
      ...policy,
    };
    const clock = { now: () => this.now() };
    this.failures = new LRUCache({ max: this.policy.maxKeys, ttl: this.policy.windowMs, perf: clock });
  }

  /**
   * Whether an attempt from `subject` would be refused now, without counting anything. Callers
   * that can tell a right answer cheaply must still ask this first and refuse right and wrong
   * answers alike: otherwise a refused guesser could keep guessing and learn which one is right.
   */
  refusal(subject: GuessSubject): Refusal | null {
    const now = this.now();
    const { address, network } = this.keysOf(subject);
    const limits = [
      { key: address, refuseAfter: this.policy.refuseAfter, scope: "address" as const },
      ...(network ? [{ key: network, refuseAfter: this.policy.networkRefuseAfter, scope: "network" as const }] : []),
    ];
    for (const { key, refuseAfter, scope } of limits) {
      const recent = this.recent(key, now);
      if (recent.length >= refuseAfter) {
        const freedAt = recent[recent.length - refuseAfter]! + this.policy.windowMs;
        return { refused: true, retryAfterMs: freedAt - now, scope };
      }
    }
    return null;
  }

  /** The verdict for one attempt and, unless refused, the failure reserved for it. */
  reserve(subject: GuessSubject): Attempt {
    const refused = this.refusal(subject);
    if (refused) return refused;
    const now = this.now();
    const { address, network, account } = this.keysOf(subject);
    const keys = [address, network, account].filter((key): key is string => key !== null);
    const counts = new Map(keys.map((key) => [key, this.recent(key, now)]));
    const count = (key: string | null) => (key === null ? 0 : counts.get(key)!.length);
    while (this.everyone.length > 0 && this.everyone[0]! <= now - GLOBAL_WINDOW_MS) this.everyone.shift();
    const delayMs = this.delayFor(count(address), this.policy.slowAfter);
    const wrongAnswerDelayMs = Math.max(
      this.delayFor(count(network), this.policy.networkSlowAfter),
      this.delayFor(count(account), this.policy.slowAfter),
      this.delayFor(this.everyone.length, this.policy.globalPerMinute),
    );

    for (const [key, list] of counts) this.failures.set(key, [...list, now]);
    this.everyone.push(now);
    let open = true;
    const giveBack = () => {
      if (!open) return;
      open = false;
      for (const key of keys) this.giveBack(this.failures.get(key), now, (left) => this.failures.set(key, left));
      this.giveBack(this.everyone, now, (left) => (this.everyone = left));
    };
    const suspect = count(address) + count(network) > 0;
    return { refused: false, delayMs, wrongAnswerDelayMs, suspect, succeeded: giveBack, withdraw: giveBack };
  }

  /** `delayStepMs` per failure beyond `threshold`, at most `maxDelayMs`. */
  private delayFor(failures: number, threshold: number): number {
    const over = failures - threshold;
    return over > 0 ? Math.min(this.policy.maxDelayMs, over * this.policy.delayStepMs) : 0;
  }

  private keysOf(subject: GuessSubject): { address: string; network: string | null; account: string | null } {
    const { address, network } = limiterKeysOf(subject.address);
    return {
      address: `address:${address}`,
      network: network === null ? null : `network:${network}`,
      account: subject.account === undefined ? null : `account:${subject.account}`,
    };
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
  /** Pass on to the scrypt check: this caller's address failed lately (auth/hash-slots.ts). */
  readonly suspect: boolean;
  /**
   * Runs the costly check. Right: the failure is given back. Wrong: it stays counted. Thrown
   * (e.g. `OVERLOADED`): given back, since nothing was checked, and the error passes on.
   */
  check(run: () => Promise<boolean>): Promise<boolean>;
}

/**
 * Reserves a failure for this attempt and waits out its delay, or throws `refuse(refusal)`. A
 * wrong answer is then held for `wrongAnswerDelayMs` before `check` returns; a right one is not.
 */
export async function admitAttempt(
  limiter: FailureLimiter,
  subject: GuessSubject,
  refuse: (refusal: Refusal) => Error,
): Promise<Admitted> {
  const attempt = limiter.reserve(subject);
  if (attempt.refused) throw refuse(attempt);
  await sleep(attempt.delayMs);
  return {
    suspect: attempt.suspect,
    async check(run) {
      let right: boolean;
      try {
        right = await run();
      } catch (error) {
        attempt.withdraw();
        throw error;
      }
      if (right) attempt.succeeded();
      else await sleep(attempt.wrongAnswerDelayMs);
      return right;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
