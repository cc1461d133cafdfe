import { DAY_MS } from "@sls/allocator";
import { describe, expect, it } from "vitest";
import { fitTrend, MIN_FORECAST_DAYS } from "./trend.ts";

const START = Date.UTC(2026, 0, 1);
const days = (n: number, demand: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => ({ at: START + i * DAY_MS, peakDemand: demand(i) }));

describe("fitTrend", () => {
  it("fits nothing below the minimum of complete days", () => {
    expect(
      fitTrend(
        days(MIN_FORECAST_DAYS - 1, () => 10),
        100,
        START,
      ),
    ).toEqual({
      fitted: false,
      days: MIN_FORECAST_DAYS - 1,
      why: "not-enough-history",
    });
  });

  it("finds an exact line and the day it reaches the pool, with R² 1 and a band of zero width", () => {
    const now = START + 30 * DAY_MS;
    const trend = fitTrend(
      days(30, (i) => 100 + 10 * i),
      1000,
      now,
    );
    if (!trend.fitted) throw new Error("not fitted");
    expect(trend.slopePerDay).toBeCloseTo(10, 9);
    expect(trend.r2).toBeCloseTo(1, 9);
    expect(trend.reachAt).toBe(START + 90 * DAY_MS);
    expect(Math.abs(trend.reachEarliest! - trend.reachAt!)).toBeLessThanOrEqual(0.1 * DAY_MS);
    expect(Math.abs(trend.reachLatest! - trend.reachAt!)).toBeLessThanOrEqual(0.1 * DAY_MS);
  });

  it("gives no date for a flat or falling trend, and now for one already above the pool", () => {
    const now = START + 20 * DAY_MS;
    const flat = fitTrend(
      days(20, () => 50),
      100,
      now,
    );
    expect(flat).toMatchObject({ fitted: true, slopePerDay: 0, reachAt: null, r2: 1 });
    const falling = fitTrend(
      days(20, (i) => 90 - i),
      100,
      now,
    );
    expect(falling).toMatchObject({ fitted: true, reachAt: null });
    const above = fitTrend(
      days(20, (i) => 150 + i),
      100,
      now,
    );
    expect(above).toMatchObject({ fitted: true, reachAt: now, reachEarliest: now });
  });

  it("widens the band with noise: earliest before, latest after the line's date, R² below 1", () => {
    const now = START + 30 * DAY_MS;
    const trend = fitTrend(
      days(30, (i) => 100 + 10 * i + (i % 2 === 0 ? 40 : -40)),
      1000,
      now,
    );
    if (!trend.fitted) throw new Error("not fitted");
    // Line variance 10² · (30² − 1) / 12 ≈ 7,492 against noise variance 1,600: R² ≈ 0.82 (the noise is not quite uncorrelated with the day).
    expect(trend.r2).toBeCloseTo(7492 / (7492 + 1600), 1);
    expect(trend.reachEarliest!).toBeLessThan(trend.reachAt!);
    expect(trend.reachLatest!).toBeGreaterThan(trend.reachAt!);
  });
});
