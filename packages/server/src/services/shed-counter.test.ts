import { describe, expect, it } from "vitest";
import { ShedCounter } from "./shed-counter.ts";

describe("ShedCounter", () => {
  it("counts the calls shed in the last 60 seconds and forgets older ones", () => {
    const shed = new ShedCounter();
    const t0 = 1_000_000_000;
    for (let i = 0; i < 5; i++) shed.record(t0);
    shed.record(t0 + 30_000);
    expect(shed.lastMinute(t0 + 30_000)).toBe(6);
    expect(shed.lastMinute(t0 + 59_999)).toBe(6);
    expect(shed.lastMinute(t0 + 60_000)).toBe(1);
    expect(shed.lastMinute(t0 + 90_000)).toBe(0);
    // A bucket reused a minute later starts from nothing.
    shed.record(t0 + 60_000);
    expect(shed.lastMinute(t0 + 60_000)).toBe(2);
  });
});
