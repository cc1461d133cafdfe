import { describe, expect, it } from "vitest";
import { checkInvariants } from "./invariants";
import { participant } from "./test-fixtures";
import type { PolicyState, PoolSnapshot } from "./types";

const pool = (over: Partial<PoolSnapshot> = {}): PoolSnapshot => ({
  poolSize: 500,
  grantedTotal: 300,
  pendingTotal: 100,
  pendingSeq: 2,
  ...over,
});
const policy = (over: Partial<PolicyState["groups"]> = {}, poolPaused = false): PolicyState => ({
  poolPaused,
  groups: {
    dc: { reserve: 200, max: null, priority: 0, paused: false, held: 0 },
    lab: { reserve: 0, max: 300, priority: 0, paused: false, held: 300 },
    ...over,
  },
});
const participants = () => [
  participant("a", { group: "lab", granted: 300, pending: 50, pendingSeq: 1 }),
  participant("b", { pending: 50, pendingSeq: 2 }),
  participant("c", { group: "dc" }),
];

describe("checkInvariants under a policy", () => {
  it("accepts sessions left free for a reservation or kept from a group at its max", () => {
    expect(checkInvariants(pool(), participants(), policy())).toEqual([]);
  });

  it("reports a participant waiting while it could be granted sessions, the policy's idle check", () => {
    expect(checkInvariants(pool({ poolSize: 550 }), participants(), policy())).toEqual([
      "participant B (ptc_b): waits for 50 sessions while it could be granted 50",
    ]);
  });

  it("lets a paused pool or group keep its members waiting", () => {
    const paused = { paused: true, reserve: 0, max: null, priority: 0, held: 300 };
    expect(checkInvariants(pool({ poolSize: 550 }), participants(), policy({}, true))).toEqual([]);
    expect(checkInvariants(pool({ poolSize: 700 }), participants(), policy({ lab: paused }))).toEqual([
      "participant B (ptc_b): waits for 50 sessions while it could be granted 200",
    ]);
  });

  it("reports a held counter that differs from its members' grants", () => {
    const wrong = { reserve: 0, max: 300, priority: 0, paused: false, held: 250 };
    expect(checkInvariants(pool(), participants(), policy({ lab: wrong }))).toEqual([
      "group lab: held 250 differs from Σ granted of its members 300",
    ]);
  });

  it("reports reservations beyond the pool and a participant of an unknown group", () => {
    const ps = [...participants(), participant("d", { group: "gone", pending: 0 })];
    const big = { reserve: 600, max: null, priority: 0, paused: false, held: 0 };
    expect(checkInvariants(pool(), ps, policy({ dc: big }))).toEqual([
      "the groups reserve 600, beyond poolSize 500",
      "participant D (ptc_d): its group gone is not in the policy",
    ]);
  });
});
