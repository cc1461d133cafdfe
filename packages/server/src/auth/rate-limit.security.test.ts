import { describe, expect, it } from "vitest";
import { type Attempt, admitAttempt, FailureLimiter, type RateLimitPolicy } from "./rate-limit.ts";

const policy: RateLimitPolicy = {
  slowAfter: 2,
  refuseAfter: 4,
  windowMs: 1000,
  delayStepMs: 100,
  maxDelayMs: 250,
  globalPerMinute: 1000,
};

/** The verdict without its functions, for comparing. */
function plain(attempt: Attempt) {
  return attempt.refused
    ? attempt
    : { refused: false, delayMs: attempt.delayMs, wrongAnswerDelayMs: attempt.wrongAnswerDelayMs };
}
const open = (delayMs: number, wrongAnswerDelayMs = 0) => ({ refused: false, delayMs, wrongAnswerDelayMs });

describe("FailureLimiter", () => {
  it("lets the first failures through, then slows, then refuses, per address", () => {
    let now = 0;
    const limiter = new FailureLimiter(policy, () => now);
    const verdicts = Array.from({ length: 5 }, () => plain(limiter.reserve({ address: "192.0.2.1" })));
    expect(verdicts).toEqual([
      open(0),
      open(0),
      open(0),
      open(100),
      { refused: true, retryAfterMs: 1000, scope: "address" },
    ]);
    expect(plain(limiter.reserve({ address: "192.0.2.2" }))).toEqual(open(0));
    now = 1001;
    expect(plain(limiter.reserve({ address: "192.0.2.1" }))).toEqual(open(0));
  });

  it("counts a failure before the check, so a burst sent at once is refused beyond the limit", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    const burst = Array.from({ length: 40 }, () => limiter.reserve({ address: "192.0.2.1" }));
    expect(burst.filter((attempt) => !attempt.refused)).toHaveLength(policy.refuseAfter);
  });

  it("gives the reserved failure back when the answer was right, and only that one", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 3; i++) limiter.reserve({ address: "192.0.2.1" });
    const right = limiter.reserve({ address: "192.0.2.1" });
    if (right.refused) throw new Error("the fourth attempt should pass");
    right.succeeded();
    right.succeeded(); // twice gives back once
    expect(plain(limiter.reserve({ address: "192.0.2.1" }))).toEqual(open(100));
    expect(limiter.reserve({ address: "192.0.2.1" }).refused).toBe(true);
  });

  it("limits an IPv6 /128 like an IPv4 address, and an IPv4-mapped address as the IPv4 one", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 4; i++) limiter.reserve({ address: "2001:db8:1:2::1" });
    expect(limiter.reserve({ address: "2001:0db8:0001:0002:0:0:0:0001" }).refused).toBe(true);
    expect(plain(limiter.reserve({ address: "2001:db8:1:2::2" }))).toEqual(open(0));
    for (let i = 0; i < 4; i++) limiter.reserve({ address: "198.51.100.7" });
    expect(limiter.reserve({ address: "::ffff:198.51.100.7" }).refused).toBe(true);
  });

  it("gives an IPv6 /64 a larger budget above its /128s: held beyond it, then refused as a whole", () => {
    let now = 0;
    const limiter = new FailureLimiter({ ...policy, networkSlowAfter: 6, networkRefuseAfter: 10 }, () => now);
    const from = (host: number) => limiter.reserve({ address: `2001:db8:1:2::${host}` });
    // Ten /128s, one failure each: no address is near its own limit, the /64's wrong answers are held.
    const verdicts = Array.from({ length: 10 }, (_, i) => plain(from(i + 1)));
    expect(verdicts.slice(0, 7)).toEqual(Array.from({ length: 7 }, () => open(0)));
    expect(verdicts.slice(7)).toEqual([open(0, 100), open(0, 200), open(0, 250)]);
    now = 400;
    expect(plain(from(99))).toEqual({ refused: true, retryAfterMs: 600, scope: "network" });
    expect(limiter.reserve({ address: "2001:db8:1:3::1" }).refused).toBe(false);
    now = 1001;
    expect(from(99).refused).toBe(false);
  });

  it("defaults a /64's budget to ten addresses' worth", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 10 * policy.refuseAfter; i++) limiter.reserve({ address: `2001:db8:1:2::${i + 1}` });
    expect(plain(limiter.reserve({ address: "2001:db8:1:2::ffff" }))).toMatchObject({ scope: "network" });
  });

  it("never refuses nor slows an account's owner because strangers guessed it: only their wrong answers are held", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 30; i++) limiter.reserve({ address: `192.0.2.${i}`, account: "root" });
    expect(plain(limiter.reserve({ address: "203.0.113.9", account: "root" }))).toEqual(open(0, 250));
  });

  it("never refuses anyone for all addresses' failures together: beyond the budget, wrong answers are held", () => {
    let now = 0;
    const limiter = new FailureLimiter({ ...policy, globalPerMinute: 5 }, () => now);
    for (let i = 0; i < 5; i++) expect(plain(limiter.reserve({ address: `192.0.2.${i}` }))).toEqual(open(0));
    now = 10_000;
    expect(plain(limiter.reserve({ address: "198.51.100.1" }))).toEqual(open(0));
    expect(plain(limiter.reserve({ address: "198.51.100.2" }))).toEqual(open(0, 100));
    expect(plain(limiter.reserve({ address: "198.51.100.3" }))).toEqual(open(0, 200));
    now = 60_001;
    expect(plain(limiter.reserve({ address: "198.51.100.4" }))).toEqual(open(0));
  });

  it("holds a wrong answer for the pressure of others, and answers a right one at once", async () => {
    const limiter = new FailureLimiter({ ...policy, globalPerMinute: 0, delayStepMs: 200, maxDelayMs: 200 });
    const refuse = () => new Error("refused");
    limiter.reserve({ address: "192.0.2.1" }); // someone else's failure: the pressure
    const timed = async (right: boolean) => {
      const attempt = await admitAttempt(limiter, { address: "203.0.113.5" }, refuse);
      const started = performance.now();
      await attempt.check(async () => right);
      return performance.now() - started;
    };
    expect(await timed(false)).toBeGreaterThanOrEqual(195);
    expect(await timed(true)).toBeLessThan(50);
  });

  it("marks an attempt suspect once its address or its /64 has failed within the window", () => {
    let now = 0;
    const limiter = new FailureLimiter(policy, () => now);
    const suspect = (address: string) => {
      const attempt = limiter.reserve({ address });
      return attempt.refused ? "refused" : attempt.suspect;
    };
    expect(suspect("192.0.2.1")).toBe(false);
    expect(suspect("192.0.2.1")).toBe(true);
    expect(suspect("192.0.2.2")).toBe(false);
    expect(suspect("2001:db8:1:2::1")).toBe(false);
    expect(suspect("2001:db8:1:2::2")).toBe(true);
    now = 1001;
    expect(suspect("192.0.2.1")).toBe(false);
  });

  it("stays bounded whatever keys an attacker invents", () => {
    const limiter = new FailureLimiter({ ...policy, maxKeys: 100, globalPerMinute: 1_000_000 }, () => 0);
    for (let i = 0; i < 10_000; i++)
      limiter.reserve({ address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, account: `name-${i}` });
    expect((limiter as unknown as { failures: { size: number } }).failures.size).toBeLessThanOrEqual(100);
  });
});
