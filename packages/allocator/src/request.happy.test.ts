import { describe, expect, it } from "vitest";
import { requestSessions } from "./request";
import { expectSound, find, participant, stateOf } from "./test-fixtures";

describe("requestSessions", () => {
  it("grants the whole ask when the pool has room", () => {
    const before = stateOf(1000, [participant("a")]);
    const outcome = requestSessions(before, "ptc_a", 200);
    expect(outcome.result).toEqual({ granted: 200, added: 200, pending: 0 });
    expect(outcome.changes).toEqual([
      {
        id: "ptc_a",
        serial: "A",
        cause: "request",
        grantedDelta: 200,
        pendingDelta: 0,
        granted: 200,
        pending: 0,
        pendingSeq: null,
      },
    ]);
    expect(outcome.state.pool).toEqual({ poolSize: 1000, grantedTotal: 200, pendingTotal: 0, pendingSeq: 0 });
    expectSound(before, outcome);
  });

  it("clips the ask to the platform headroom", () => {
    const before = stateOf(1000, [participant("a", { platformLimit: 500, localLimit: 100, granted: 200 })]);
    const outcome = requestSessions(before, "ptc_a", 300);
    expect(outcome.result).toEqual({ granted: 400, added: 200, pending: 0 });
    expectSound(before, outcome);
  });

  it("changes nothing when the participant has no headroom left", () => {
    const before = stateOf(1000, [participant("a", { platformLimit: 300, localLimit: 100, granted: 200 })]);
    const outcome = requestSessions(before, "ptc_a", 50);
    expect(outcome.result).toEqual({ granted: 200, added: 0, pending: 0 });
    expect(outcome.changes).toEqual([]);
    expect(outcome.state).toEqual(before);
  });

  it("grants what is available and queues the rest with the next FCFS position", () => {
    const before = stateOf(100, [participant("a")]);
    const outcome = requestSessions(before, "ptc_a", 250);
    expect(outcome.result).toEqual({ granted: 100, added: 100, pending: 150 });
    expect(find(outcome.state, "a").pendingSeq).toBe(1);
    expect(outcome.state.pool.pendingSeq).toBe(1);
    expectSound(before, outcome);
  });

  it("queues a newcomer behind those already waiting", () => {
    const before = stateOf(100, [participant("a"), participant("b", { granted: 100, pending: 50, pendingSeq: 4 })]);
    const outcome = requestSessions(before, "ptc_a", 100);
    expect(outcome.result).toEqual({ granted: 0, added: 0, pending: 100 });
    expect(find(outcome.state, "a").pendingSeq).toBe(5);
    expectSound(before, outcome);
  });

  it("keeps a waiting participant's older position when it asks again", () => {
    const before = stateOf(100, [
      participant("a", { granted: 50, pending: 50, pendingSeq: 1 }),
      participant("b", { granted: 50, pending: 50, pendingSeq: 2 }),
    ]);
    const outcome = requestSessions(before, "ptc_a", 100);
    expect(outcome.result).toEqual({ granted: 50, added: 0, pending: 150 });
    expect(find(outcome.state, "a").pendingSeq).toBe(1);
    expect(outcome.state.pool.pendingSeq).toBe(2);
    expectSound(before, outcome);
  });

  it("serves those already waiting before a newcomer when sessions happen to be idle", () => {
    // A pool left with idle sessions and a queue (not a state the allocator produces).
    const a = participant("a");
    const b = participant("b", { pending: 100, pendingSeq: 1 });
    const before = stateOf(150, [a, b]);
    const outcome = requestSessions(before, "ptc_a", 100);
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["B", "grant-pending", 100, -100],
      ["A", "request", 50, 50],
    ]);
    expect(outcome.result).toEqual({ granted: 50, added: 50, pending: 50 });
    expectSound(before, outcome);
  });

  it("leaves its input untouched", () => {
    const before = stateOf(100, [participant("a")]);
    const copy = structuredClone(before);
    requestSessions(before, "ptc_a", 500);
    expect(before).toEqual(copy);
  });
});
