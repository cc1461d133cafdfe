import { describe, expect, it } from "vitest";
import { updateLimits } from "./limits";
import { expectSound, find, participant, refusal, stateOf } from "./test-fixtures";

describe("updateLimits", () => {
  it("takes new limits that still fit without touching the grant", () => {
    const before = stateOf(500, [
      participant("a", { granted: 200, pending: 100, pendingSeq: 1 }),
      participant("b", { granted: 300 }),
    ]);
    const outcome = updateLimits(before, "ptc_a", 2000, 500);
    expect(outcome.changes).toEqual([]);
    expect(find(outcome.state, "a")).toMatchObject({
      platformLimit: 2000,
      localLimit: 500,
      granted: 200,
      pending: 100,
    });
    expect(outcome.result).toEqual({ granted: 200, pending: 100 });
  });

  it("trims pending first when the new limits are tighter", () => {
    const before = stateOf(500, [
      participant("a", { granted: 200, pending: 100, pendingSeq: 1 }),
      participant("b", { granted: 300 }),
    ]);
    const outcome = updateLimits(before, "ptc_a", 400, 150);
    expect(outcome.result).toEqual({ granted: 200, pending: 50 });
    expect(outcome.changes).toEqual([
      {
        id: "ptc_a",
        serial: "A",
        cause: "limits",
        grantedDelta: 0,
        pendingDelta: -50,
        granted: 200,
        pending: 50,
        pendingSeq: 1,
      },
    ]);
    expectSound(before, outcome);
  });

  it("then returns the excess grant to the pool, which serves the queue", () => {
    const before = stateOf(500, [
      participant("a", { granted: 400, pending: 100, pendingSeq: 1 }),
      participant("b", { granted: 100, pending: 100, pendingSeq: 2 }),
    ]);
    const outcome = updateLimits(before, "ptc_a", 300, 0);
    expect(outcome.result).toEqual({ granted: 300, pending: 0 });
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["A", "limits", -100, -100],
      ["B", "grant-pending", 100, -100],
    ]);
    expectSound(before, outcome);
  });

  it.each([
    [1, 0],
    [1, 1],
    [1_000_000, 0],
    [1_000_000, 1_000_000],
  ])("accepts platformLimit %s with localLimit %s: the spec's bounds are inclusive", (platformLimit, localLimit) => {
    const before = stateOf(100, [participant("a", { granted: 50 })]);
    const outcome = updateLimits(before, "ptc_a", platformLimit, localLimit);
    expect(find(outcome.state, "a")).toMatchObject({ platformLimit, localLimit });
    expect(outcome.result).toEqual({ granted: Math.min(50, platformLimit - localLimit), pending: 0 });
    expectSound(before, outcome);
  });

  it.each([
    [0, 0, "platformLimit must be a whole number from 1 to 1000000; got 0"],
    [1_000_001, 0, "platformLimit must be a whole number from 1 to 1000000; got 1000001"],
    [100.5, 0, "platformLimit must be a whole number from 1 to 1000000; got 100.5"],
    [100, -1, "localLimit must be a whole number from 0 to the platform limit 100; got -1"],
    [100, 101, "localLimit must be a whole number from 0 to the platform limit 100; got 101"],
  ])("refuses platformLimit %s with localLimit %s as LIMITS_OUT_OF_RANGE", (platformLimit, localLimit, message) => {
    const before = stateOf(100, [participant("a")]);
    expect(refusal(() => updateLimits(before, "ptc_a", platformLimit, localLimit), "LIMITS_OUT_OF_RANGE").message).toBe(
      message,
    );
  });

  it("refuses an unknown participant", () => {
    refusal(() => updateLimits(stateOf(100, []), "ptc_a", 100, 0), "UNKNOWN_PARTICIPANT");
  });
});
