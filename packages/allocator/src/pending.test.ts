import { describe, expect, it } from "vitest";
import { servePending } from "./pending";
import { expectSound, participant, stateOf } from "./test-fixtures";

describe("servePending", () => {
  it("serves the oldest ask first, whatever the order of the participants", () => {
    const before = stateOf(100, [
      participant("a", { pending: 100, pendingSeq: 9 }),
      participant("b", { pending: 50, pendingSeq: 3 }),
      participant("c", { pending: 100, pendingSeq: 5 }),
    ]);
    const outcome = servePending(before);
    expect(outcome.result).toEqual({ served: 100 });
    expect(outcome.changes.map((c) => [c.serial, c.grantedDelta, c.pending, c.pendingSeq])).toEqual([
      ["B", 50, 0, null],
      ["C", 50, 50, 5],
    ]);
    expect(outcome.changes.every((c) => c.cause === "grant-pending")).toBe(true);
    expectSound(before, outcome);
  });

  it.each([
    ["b", "a"],
    ["a", "b"],
  ])("breaks a tie of positions by id, whatever the order of the rows (%s, %s)", (...names) => {
    const outcome = servePending(
      stateOf(
        50,
        names.map((name) => participant(name, { pending: 50, pendingSeq: 1 })),
      ),
    );
    expect(outcome.changes.map((c) => c.id)).toEqual(["ptc_a"]);
  });

  it("serves everyone when the pool suffices and leaves the rest available", () => {
    const before = stateOf(500, [
      participant("a", { pending: 100, pendingSeq: 1 }),
      participant("b", { pending: 150, pendingSeq: 2 }),
    ]);
    const outcome = servePending(before);
    expect(outcome.result).toEqual({ served: 250 });
    expect(outcome.state.pool).toMatchObject({ grantedTotal: 250, pendingTotal: 0 });
    expectSound(before, outcome);
  });

  it("changes nothing when nothing is available", () => {
    const before = stateOf(100, [participant("a", { granted: 100 }), participant("b", { pending: 50, pendingSeq: 1 })]);
    const outcome = servePending(before);
    expect(outcome.result).toEqual({ served: 0 });
    expect(outcome.changes).toEqual([]);
    expect(outcome.state).toEqual(before);
  });
});
