import { DAY_MS } from "@sls/allocator";

/** Fewer complete days than this and no trend is fitted: two weeks, so a weekly cycle counts twice. */
export const MIN_FORECAST_DAYS = 14;
/** A reach date further than this is reported as none: a straight line says nothing that far out. */
const HORIZON_DAYS = 3 * 365;

export interface DayPeak {
  /** The day's start (UTC midnight), in ms. */
  at: number;
  peakDemand: number;
}

export type Trend =
  | { fitted: false; days: number; why: "not-enough-history" }
  | {
      fitted: true;
      days: number;
      /** Sessions of peak demand gained per day (negative: falling). */
      slopePerDay: number;
      /** The line's value at `from` (the first day fitted). */
      from: number;
      startDemand: number;
      /** Share of the day-to-day variation the line explains, 0..1. */
      r2: number;
      /** Standard deviation of the days around the line, in sessions. */
      residualSd: number;
      /** When the line reaches the pool size: now when it already has; null when it never does within the horizon. */
      reachAt: number | null;
      /** The 95 % prediction band's earliest and latest reach dates (null: not within the horizon). */
      reachEarliest: number | null;
      reachLatest: number | null;
    };

/** Two-sided 95 % Student t quantiles by degrees of freedom; 1.96 beyond the table. */
const T95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1];
function t95(df: number): number {
  if (df <= 0) return Number.POSITIVE_INFINITY;
  if (df <= T95.length) return T95[df - 1]!;
  if (df <= 30) return 2.05;
  return df <= 60 ? 2.0 : 1.96;
}

/**
 * Ordinary least squares of daily peak demand on the day, and the day the line reaches
 * `poolSize`, with the days its 95 % prediction band crosses it (the band of one future day's
 * peak, so the earliest date is when a single day could already exceed the pool).
 */
export function fitTrend(peaks: DayPeak[], poolSize: number, now: number): Trend {
  const n = peaks.length;
  if (n < MIN_FORECAST_DAYS) return { fitted: false, days: n, why: "not-enough-history" };
  const from = peaks[0]!.at;
  const xs = peaks.map((p) => (p.at - from) / DAY_MS);
  const ys = peaks.map((p) => p.peakDemand);
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const xMean = mean(xs);
  const yMean = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i]! - xMean;
    const dy = ys[i]! - yMean;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = yMean - slope * xMean;
  const line = (x: number) => intercept + slope * x;
  let sse = 0;
  for (let i = 0; i < n; i += 1) sse += (ys[i]! - line(xs[i]!)) ** 2;
  const r2 = syy === 0 ? 1 : Math.max(0, 1 - sse / syy);
  const residualSd = Math.sqrt(sse / Math.max(1, n - 2));
  const halfBand = (x: number) => t95(n - 2) * residualSd * Math.sqrt(1 + 1 / n + (x - xMean) ** 2 / (sxx || 1));

  const today = (now - from) / DAY_MS;
  const horizon = today + HORIZON_DAYS;
  /** The first x from today on (in steps of a tenth of a day) where `value(x)` reaches the pool. */
  const firstReach = (value: (x: number) => number): number | null => {
    if (value(today) >= poolSize) return now;
    for (let x = today; x <= horizon; x += 0.1) {
      if (value(x) >= poolSize) return from + x * DAY_MS;
    }
    return null;
  };
  const exact = slope > 0 ? from + ((poolSize - intercept) / slope) * DAY_MS : null;
  const reachAt = line(today) >= poolSize ? now : exact !== null && exact - now <= HORIZON_DAYS * DAY_MS ? exact : null;
  return {
    fitted: true,
    days: n,
    slopePerDay: slope,
    from,
    startDemand: intercept,
    r2,
    residualSd,
    reachAt,
    reachEarliest: firstReach((x) => line(x) + halfBand(x)),
    reachLatest: firstReach((x) => line(x) - halfBand(x)),
  };
}
