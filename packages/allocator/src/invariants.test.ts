import { describe, expect, it } from "vitest";
import { checkInvariants } from "./invariants";
import { participant } from "./test-fixtures";
import type { ParticipantSnapshot, PoolSnapshot } from "./types";

const pool = (over: Partial<PoolSnapshot> = {}): PoolSnapshot => ({
  poolSize: 300,
  grantedTotal: 300,
  pendingTotal: 50,
  pendingSeq: 4,
  ...over,
});
const sound = (): ParticipantSnapshot[] => [
  participant("a", { granted: 200 }),
  participant("b", { granted: 100, pending: 50, pendingSeq: 4 }),
];

describe("checkInvariants", () => {
  it("finds nothing wrong in a sound state", () => {
    expect(checkInvariants(pool(), sound())).toEqual([]);
    expect(checkInvariants({ poolSize: 0, grantedTotal: 0, pendingTotal: 0, pendingSeq: 0 }, [])).toEqual([]);
  });

  it("reports an oversubscribed pool", () => {
    expect(checkInvariants(pool({ poolSize: 250 }), sound())).toContain("Σ granted 300 exceeds poolSize 250");
  });

  it("reports totals that differ from the participants' sums", () => {
    expect(checkInvariants(pool({ grantedTotal: 250, pendingTotal: 0 }), sound())).toEqual([
      "pool grantedTotal 250 differs from Σ granted 300",
      "pool pendingTotal 0 differs from Σ pending 50",
    ]);
  });

  it("reports a participant beyond its platform limit", () => {
    const ps = [
      participant("a", { granted: 200, platformLimit: 300, localLimit: 150 }),
      participant("b", { granted: 100, pending: 50, pendingSeq: 4 }),
    ];
    expect(checkInvariants(pool(), ps)).toEqual([
      "participant A (ptc_a): localLimit 150 + granted 200 + pending 0 = 350 exceeds platformLimit 300",
    ]);
  });

  it("counts pending against the platform limit too (invariant 2)", () => {
    const ps = [
      participant("a", { granted: 200 }),
      participant("b", { granted: 100, pending: 50, pendingSeq: 4, platformLimit: 120 }),
    ];
    expect(checkInvariants(pool(), ps)).toEqual([
      "participant B (ptc_b): localLimit 0 + granted 100 + pending 50 = 150 exceeds platformLimit 120",
    ]);
  });

  it("reports negative or fractional counts", () => {
    const ps = [participant("a", { granted: 1.5, pending: -50, pendingSeq: 1 })];
    expect(checkInvariants({ poolSize: 2, grantedTotal: 1.5, pendingTotal: -50, pendingSeq: 1 }, ps)).toEqual([
      "participant A (ptc_a): granted must be a whole number ≥ 0; is 1.5",
      "participant A (ptc_a): pending must be a whole number ≥ 0; is -50",
    ]);
  });

  it("reports a queue position without pending, pending without a position, and positions out of order", () => {
    const ps = [
      participant("a", { granted: 200, pendingSeq: 2 }),
      participant("b", { granted: 100, pending: 50 }),
      participant("c", { pending: 50, pendingSeq: 9 }),
      participant("d", { pending: 50, pendingSeq: 9 }),
    ];
    expect(checkInvariants(pool({ pendingTotal: 150 }), ps)).toEqual([
      "participant A (ptc_a): pendingSeq is 2 with pending 0; it must be null exactly when pending is 0",
      "participant B (ptc_b): pendingSeq is null with pending 50; it must be null exactly when pending is 0",
      "participant C (ptc_c): pendingSeq 9 is beyond the pool's counter 4",
      "participant D (ptc_d): pendingSeq 9 is beyond the pool's counter 4",
      "participant D (ptc_d): pendingSeq 9 is also held by C",
    ]);
  });

  it("reports idle sessions while demand is pending", () => {
    expect(checkInvariants(pool({ poolSize: 400 }), sound())).toEqual([
      "100 sessions sit idle in the pool while 50 are pending",
    ]);
  });
});
