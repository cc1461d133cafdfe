import { describe, expect, it } from "vitest";
import { loadShare } from "./curves.ts";

const position = { periodSec: 120, phase: 0 };

describe("loadShare", () => {
  it("steady holds 0.8 of the demand at every time and phase", () => {
    for (const t of [0, 30, 59.5, 1000]) {
      expect(loadShare("steady", t, position)).toBe(0.8);
      expect(loadShare("steady", t, { periodSec: 120, phase: 0.5 })).toBe(0.8);
    }
  });

  it("daily is low at night, full at midday, and low again at the end of the period", () => {
    expect(loadShare("daily", 0, position)).toBeCloseTo(0.15);
    expect(loadShare("daily", 60, position)).toBeCloseTo(1);
    expect(loadShare("daily", 120, position)).toBeCloseTo(0.15);
    expect(loadShare("daily", 30, position)).toBeGreaterThan(0.15);
    expect(loadShare("daily", 30, position)).toBeLessThan(1);
  });

  it("daily shifts with the phase", () => {
    expect(loadShare("daily", 0, { periodSec: 120, phase: 0.5 })).toBeCloseTo(1);
  });

  it("spike is full for the first twelfth of each period, a base level otherwise", () => {
    expect(loadShare("spike", 0, position)).toBe(1);
    expect(loadShare("spike", 9.9, position)).toBe(1);
    expect(loadShare("spike", 10, position)).toBe(0.3);
    expect(loadShare("spike", 125, position)).toBe(1);
  });

  it("stays within 0–1 everywhere", () => {
    for (const curve of ["steady", "daily", "spike"] as const) {
      for (let t = 0; t < 500; t += 7) {
        const share = loadShare(curve, t, { periodSec: 97, phase: 0.3 });
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(1);
      }
    }
  });
});
