import { describe, expect, it } from "vitest";
import { releaseSessions } from "./release";
import { expectSound, find, participant, refusal, stateOf } from "./test-fixtures";

describe("releaseSessions", () => {
  it("returns sessions to the pool", () => {
    const before = stateOf(1000, [participant("a", { granted: 300 })]);
    const outcome = releaseSessions(before, "ptc_a", 100);
    expect(outcome.result).toEqual({ granted: 200, pending: 0 });
    expect(outcome.changes).toEqual([
      {
        id: "ptc_a",
        serial: "A",
        cause: "release",
        grantedDelta: -100,
        pendingDelta: 0,
        granted: 200,
        pending: 0,
        pendingSeq: null,
      },
    ]);
    expect(outcome.state.pool.grantedTotal).toBe(200);
    expectSound(before, outcome);
  });

  it("hands the freed sessions to the queue, oldest first, partly to the last", () => {
    const before = stateOf(300, [
      participant("a", { granted: 300 }),
      participant("b", { pending: 100, pendingSeq: 2 }),
      participant("c", { pending: 100, pendingSeq: 1 }),
    ]);
    const outcome = releaseSessions(before, "ptc_a", 150);
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["A", "release", -150, 0],
      ["C", "grant-pending", 100, -100],
      ["B", "grant-pending", 50, -50],
    ]);
    expect(find(outcome.state, "b")).toMatchObject({ granted: 50, pending: 50, pendingSeq: 2 });
    expect(find(outcome.state, "c")).toMatchObject({ granted: 100, pending: 0, pendingSeq: null });
    expectSound(before, outcome);
  });

  it("withdraws the participant's own pending before serving, so it does not take back what it gave", () => {
    const before = stateOf(100, [participant("a", { granted: 100, pending: 50, pendingSeq: 1 })]);
    const outcome = releaseSessions(before, "ptc_a", 50);
    expect(outcome.result).toEqual({ granted: 50, pending: 0 });
    expect(outcome.changes.map((c) => c.cause)).toEqual(["release", "withdraw-pending"]);
    expect(outcome.state.pool).toMatchObject({ grantedTotal: 50, pendingTotal: 0 });
    expectSound(before, outcome);
  });

  it("withdraws pending alone when releasing 0", () => {
    const before = stateOf(100, [participant("a", { granted: 100, pending: 100, pendingSeq: 3 })]);
    const outcome = releaseSessions(before, "ptc_a", 0);
    expect(outcome.changes).toEqual([
      {
        id: "ptc_a",
        serial: "A",
        cause: "withdraw-pending",
        grantedDelta: 0,
        pendingDelta: -100,
        granted: 100,
        pending: 0,
        pendingSeq: null,
      },
    ]);
    expectSound(before, outcome);
  });

  it("changes nothing when releasing 0 with nothing pending", () => {
    const before = stateOf(100, [participant("a", { granted: 100 })]);
    expect(releaseSessions(before, "ptc_a", 0).changes).toEqual([]);
  });

  it.each([101, -1, 1.5, Number.NaN])("refuses releasing %s of a grant of 100 as RELEASE_EXCEEDS_GRANT", (sessions) => {
    const before = stateOf(100, [participant("a", { granted: 100 })]);
    const error = refusal(() => releaseSessions(before, "ptc_a", sessions), "RELEASE_EXCEEDS_GRANT");
    expect(error.message).toBe(
      `sessions to release must be a whole number from 0 to 100, the grant of A; got ${sessions}`,
    );
  });

  it("refuses an unknown participant", () => {
    refusal(() => releaseSessions(stateOf(100, []), "ptc_a", 0), "UNKNOWN_PARTICIPANT");
  });
});
