// The pool policy's rules (spec pool-policy.md, "Rules" 1–6), one readable case each.
import { describe, expect, it } from "vitest";
import { applyPolicy } from "./apply-policy";
import { allowance } from "./groups";
import { servePending } from "./pending";
import { setPoolSize } from "./pool";
import { reclaim } from "./reclaim";
import { releaseSessions } from "./release";
import { requestSessions } from "./request";
import { definitionOf, expectSound, find, participant, policyStateOf, refusal, stateOf } from "./test-fixtures";
import { transfer } from "./transfer";
import type { AllocState, Outcome } from "./types";

/** Runs the calls one after the other, each on the state the previous one left, checking each. */
function run(state: AllocState, ...calls: ((s: AllocState) => Outcome<unknown>)[]): AllocState {
  for (const call of calls) {
    const outcome = call(state);
    expectSound(state, outcome);
    state = outcome.state;
  }
  return state;
}

const figures = (state: AllocState, name: string) => ({
  held: state.policy?.groups[name]?.held,
  pending: state.participants.filter((p) => p.group === name).reduce((sum, p) => sum + p.pending, 0),
});

describe("rule 1: reservations hold", () => {
  it("keeps the data centre's 400 sessions against a flood of requests from the branches", () => {
    const branches = Array.from({ length: 10 }, (_, i) => participant(`b${i}`, { group: "branch" }));
    let state = policyStateOf(1000, [participant("dc", { group: "dc" }), ...branches], {
      dc: { reserve: 400 },
      branch: {},
    });
    for (let round = 0; round < 3; round++) {
      for (const b of branches) state = run(state, (s) => requestSessions(s, b.id, 200));
    }
    expect(figures(state, "branch")).toEqual({ held: 600, pending: 6000 - 600 });
    expect(state.pool.grantedTotal).toBe(600);

    const outcome = requestSessions(state, "ptc_dc", 400);
    expect(outcome.result).toEqual({ granted: 400, added: 400, pending: 0 });
    expectSound(state, outcome);
  });

  it("lets a group use its own reservation and the free sessions beyond all reservations", () => {
    const state = policyStateOf(
      1000,
      [participant("dc", { group: "dc", granted: 100 }), participant("lab", { group: "lab" })],
      { dc: { reserve: 400 }, lab: { reserve: 200 } },
    );
    // free 900; others' unmet: lab 200 for dc, dc 300 for lab.
    expect(allowance(state, find(state, "dc"))).toBe(700);
    expect(allowance(state, find(state, "lab"))).toBe(600);
    const outcome = requestSessions(state, "ptc_lab", 800);
    expect(outcome.result).toEqual({ granted: 600, added: 600, pending: 200 });
    expectSound(state, outcome);
  });

  it("does not hand a reclaimed reserved session to another group's waiting member", () => {
    const before = policyStateOf(
      300,
      [
        participant("dc", { group: "dc", granted: 200 }),
        participant("br", { group: "branch", granted: 100, pending: 100, pendingSeq: 1 }),
      ],
      { dc: { reserve: 200 }, branch: {} },
    );
    const outcome = reclaim(before, "ptc_dc", "reclaim");
    expect(outcome.changes.map((c) => c.serial)).toEqual(["DC"]);
    expect(outcome.state.policy?.groups.dc?.held).toBe(0);
    expectSound(before, outcome);
  });
});

describe("rule 2: caps hold", () => {
  it("holds a group at its max however many members ask, and pends the rest", () => {
    const members = ["a", "b", "c"].map((n) => participant(n, { group: "lab" }));
    let state = policyStateOf(1000, members, { lab: { max: 250 } });
    for (const m of members) state = run(state, (s) => requestSessions(s, m.id, 100));
    expect(figures(state, "lab")).toEqual({ held: 250, pending: 50 });
    expect(find(state, "c")).toMatchObject({ granted: 50, pending: 50 });
  });

  it("holds a participant at its cap, in any group", () => {
    const state = policyStateOf(1000, [participant("a", { maxGranted: 100 })], {});
    const outcome = requestSessions(state, "ptc_a", 250);
    expect(outcome.result).toEqual({ granted: 100, added: 100, pending: 150 });
    expectSound(state, outcome);
    expect(allowance(outcome.state, find(outcome.state, "a"))).toBe(0);
  });
});

describe("rule 3: pending order", () => {
  const waiting = () =>
    policyStateOf(
      300,
      [
        participant("x", { granted: 300 }),
        participant("low", { group: "low", pending: 100, pendingSeq: 1 }),
        participant("high", { group: "high", pending: 100, pendingSeq: 2 }),
        participant("high2", { group: "high", pending: 100, pendingSeq: 3 }),
      ],
      { low: { priority: -1 }, high: { priority: 5, max: 150 } },
    );

  it("serves the higher priority first, then first come first served, when sessions come back", () => {
    const outcome = releaseSessions(waiting(), "ptc_x", 150);
    expect(outcome.changes.filter((c) => c.cause === "grant-pending").map((c) => [c.serial, c.grantedDelta])).toEqual([
      ["HIGH", 100],
      ["HIGH2", 50],
    ]);
    expectSound(waiting(), outcome);
  });

  it("skips a participant whose group is at its max: it does not block those behind it", () => {
    const outcome = releaseSessions(waiting(), "ptc_x", 300);
    expect(outcome.changes.filter((c) => c.cause === "grant-pending").map((c) => [c.serial, c.grantedDelta])).toEqual([
      ["HIGH", 100],
      ["HIGH2", 50],
      ["LOW", 100],
    ]);
    expect(find(outcome.state, "high2")).toMatchObject({ granted: 50, pending: 50 });
    expectSound(waiting(), outcome);
  });

  it("serves by priority when the pool grows", () => {
    const outcome = setPoolSize(waiting(), 400);
    expect(outcome.changes.map((c) => c.serial)).toEqual(["HIGH"]);
  });
});

describe("rule 4: pauses", () => {
  const state = (paused: boolean, poolPaused: boolean) =>
    policyStateOf(
      1000,
      [participant("m", { group: "site", granted: 100 }), participant("o", { group: "other" })],
      { site: { paused }, other: {} },
      poolPaused,
    );

  it("pends a paused group's asks while others go on; its releases go on as before", () => {
    const asked = requestSessions(state(true, false), "ptc_m", 100);
    expect(asked.result).toEqual({ granted: 100, added: 0, pending: 100 });
    expect(requestSessions(state(true, false), "ptc_o", 100).result.added).toBe(100);
    const released = releaseSessions(asked.state, "ptc_m", 50);
    expect(released.result).toEqual({ granted: 50, pending: 0 });
    expectSound(asked.state, released);
  });

  it("pends every ask while the pool is paused, and serves them when the pause is lifted", () => {
    let paused = run(
      state(false, true),
      (s) => requestSessions(s, "ptc_m", 100),
      (s) => requestSessions(s, "ptc_o", 50),
    );
    expect(paused.pool).toMatchObject({ grantedTotal: 100, pendingTotal: 150 });
    const lifted = applyPolicy(
      paused,
      definitionOf([
        { name: "site", serials: ["M"] },
        { name: "other", serials: ["O"] },
      ]),
      new Map(),
    );
    expect(lifted.result.served).toBe(150);
    expectSound(paused, lifted);
    paused = lifted.state;
    expect(paused.pool).toMatchObject({ grantedTotal: 250, pendingTotal: 0 });
  });
});

describe("rule 5: a policy change takes nothing back", () => {
  const before = () =>
    policyStateOf(
      1000,
      [
        participant("a", { group: "lab", granted: 300 }),
        participant("b", { group: "lab", granted: 200, pending: 100, pendingSeq: 1 }),
      ],
      { lab: { max: 500 } },
    );

  it("accepts a max below what the group holds, keeps every grant, and gives the group nothing new", () => {
    const lowered = applyPolicy(before(), definitionOf([{ name: "lab", max: 100, patterns: ["*"] }]), new Map());
    expect(lowered.changes).toEqual([]);
    expect(lowered.result.groups).toEqual([
      { name: "lab", members: 2, held: 500, unmet: 0, pending: 100, served: 0 },
      { name: "default", members: 0, held: 0, unmet: 0, pending: 0, served: 0 },
    ]);
    const asked = requestSessions(lowered.state, "ptc_a", 50);
    expect(asked.result).toEqual({ granted: 300, added: 0, pending: 50 });
    // Only once the group is below its max does it get sessions again.
    const released = releaseSessions(asked.state, "ptc_a", 300);
    expect(find(released.state, "b")).toMatchObject({ granted: 200, pending: 100 });
    expectSound(asked.state, released);
  });

  it("serves pending demand at once when a change makes room", () => {
    const raised = applyPolicy(before(), definitionOf([{ name: "lab", max: 1000, patterns: ["*"] }]), new Map());
    expect(raised.result.served).toBe(100);
    expect(raised.changes.map((c) => [c.serial, c.cause, c.grantedDelta])).toEqual([["B", "grant-pending", 100]]);
    expect(raised.result.groups[0]).toEqual({ name: "lab", members: 2, held: 600, unmet: 0, pending: 0, served: 100 });
    expectSound(before(), raised);
  });

  it("accepts a reservation the current grants leave no room for, and refuses one beyond the pool", () => {
    const reserving = definitionOf([{ name: "dc", reserve: 1000, serials: ["C"] }]);
    const state = policyStateOf(1000, [...before().participants, participant("c")], { lab: { max: 500 } });
    const outcome = applyPolicy(state, reserving, new Map());
    expect(outcome.changes).toEqual([]);
    expect(outcome.result.groups[0]).toMatchObject({ name: "dc", held: 0, unmet: 1000 });
    const error = refusal(
      () => applyPolicy(state, definitionOf([{ name: "dc", reserve: 1001 }]), new Map()),
      "RESERVE_OUT_OF_RANGE",
    );
    expect(error.message).toContain("from 0 to the pool size 1000");
  });

  it("refuses a pool size below what the groups reserve, with the figures", () => {
    const state = policyStateOf(1000, [], { dc: { reserve: 400 }, lab: { reserve: 200 } });
    expect(setPoolSize(state, 600).state.pool.poolSize).toBe(600);
    const error = refusal(() => setPoolSize(state, 550), "POOL_BELOW_RESERVED");
    expect(error.message).toBe(
      "pool size 550 is below the 600 sessions the policy's groups reserve; choose at least 600, or lower the reservations by 50 first",
    );
  });
});

describe("rule 6: transfer between groups", () => {
  const pair = (toGroup: string, over = {}) =>
    policyStateOf(
      400,
      [
        participant("new", { group: toGroup, haPeerSerial: "OLD", ...over }),
        participant("old", { group: "dc", granted: 300, pending: 100, pendingSeq: 4, haPeerSerial: "NEW" }),
        participant("lab1", { group: "lab", granted: 100 }),
      ],
      { dc: { reserve: 100 }, lab: { max: 250 } },
    );

  it("within one group moves everything as before", () => {
    const outcome = transfer(pair("dc"), "ptc_new", "OLD");
    expect(outcome.result).toEqual({ granted: 300, pending: 100 });
    expect(outcome.state.policy?.groups.dc?.held).toBe(300);
    expectSound(pair("dc"), outcome);
  });

  it("into another group keeps what that group's rules allow and leaves the rest pending for the receiver", () => {
    const outcome = transfer(pair("lab"), "ptc_new", "OLD");
    // lab may hold 250 and holds 100: the receiver keeps 150 of the 300; the dc group now holds
    // nothing, so its reservation of 100 is unmet and is not handed to lab either.
    expect(outcome.result).toEqual({ granted: 150, pending: 250 });
    expect(find(outcome.state, "new").pendingSeq).toBe(4);
    expect(outcome.state.policy?.groups).toMatchObject({ dc: { held: 0 }, lab: { held: 250 } });
    expectSound(pair("lab"), outcome);
  });

  it("holds the receiver to its own cap, even within one group", () => {
    const outcome = transfer(pair("dc", { maxGranted: 200 }), "ptc_new", "OLD");
    expect(outcome.result).toEqual({ granted: 200, pending: 200 });
    expectSound(pair("dc", { maxGranted: 200 }), outcome);
  });
});

describe("the policy state handed in", () => {
  it("is the only thing that makes group and cap count: without it both are ignored", () => {
    const before = stateOf(400, [
      participant("new", { group: "lab", maxGranted: 0, haPeerSerial: "OLD" }),
      participant("old", { group: "lab", granted: 300, haPeerSerial: "NEW" }),
    ]);
    const moved = transfer(before, "ptc_new", "OLD");
    expect(moved.changes.map((c) => [c.cause, c.grantedDelta])).toEqual([
      ["transfer-out", -300],
      ["transfer-in", 300],
    ]);
    expect(requestSessions(before, "ptc_new", 100).result).toEqual({ granted: 100, added: 100, pending: 0 });
  });

  it("refuses a participant whose group it lacks as UNKNOWN_GROUP (a caller bug)", () => {
    const state = policyStateOf(100, [participant("a", { group: "constructor" })], {});
    const error = refusal(() => servePending(state), "UNKNOWN_GROUP");
    expect(error.message).toBe(
      'participant "A" belongs to group "constructor", which the policy state lacks; pass every group of the policy',
    );
  });

  it("keeps held per group as grants change, and leaves the caller's state untouched", () => {
    const before = policyStateOf(500, [participant("a", { group: "lab" }), participant("d", { group: "default" })], {
      lab: {},
    });
    const after = run(
      before,
      (s) => requestSessions(s, "ptc_a", 200),
      (s) => requestSessions(s, "ptc_d", 100),
      (s) => releaseSessions(s, "ptc_a", 50),
    );
    expect(after.policy?.groups.lab?.held).toBe(150);
    expect(before.policy?.groups.lab?.held).toBe(0);
    expect(Object.keys(after.policy?.groups ?? {})).toEqual(["lab"]);
  });
});
