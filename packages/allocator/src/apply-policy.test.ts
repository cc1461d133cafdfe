import { describe, expect, it } from "vitest";
import { applyPolicy } from "./apply-policy";
import { definitionOf, expectSound, find, participant, refusal, stateOf } from "./test-fixtures";

describe("applyPolicy", () => {
  // A full pool of 500 with a queue, as the database holds it before its first policy.
  const sound = () =>
    stateOf(500, [
      participant("dc1", { granted: 300 }),
      participant("ftx1", { granted: 200, pending: 100, pendingSeq: 1 }),
      participant("asa1", { pending: 50, pendingSeq: 2 }),
    ]);

  it("decides every membership, counts held per group, and sets each participant's cap", () => {
    const definition = definitionOf(
      [
        { name: "dc", reserve: 100, serials: ["DC1"] },
        { name: "lab", patterns: ["*.lab.example.net"] },
      ],
      { caps: { ASA1: 50 } },
    );
    const hostnames = new Map([["ptc_ftx1", "gw.LAB.example.net"]]);
    const outcome = applyPolicy(sound(), definition, hostnames);
    expect(outcome.state.participants.map((p) => [p.serial, p.group, p.maxGranted])).toEqual([
      ["DC1", "dc", null],
      ["FTX1", "lab", null],
      ["ASA1", "default", 50],
    ]);
    expect(outcome.state.policy).toEqual({
      poolPaused: false,
      groups: {
        dc: { reserve: 100, max: null, priority: 0, paused: false, held: 300 },
        lab: { reserve: 0, max: null, priority: 0, paused: false, held: 200 },
      },
    });
    expect(outcome.result).toEqual({
      served: 0,
      groups: [
        { name: "dc", members: 1, held: 300, unmet: 0, pending: 0, served: 0 },
        { name: "lab", members: 1, held: 200, unmet: 0, pending: 100, served: 0 },
        { name: "default", members: 1, held: 0, unmet: 0, pending: 50, served: 0 },
      ],
    });
    expectSound(sound(), outcome);
  });

  it("serves the queue by the new priorities when a change makes room", () => {
    const definition = definitionOf([{ name: "first", priority: 1, serials: ["ASA1"] }]);
    const grown = { ...sound(), pool: { ...sound().pool, poolSize: 550 } };
    const outcome = applyPolicy(grown, definition, new Map());
    expect(outcome.changes.map((c) => [c.serial, c.grantedDelta])).toEqual([["ASA1", 50]]);
    expect(outcome.result.groups.map((g) => [g.name, g.served])).toEqual([
      ["first", 50],
      ["default", 0],
    ]);
    expect(find(outcome.state, "ftx1")).toMatchObject({ granted: 200, pending: 100 });
  });

  it("refuses a state without every participant as INCOMPLETE_STATE", () => {
    const whole = sound();
    const withoutDc = { ...whole, participants: whole.participants.slice(1) };
    const error = refusal(() => applyPolicy(withoutDc, definitionOf([]), new Map()), "INCOMPLETE_STATE");
    expect(error.message).toBe(
      "the participants given hold 200 granted sessions but the pool counts 500; a policy change needs every participant",
    );
    const withoutAsa = { ...whole, participants: whole.participants.slice(0, 2) };
    expect(refusal(() => applyPolicy(withoutAsa, definitionOf([]), new Map()), "INCOMPLETE_STATE").message).toBe(
      "the participants given hold 100 pending sessions but the pool counts 150; a policy change needs every participant",
    );
  });

  it("refuses an invalid policy before anything else", () => {
    refusal(
      () => applyPolicy(sound(), definitionOf([{ name: "dc", reserve: 600 }]), new Map()),
      "RESERVE_OUT_OF_RANGE",
    );
  });
});
