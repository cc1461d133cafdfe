import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { servePending } from "./pending";
import { requestSessions } from "./request";
import { servableGroups } from "./servable";
import { participant, policyStateOf, refusal, stateOf } from "./test-fixtures";
import type { AllocState, GroupState } from "./types";

const pool = (poolSize: number, grantedTotal: number) => ({ poolSize, grantedTotal });
const group = (over: Partial<GroupState> = {}): GroupState => ({
  reserve: 0,
  max: null,
  priority: 0,
  paused: false,
  held: 0,
  ...over,
});

describe("servableGroups", () => {
  it("is none when nothing is free, with or without a policy", () => {
    expect(servableGroups(pool(100, 100), undefined)).toBe("none");
    expect(servableGroups(pool(100, 100), { poolPaused: false, groups: { a: group({ reserve: 50 }) } })).toBe("none");
  });

  it("is all when sessions are free and there is no policy", () => {
    expect(servableGroups(pool(100, 99), undefined)).toBe("all");
  });

  it("is none while the pool is paused, however much is free", () => {
    expect(servableGroups(pool(100, 0), { poolPaused: true, groups: {} })).toBe("none");
  });

  it("is all when the free sessions exceed every unmet reservation", () => {
    const policy = { poolPaused: false, groups: { a: group({ reserve: 50, held: 10 }), b: group({ reserve: 20 }) } };
    expect(servableGroups(pool(100, 39), policy)).toBe("all");
  });

  it("lists the groups short of their reservation when the free sessions do not exceed the unmet ones", () => {
    const policy = {
      poolPaused: false,
      groups: {
        a: group({ reserve: 50, held: 10 }),
        b: group({ reserve: 20 }),
        full: group({ reserve: 30, held: 30 }),
        none: group(),
      },
    };
    expect(servableGroups(pool(100, 40), policy)).toEqual(["a", "b"]);
  });

  it("leaves out a group short of its reservation that is paused", () => {
    const policy = {
      poolPaused: false,
      groups: { paused: group({ reserve: 50, paused: true }), short: group({ reserve: 70, max: 80, held: 60 }) },
    };
    expect(servableGroups(pool(200, 150), policy)).toEqual(["short"]);
  });

  it("is none when every group short of its reservation is paused", () => {
    const policy = { poolPaused: false, groups: { paused: group({ reserve: 50, paused: true }), other: group() } };
    expect(servableGroups(pool(100, 60), policy)).toBe("none");
  });
});

// ---------------------------------------------------------------------------------------------
// The promise a caller relies on: serving only the waiting members of the groups it names (or
// nobody, for "none") gives exactly what serving the whole queue gives.

const NAMES = ["a", "b", "c", "d"] as const;
const memberArb = fc.record({
  group: fc.constantFrom<string | undefined>(undefined, ...NAMES),
  granted: fc.nat(4).map((n) => n * 50),
  pending: fc.nat(4).map((n) => n * 50),
  pendingSeq: fc.nat(20),
  maxGranted: fc.option(
    fc.nat(4).map((n) => n * 50),
    { nil: undefined, freq: 3 },
  ),
});
const rulesArb = fc.record({
  reserve: fc.oneof(
    fc.constant(0),
    fc.nat(6).map((n) => n * 50),
  ),
  max: fc.option(
    fc.nat(10).map((n) => n * 50),
    { nil: null },
  ),
  priority: fc.integer({ min: -1, max: 1 }),
  paused: fc.boolean(),
});
const caseArb = fc.record({
  members: fc.array(memberArb, { maxLength: 12 }),
  spare: fc.nat(10).map((n) => n * 50),
  rules: fc.option(fc.tuple(rulesArb, rulesArb, rulesArb, rulesArb), { nil: undefined }),
  poolPaused: fc.boolean(),
});

function caseState({ members, spare, rules, poolPaused }: Case): AllocState {
  const participants = members.map((m, i) =>
    participant(`p${i}`, {
      granted: m.granted,
      pending: m.pending,
      pendingSeq: m.pending > 0 ? m.pendingSeq : null,
      ...(rules && m.group !== undefined ? { group: m.group } : {}),
      ...(rules && m.maxGranted !== undefined ? { maxGranted: m.maxGranted } : {}),
    }),
  );
  const poolSize = participants.reduce((sum, p) => sum + p.granted, 0) + spare;
  if (rules === undefined) return stateOf(poolSize, participants);
  return policyStateOf(
    poolSize,
    participants,
    Object.fromEntries(NAMES.map((name, i) => [name, rules[i]!])),
    poolPaused,
  );
}

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

describe("serving only the servable groups' waiting members", () => {
  it("gives what serving the whole queue gives", () => {
    let narrowed = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const full = caseState(c);
        const servable = servableGroups(full.pool, full.policy);
        const loaded = full.participants.filter(
          (p) =>
            p.pending === 0 ||
            servable === "all" ||
            (servable !== "none" && p.group !== undefined && servable.includes(p.group)),
        );
        if (loaded.length < full.participants.length) narrowed++;
        const expected = servePending(full);
        const partial = servable === "all" || servable === "none" ? {} : { queueGroups: servable };
        const actual = servePending({ ...full, participants: loaded, ...partial });
        expect(actual.changes).toEqual(expected.changes);
        expect(actual.state.pool).toEqual(expected.state.pool);
        expect(actual.state.policy).toEqual(expected.state.policy);
      }),
      { numRuns: 2_000 },
    );
    expect(narrowed, "cases where some of the queue was left unloaded").toBeGreaterThan(100);
  });
});

describe("a state holding only part of the queue", () => {
  // Pool 300: "idle" reserves 100 and holds nothing; "vip" reserves 100 and holds 50; "b" waits in default.
  const full = policyStateOf(
    300,
    [
      participant("vip1", { group: "vip", granted: 50 }),
      participant("vip2", { group: "vip", pending: 50, pendingSeq: 2 }),
      participant("b", { granted: 100, pending: 100, pendingSeq: 1 }),
      participant("asker"),
    ],
    { idle: { reserve: 100 }, vip: { reserve: 100 } },
  );
  const only = (...names: string[]) => full.participants.filter((p) => names.some((n) => p.id === `ptc_${n}`));

  it("serves the groups it holds the queue of when only they could be served", () => {
    const outcome = requestSessions(
      { ...full, participants: only("asker", "vip2"), queueGroups: ["idle", "vip"] },
      "ptc_asker",
      50,
    );
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta, c.pendingDelta])).toEqual([
      ["VIP2", "grant-pending", 50, -50],
      ["ASKER", "request", 0, 50],
    ]);
    expect(outcome.changes).toEqual(requestSessions(full, "ptc_asker", 50).changes);
  });

  it("is refused when it lacks the queue of a group that could be served", () => {
    const slice = { ...full, participants: only("asker", "vip2"), queueGroups: ["vip"] };
    expect(refusal(() => requestSessions(slice, "ptc_asker", 50), "INCOMPLETE_STATE").message).toMatch(
      /hold 50 pending sessions but the pool counts 150/,
    );
  });

  it("is refused when anyone could be served, whatever groups it holds", () => {
    const roomy = { ...full, pool: { ...full.pool, poolSize: 400 } };
    const slice = { ...roomy, participants: only("asker", "vip2"), queueGroups: ["idle", "vip"] };
    refusal(() => requestSessions(slice, "ptc_asker", 50), "INCOMPLETE_STATE");
  });

  it("needs no queue at all when nobody could be served", () => {
    const paused = { ...full, policy: { ...full.policy!, poolPaused: true } };
    const outcome = requestSessions({ ...paused, participants: only("asker") }, "ptc_asker", 50);
    expect(outcome.changes.map((c) => [c.serial, c.grantedDelta, c.pendingDelta])).toEqual([["ASKER", 0, 50]]);
  });
});
