import { describe, expect, it } from "vitest";
import { validatePolicy } from "./policy";
import { definitionOf, refusal } from "./test-fixtures";

describe("validatePolicy", () => {
  it("accepts a sound policy, an empty one, and the bounds of every figure", () => {
    expect(() => validatePolicy(definitionOf([]), 0)).not.toThrow();
    const policy = definitionOf(
      [
        { name: "dc", reserve: 600, max: 600, priority: 1_000_000, serials: ["FTX1.a_b-C"], patterns: ["FTX*"] },
        { name: "lab-2", reserve: 400, max: 1_000_000, priority: -1_000_000, patterns: ["?".repeat(253)] },
        { name: "a".repeat(40), max: 0 },
        { name: "0-9", serials: ["S".repeat(64)] },
      ],
      { caps: { "FTX1.a_b-C": 0, B: 1_000_000 } },
    );
    expect(() => validatePolicy(policy, 1000)).not.toThrow();
  });

  it.each(["", "Lab", "lab_1", "a b", "a".repeat(41), "default", "ü"])("refuses the group name %j", (name) => {
    const error = refusal(() => validatePolicy(definitionOf([{ name: "ok" }, { name }]), 100), "BAD_GROUP_NAME");
    expect(error.message).toBe(
      `group 2 is named ${JSON.stringify(name)}; a name is 1–40 characters of a–z, 0–9 and -, and "default" is the implicit group of everyone else`,
    );
  });

  it("refuses two groups of one name, naming both positions", () => {
    const error = refusal(
      () => validatePolicy(definitionOf([{ name: "lab" }, { name: "dc" }, { name: "lab" }]), 100),
      "DUPLICATE_GROUP",
    );
    expect(error.message).toBe('groups 1 and 3 are both named "lab"; give each group its own name');
  });

  it.each([-1, 101, 2.5, Number.NaN])("refuses a reserve of %s in a pool of 100", (reserve) => {
    const error = refusal(() => validatePolicy(definitionOf([{ name: "dc", reserve }]), 100), "RESERVE_OUT_OF_RANGE");
    expect(error.message).toBe(
      `group "dc" reserves ${reserve}; a reserve is a whole number from 0 to the pool size 100`,
    );
  });

  it.each([49, -1, 1.5, 1_000_001])("refuses a max of %s below or beside a reserve of 50", (max) => {
    const error = refusal(
      () => validatePolicy(definitionOf([{ name: "dc", reserve: 50, max }]), 100),
      "MAX_BELOW_RESERVE",
    );
    expect(error.message).toBe(
      `group "dc" has max ${max}; set no max, or a whole number from its reserve 50 to 1000000`,
    );
  });

  it.each([0.5, 1_000_001, -1_000_001, Number.POSITIVE_INFINITY])("refuses a priority of %s", (priority) => {
    const error = refusal(() => validatePolicy(definitionOf([{ name: "dc", priority }]), 100), "PRIORITY_NOT_INTEGER");
    expect(error.message).toBe(
      `group "dc" has priority ${priority}; a priority is a whole number from -1000000 to 1000000 (0 when in doubt)`,
    );
  });

  it("refuses reservations beyond the pool with the figures", () => {
    const policy = definitionOf([{ name: "dc", reserve: 500 }, { name: "none" }, { name: "lab", reserve: 200 }]);
    expect(() => validatePolicy(policy, 700)).not.toThrow();
    const error = refusal(() => validatePolicy(policy, 600), "RESERVES_EXCEED_POOL");
    expect(error.message).toBe(
      "the groups reserve 700 sessions (dc 500, lab 200) but the pool has 600; lower the reservations by 100 or grow the pool first",
    );
  });

  it("refuses a serial named by two groups, but not one named twice by the same group", () => {
    expect(() => validatePolicy(definitionOf([{ name: "dc", serials: ["A", "A"] }]), 100)).not.toThrow();
    const error = refusal(
      () =>
        validatePolicy(
          definitionOf([
            { name: "dc", serials: ["A"] },
            { name: "lab", serials: ["B", "A"] },
          ]),
          100,
        ),
      "SERIAL_IN_TWO_GROUPS",
    );
    expect(error.message).toBe(
      'serial "A" is named by groups "dc" and "lab"; a participant belongs to one group, so name it in one of them only',
    );
  });

  it.each(["", "a b", "S".repeat(65), "FTX*"])("refuses %j as a serial of a group or of a cap", (serial) => {
    const inGroup = refusal(() => validatePolicy(definitionOf([{ name: "dc", serials: [serial] }]), 100), "BAD_SERIAL");
    expect(inGroup.message).toBe(
      `group "dc" names ${JSON.stringify(serial)}, which is not a serial; a serial is 1–64 characters of A–Z a–z 0–9 . _ -`,
    );
    const inCaps = refusal(() => validatePolicy(definitionOf([], { caps: { [serial]: 50 } }), 100), "BAD_SERIAL");
    expect(inCaps.message).toMatch(/^a participant cap names .*, which is not a serial;/);
  });

  it.each(["", "a b", "tab\there", "nl\n", "\u0000", "x".repeat(254)])("refuses the pattern %j", (pattern) => {
    const error = refusal(
      () => validatePolicy(definitionOf([{ name: "dc", patterns: [pattern] }]), 100),
      "BAD_PATTERN",
    );
    expect(error.message).toBe(
      `group "dc" has pattern ${JSON.stringify(pattern)}; a pattern is 1–253 characters without spaces or control characters, with * for any run of characters and ? for one`,
    );
  });

  it.each([-1, 0.5, 1_000_001, Number.NaN])("refuses a cap of %s", (cap) => {
    const error = refusal(() => validatePolicy(definitionOf([], { caps: { A: cap } }), 100), "CAP_OUT_OF_RANGE");
    expect(error.message).toBe(
      `the cap of "A" is ${cap}; a cap is a whole number from 0 to 1000000 (remove it for no cap)`,
    );
  });
});
