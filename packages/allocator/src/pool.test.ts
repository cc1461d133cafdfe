import { describe, expect, it } from "vitest";
import { setPoolSize } from "./pool";
import { expectSound, participant, refusal, stateOf } from "./test-fixtures";

describe("setPoolSize", () => {
  it("growing the pool serves the queue", () => {
    const before = stateOf(100, [participant("a", { granted: 100, pending: 150, pendingSeq: 1 })]);
    const outcome = setPoolSize(before, 400);
    expect(outcome.result).toEqual({ poolSize: 400, available: 150, served: 150 });
    expect(outcome.changes.map((c) => [c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["grant-pending", 150, -150],
    ]);
    expectSound(before, outcome);
  });

  it("shrinks down to exactly what is granted", () => {
    const before = stateOf(1000, [participant("a", { granted: 300 })]);
    const outcome = setPoolSize(before, 300);
    expect(outcome.state.pool.poolSize).toBe(300);
    expect(outcome.result).toEqual({ poolSize: 300, available: 0, served: 0 });
    expectSound(before, outcome);
  });

  it("accepts the bounds 0 and 1,000,000", () => {
    expect(setPoolSize(stateOf(10, []), 0).state.pool.poolSize).toBe(0);
    expect(setPoolSize(stateOf(10, []), 1_000_000).state.pool.poolSize).toBe(1_000_000);
  });

  it("refuses shrinking below what is granted as POOL_BELOW_GRANTED, quoting both figures", () => {
    const before = stateOf(1000, [participant("a", { granted: 300 })]);
    const error = refusal(() => setPoolSize(before, 250), "POOL_BELOW_GRANTED");
    expect(error.message).toBe(
      "pool size 250 is below the 300 sessions granted now; choose at least 300, or release or reclaim 50 sessions first",
    );
  });

  it.each([-1, 1_000_001, 2.5, Number.NaN])("refuses %s as POOL_SIZE_OUT_OF_RANGE", (size) => {
    const error = refusal(() => setPoolSize(stateOf(10, []), size), "POOL_SIZE_OUT_OF_RANGE");
    expect(error.message).toBe(`pool size must be a whole number from 0 to 1000000; got ${size}`);
  });
});
