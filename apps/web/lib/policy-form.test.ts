// Run with Node's own test runner (`pnpm --filter @sls/web test`), as safe-next's tests.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldOfIssue, type PolicyDefinition, type PolicyFormValues, valuesOf, ZPolicyForm } from "./policy-form.ts";

const POLICY: PolicyDefinition = {
  groups: [
    { name: "dc", reserve: 200, max: null, priority: 10, paused: false, serials: ["FTX1", "FTX2"], patterns: ["DC-*"] },
    {
      name: "lab",
      reserve: 0,
      max: 50,
      priority: -1,
      paused: true,
      serials: [],
      patterns: ["*.lab.example.net", "LAB?"],
    },
  ],
  poolPaused: true,
  caps: { FTX9: 100 },
};

describe("the policy form's values", () => {
  it("give back the policy they were made from", () => {
    assert.deepEqual(ZPolicyForm.parse(valuesOf(POLICY)), POLICY);
  });

  it("read lists separated by lines, spaces or commas, and an empty max as none", () => {
    const values = valuesOf(POLICY);
    values.groups[0] = { ...values.groups[0]!, serials: " FTX1,FTX2\n\nFTX3  FTX4 ", max: " " };
    const parsed = ZPolicyForm.parse(values);
    assert.deepEqual(parsed.groups[0]?.serials, ["FTX1", "FTX2", "FTX3", "FTX4"]);
    assert.equal(parsed.groups[0]?.max, null);
  });

  it("refuse a bad name, a negative reserve, a fractional priority and a serial capped twice, each on its field", () => {
    const values = valuesOf(POLICY);
    values.groups[0] = { ...values.groups[0]!, name: "Data Centre", reserve: "-1", priority: "1.5" };
    values.caps.push({ serial: "FTX9", cap: "5" });
    const result = ZPolicyForm.safeParse(values);
    assert.equal(result.success, false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")).sort();
    assert.deepEqual(paths, ["caps.1.serial", "groups.0.name", "groups.0.priority", "groups.0.reserve"]);
  });
});

describe("fieldOfIssue", () => {
  const values: PolicyFormValues = valuesOf(POLICY);

  it("puts an issue with a list's item on the list's text area", () => {
    assert.equal(fieldOfIssue("groups.1.patterns.0", values), "groups.1.patterns");
    assert.equal(fieldOfIssue("groups.0.reserve", values), "groups.0.reserve");
  });

  it("finds a cap, keyed by serial on the wire, by its row", () => {
    assert.equal(fieldOfIssue("caps.FTX9", values), "caps.0.cap");
    assert.equal(fieldOfIssue("caps.NOPE", values), null);
  });

  it("leaves an issue with no field of its own to the message above the buttons", () => {
    assert.equal(fieldOfIssue("groups", values), null);
    assert.equal(fieldOfIssue("poolPaused", values), null);
  });
});
