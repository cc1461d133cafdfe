import { describe, expect, it } from "vitest";
import { BatchCost } from "./batch-cost.ts";

/** A batch costs 10 ms plus 0.5 ms per call. */
const line = (n: number) => 10 + 0.5 * n;

describe("BatchCost", () => {
  it("finds the fixed part and the part per call from batches of different sizes", () => {
    const cost = new BatchCost(2);
    for (const n of [64, 1, 32, 64, 1, 16, 48, 8]) cost.record(n, line(n));
    expect(cost.ms(1)).toBeCloseTo(10.5, 6);
    expect(cost.ms(64)).toBeCloseTo(42, 6);
    expect(cost.ms(0)).toBe(0);
  });

  it("charges the whole cost per call while every batch had the same size", () => {
    const cost = new BatchCost(2);
    expect(cost.ms(10)).toBe(20);
    for (let i = 0; i < 10; i++) cost.record(1, 20);
    // Batches of one cannot tell a fixed part from a part per call: priced high, never low.
    expect(cost.ms(64)).toBeCloseTo(64 * 20, 6);
  });

  it("moves by a bounded step on one outlier, and follows a lasting change", () => {
    const cost = new BatchCost(2);
    for (let i = 0; i < 40; i++) for (const n of [1, 64]) cost.record(n, line(n));
    cost.record(64, 5_000); // one stall
    expect(cost.ms(64)).toBeLessThan(2 * line(64));
    for (let i = 0; i < 40; i++) for (const n of [1, 64]) cost.record(n, 3 * line(n));
    expect(Math.abs(cost.ms(64) / (3 * line(64)) - 1)).toBeLessThan(0.02);
  });

  it("falls back to a cost per call when noise makes a part negative", () => {
    const cost = new BatchCost(2);
    cost.record(2, 10);
    cost.record(4, 5); // bigger and cheaper: a negative part per call is noise
    expect(cost.ms(6)).toBeCloseTo(3 * cost.ms(2), 6);
  });
});
