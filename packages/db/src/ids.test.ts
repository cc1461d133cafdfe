import { describe, expect, it } from "vitest";
import { newId } from "./ids.ts";

describe("newId", () => {
  it("is the prefix, an underscore and 32 random hex digits", () => {
    expect(newId("ptc")).toMatch(/^ptc_[0-9a-f]{32}$/);
    expect(newId("ptc")).not.toBe(newId("ptc"));
  });
});
