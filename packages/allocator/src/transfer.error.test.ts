import { describe, expect, it } from "vitest";
import { participant, refusal, stateOf } from "./test-fixtures";
import { transfer } from "./transfer";

describe("transfer refusals", () => {
  it("refuses two units that do not name each other as NOT_HA_PEER", () => {
    const before = stateOf(100, [
      participant("new", { haPeerSerial: "OTHER" }),
      participant("old", { granted: 100, haPeerSerial: "ELSE" }),
    ]);
    const error = refusal(() => transfer(before, "ptc_new", "OLD"), "NOT_HA_PEER");
    expect(error.message).toBe(
      '"NEW" cannot take sessions from "OLD": they are not one failover pair ("NEW" names "OTHER" as its failover peer); register each unit with the other\'s serial as haPeerSerial',
    );
  });

  it.each([
    [
      "only the receiver names the giver",
      { haPeerSerial: "OLD" },
      {},
      '"NEW" cannot take sessions from "OLD": they are not one failover pair ("OLD" names no failover peer)',
    ],
    [
      "only the giver names the receiver",
      {},
      { haPeerSerial: "NEW" },
      '"NEW" cannot take sessions from "OLD": they are not one failover pair ("NEW" names no failover peer)',
    ],
    [
      "the giver names a third unit",
      { haPeerSerial: "OLD" },
      { haPeerSerial: "THIRD" },
      '("OLD" names "THIRD" as its failover peer)',
    ],
  ])(
    "refuses a transfer when %s: one-sided naming is not a pair, and nothing moves",
    (_, toOver, fromOver, message) => {
      const before = stateOf(300, [
        participant("new", toOver),
        participant("old", { granted: 300, pending: 100, pendingSeq: 1, ...fromOver }),
      ]);
      const error = refusal(() => transfer(before, "ptc_new", "OLD"), "NOT_HA_PEER");
      expect(error.message).toContain(message);
    },
  );

  it("refuses an unregistered unit that the receiver does not name", () => {
    const error = refusal(() => transfer(stateOf(100, [participant("new")]), "ptc_new", "NOBODY"), "NOT_HA_PEER");
    expect(error.message).toBe(
      '"NEW" cannot take sessions from "NOBODY": they are not one failover pair ("NEW" names no failover peer); register each unit with the other\'s serial as haPeerSerial',
    );
  });

  it("refuses a unit taking sessions from itself, even if it names itself", () => {
    const before = stateOf(100, [participant("new", { haPeerSerial: "NEW", granted: 50 })]);
    refusal(() => transfer(before, "ptc_new", "NEW"), "NOT_HA_PEER");
  });

  it("refuses a receiver missing from the state", () => {
    refusal(() => transfer(stateOf(100, [participant("old")]), "ptc_new", "OLD"), "UNKNOWN_PARTICIPANT");
  });
});
