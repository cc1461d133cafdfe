import { describe, expect, it } from "vitest";
import { FailureLimiter } from "./rate-limit.ts";

describe("FailureLimiter", () => {
  const policy = { slowAfter: 2, refuseAfter: 4, windowMs: 1000, delayStepMs: 100 };

  it("lets the first failures through, then slows, then refuses, per address", () => {
    let now = 0;
    const limiter = new FailureLimiter(policy, () => now);
    const verdicts = [];
    for (let i = 0; i < 5; i++) {
      verdicts.push(limiter.verdict("a"));
      limiter.recordFailure("a");
    }
    expect(verdicts).toEqual([
      { refuse: false, delayMs: 0 },
      { refuse: false, delayMs: 0 },
      { refuse: false, delayMs: 0 },
      { refuse: false, delayMs: 100 },
      { refuse: true, retryAfterMs: 1000 },
    ]);
    expect(limiter.verdict("b")).toEqual({ refuse: false, delayMs: 0 });
    now = 1001;
    expect(limiter.verdict("a")).toEqual({ refuse: false, delayMs: 0 });
  });

  it("forgets an address after a success", () => {
    const limiter = new FailureLimiter(policy, () => 0);
    for (let i = 0; i < 4; i++) limiter.recordFailure("a");
    limiter.recordSuccess("a");
    expect(limiter.verdict("a")).toEqual({ refuse: false, delayMs: 0 });
  });
});
