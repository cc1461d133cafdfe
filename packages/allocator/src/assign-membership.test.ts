import { describe, expect, it } from "vitest";
import { assignMembership } from "./assign-membership";
import { expectSound, find, participant, policyStateOf, refusal, stateOf } from "./test-fixtures";

describe("assignMembership", () => {
  const before = () =>
    policyStateOf(
      600,
      [
        participant("a", { group: "lab", granted: 300 }),
        participant("b", { group: "lab", granted: 100, pending: 100, pendingSeq: 1 }),
        participant("c", { group: "dc", granted: 100 }),
      ],
      { lab: { max: 400 }, dc: { max: 200 } },
    );

  it("moves the grant with the participant, takes nothing back, and serves what the old group may now take", () => {
    const outcome = assignMembership(before(), "ptc_a", { group: "dc", maxGranted: null });
    expect(outcome.state.policy?.groups).toMatchObject({ lab: { held: 200 }, dc: { held: 400 } });
    expect(find(outcome.state, "a")).toMatchObject({ group: "dc", granted: 300, maxGranted: null });
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta])).toEqual([["B", "grant-pending", 100]]);
    expect(outcome.result).toEqual({ served: 100 });
    expectSound(before(), outcome);
  });

  it("moves into and out of default, which keeps no counter, and sets the cap", () => {
    const out = assignMembership(before(), "ptc_c", { group: "default", maxGranted: 50 });
    expect(out.state.policy?.groups).toMatchObject({ lab: { held: 400 }, dc: { held: 0 } });
    expect(find(out.state, "c")).toMatchObject({ group: "default", maxGranted: 50, granted: 100 });
    const back = assignMembership(out.state, "ptc_c", { group: "dc", maxGranted: null });
    expect(back.state.policy?.groups.dc?.held).toBe(100);
  });

  it("changes nothing without a policy, and refuses a group the policy state lacks", () => {
    const plain = stateOf(100, [participant("a")]);
    const unchanged = assignMembership(plain, "ptc_a", { group: "lab", maxGranted: 5 });
    expect(unchanged.state).toEqual(plain);
    expect(unchanged.result).toEqual({ served: 0 });
    const error = refusal(
      () => assignMembership(before(), "ptc_a", { group: "gone", maxGranted: null }),
      "UNKNOWN_GROUP",
    );
    expect(error.message).toBe(
      'participant "A" cannot join group "gone", which the policy state lacks; pass every group of the policy',
    );
  });
});
