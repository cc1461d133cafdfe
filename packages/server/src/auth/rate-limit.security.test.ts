import { describe, expect, it } from "vitest";
import { type Attempt, FailureLimiter, type RateLimitPolicy } from "./rate-limit.ts";

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
  return attempt.refused ? attempt : { refused: false, delayMs: attempt.delayMs };
}

describe("FailureLimiter", () => {
  it("lets the first failures through, then slows, then refuses, per address", () => {
    let now = 0;
    const limiter = new FailureLimiter(policy, () => now);
    const verdicts = Array.from({ length: 5 }, () => plain(limiter.reserve({ address: "192.0.2.1" })));
    expect(verdicts).toEqual([
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 100 },
      { refused: true, retryAfterMs: 1000, scope: "address" },
    ]);
    expect(plain(limiter.reserve({ address: "192.0.2.2" }))).toEqual({ refused: false, delayMs: 0 });
    now = 1001;
    expect(plain(limiter.reserve({ address: "192.0.2.1" }))).toEqual({ refused: false, delayMs: 0 });
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
    expect(plain(limiter.reserve({ address: "192.0.2.1" }))).toEqual({ refused: false, delayMs: 100 });
    expect(limiter.reserve({ address: "192.0.2.1" }).refused).toBe(true);
  });

  it("counts an IPv6 /64 as one address, and an IPv4-mapped address as the IPv4 one", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 4; i++) limiter.reserve({ address: `2001:db8:1:2:${i}::${i + 1}` });
    expect(limiter.reserve({ address: "2001:db8:1:2:ffff:ffff:ffff:ffff" }).refused).toBe(true);
    expect(limiter.reserve({ address: "2001:db8:1:3::1" }).refused).toBe(false);
    for (let i = 0; i < 4; i++) limiter.reserve({ address: "198.51.100.7" });
    expect(limiter.reserve({ address: "::ffff:198.51.100.7" }).refused).toBe(true);
  });

  it("only slows an account's attempts, never refuses them, from an address that has not failed", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 30; i++) limiter.reserve({ address: `192.0.2.${i}`, account: "root" });
    expect(plain(limiter.reserve({ address: "203.0.113.9", account: "root" }))).toEqual({
      refused: false,
      delayMs: 250,
    });
  });

  it("spends a global budget across addresses, except for addresses that answered right", () => {
    let now = 0;
    const limiter = new FailureLimiter({ ...policy, globalPerMinute: 5 }, () => now);
    const proven = limiter.reserve({ address: "203.0.113.1" });
    if (!proven.refused) proven.succeeded();
    for (let i = 0; i < 5; i++) expect(limiter.reserve({ address: `192.0.2.${i}` }).refused).toBe(false);
    now = 10_000;
    expect(plain(limiter.reserve({ address: "198.51.100.1" }))).toEqual({
      refused: true,
      retryAfterMs: 50_000,
      scope: "everyone",
    });
    expect(limiter.reserve({ address: "203.0.113.1" }).refused).toBe(false);
    now = 60_001;
    expect(limiter.reserve({ address: "198.51.100.1" }).refused).toBe(false);
  });

  it("stays bounded whatever keys an attacker invents", () => {
    const limiter = new FailureLimiter({ ...policy, maxKeys: 100, globalPerMinute: 1_000_000 }, () => 0);
    for (let i = 0; i < 10_000; i++)
      limiter.reserve({ address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, account: `name-${i}` });
    expect((limiter as unknown as { failures: { size: number } }).failures.size).toBeLessThanOrEqual(100);
  });
});
