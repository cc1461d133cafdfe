import { z } from "zod";
import { CAPACITY_PERIODS } from "../../services/capacity/report.ts";

export const ZCapacityInput = z.object({
  days: z.union(CAPACITY_PERIODS.map((d) => z.literal(d)) as [z.ZodLiteral<7>, z.ZodLiteral<30>, z.ZodLiteral<90>], {
    error: "must be 7, 30 or 90",
  }),
});

const ZFigures = z.object({
  peakGranted: z.number().int(),
  peakInUse: z.number().int(),
  peakInUseFromPool: z.number().int(),
  unmetSessionMinutes: z.number().int(),
  poolSizeNeeded: z.number().int(),
});

export const ZCapacityReport = z.object({
  days: z.number().int(),
  from: z.string(),
  to: z.string(),
  total: ZFigures.extend({ minutesSampled: z.number().int(), poolSize: z.number().int(), dryEvents: z.number().int() }),
  daily: z.array(
    z.object({
      at: z.string(),
      poolSize: z.number().int(),
      peakGranted: z.number().int(),
      peakInUse: z.number().int(),
      peakInUseFromPool: z.number().int(),
      peakDemand: z.number().int(),
      unmetSessionMinutes: z.number().int(),
      dryEvents: z.number().int(),
    }),
  ),
  participants: z.array(ZFigures.extend({ serial: z.string() })),
  groups: z.array(
    z.object({
      group: z.string(),
      minutesSampled: z.number().int(),
      peakHeld: z.number().int(),
      peakPending: z.number().int(),
      peakInUse: z.number().int(),
      unmetSessionMinutes: z.number().int(),
    }),
  ),
});

export const ZCapacityExport = z.object({ filename: z.string(), csv: z.string() });

const ZTrend = z.discriminatedUnion("fitted", [
  z.object({ fitted: z.literal(false), days: z.number().int(), why: z.literal("not-enough-history") }),
  z.object({
    fitted: z.literal(true),
    days: z.number().int(),
    slopePerDay: z.number(),
    /** The first day fitted and the line's value there: with the slope, the whole line. */
    from: z.string(),
    startDemand: z.number(),
    r2: z.number(),
    residualSd: z.number(),
    reachAt: z.string().nullable(),
    reachEarliest: z.string().nullable(),
    reachLatest: z.string().nullable(),
  }),
]);

export const ZCapacityForecast = z.object({
  at: z.string(),
  poolSize: z.number().int(),
  /** The fewest complete days a trend is fitted on. */
  minDays: z.number().int(),
  windows: z.array(z.object({ days: z.number().int(), trend: ZTrend })),
  daysLeft: z.number().nullable(),
});
export type TCapacityForecast = z.infer<typeof ZCapacityForecast>;
