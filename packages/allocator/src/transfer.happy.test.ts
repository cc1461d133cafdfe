import { describe, expect, it } from "vitest";
import { expectSound, find, participant, stateOf } from "./test-fixtures";
import { transfer } from "./transfer";

describe("transfer", () => {
  it("moves grant and pending when each unit names the other", () => {
    const before = stateOf(300, [
      participant("new", { haPeerSerial: "OLD" }),
      participant("old", { granted: 300, pending: 100, pendingSeq: 1, haPeerSerial: "NEW" }),
    ]);
    const outcome = transfer(before, "ptc_new", "OLD");
    expect(outcome.result).toEqual({ granted: 300, pending: 100 });
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["OLD", "transfer-out", -300, -100],
      ["NEW", "transfer-in", 300, 100],
    ]);
    expect(find(outcome.state, "old")).toMatchObject({ granted: 0, pending: 0, pendingSeq: null });
    expect(outcome.state.pool).toEqual(before.pool);
    expectSound(before, outcome);
  });

  it("keeps the moved pending at its place in the queue, the older one when both wait", () => {
    const before = stateOf(100, [
      participant("new", { haPeerSerial: "OLD", granted: 50, pending: 50, pendingSeq: 7 }),
      participant("old", { granted: 50, pending: 50, pendingSeq: 2, haPeerSerial: "NEW" }),
      participant("x", { pending: 50, pendingSeq: 5 }),
    ]);
    const outcome = transfer(before, "ptc_new", "OLD");
    expect(find(outcome.state, "new")).toMatchObject({ granted: 100, pending: 100, pendingSeq: 2 });
    expect(outcome.state.pool.pendingSeq).toBe(7);
    expectSound(before, outcome);
  });

  it("gives the pair's waiting demand the older position even when the receiver has no room for more", () => {
    const before = stateOf(100, [
      participant("new", { haPeerSerial: "OLD", platformLimit: 150, granted: 100, pending: 50, pendingSeq: 7 }),
      participant("old", { pending: 50, pendingSeq: 2, haPeerSerial: "NEW" }),
      participant("x", { pending: 50, pendingSeq: 5 }),
    ]);
    const outcome = transfer(before, "ptc_new", "OLD");
    expect(outcome.result).toEqual({ granted: 100, pending: 50 });
    expect(find(outcome.state, "new")).toMatchObject({ pending: 50, pendingSeq: 2 });
    expect(outcome.changes.at(-1)).toMatchObject({ id: "ptc_new", cause: "transfer-in", pendingSeq: 2 });
    expectSound(before, outcome);
  });

  it("drops the pending that does not fit the receiver's limits before any grant", () => {
    const before = stateOf(400, [
      participant("new", { haPeerSerial: "OLD", platformLimit: 500, localLimit: 100 }),
      participant("old", { granted: 300, pending: 200, pendingSeq: 1, haPeerSerial: "NEW" }),
      participant("x", { granted: 100 }),
    ]);
    const outcome = transfer(before, "ptc_new", "OLD");
    expect(outcome.result).toEqual({ granted: 300, pending: 100 });
    expect(outcome.state.pool).toMatchObject({ grantedTotal: 400, pendingTotal: 100 });
    expectSound(before, outcome);
  });

  it("returns the grant that does not fit to the pool, which serves the queue", () => {
    const before = stateOf(400, [
      participant("new", { haPeerSerial: "OLD", platformLimit: 300, localLimit: 100 }),
      participant("old", { granted: 300, pending: 100, pendingSeq: 1, haPeerSerial: "NEW" }),
      participant("x", { granted: 100, pending: 150, pendingSeq: 2 }),
    ]);
    const outcome = transfer(before, "ptc_new", "OLD");
    expect(outcome.result).toEqual({ granted: 200, pending: 0 });
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["OLD", "transfer-out", -300, -100],
      ["NEW", "transfer-in", 200, 0],
      ["X", "grant-pending", 100, -100],
    ]);
    expectSound(before, outcome);
  });

  it("moves nothing when the named peer is not registered", () => {
    const before = stateOf(100, [participant("new", { haPeerSerial: "GONE", granted: 50 })]);
    const outcome = transfer(before, "ptc_new", "GONE");
    expect(outcome.result).toEqual({ granted: 50, pending: 0 });
    expect(outcome.changes).toEqual([]);
  });

  it("records nothing when the peer holds nothing", () => {
    const before = stateOf(100, [
      participant("new", { haPeerSerial: "OLD" }),
      participant("old", { haPeerSerial: "NEW" }),
    ]);
    expect(transfer(before, "ptc_new", "OLD").changes).toEqual([]);
  });
});
