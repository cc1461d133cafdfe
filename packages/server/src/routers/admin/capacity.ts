import { z } from "zod";
import { CAPACITY_PERIODS, capacityCsv, capacityReport, type CapacityPeriod } from "../../services/capacity-report.ts";
import { router, viewerProcedure } from "../../trpc.ts";

const ZPeriod = z.object({
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
});

export const capacityRouter = router({
  report: viewerProcedure
    .input(ZPeriod)
    .output(ZCapacityReport)
    .query(async ({ ctx, input }) => {
      const report = await capacityReport(ctx.services, input.days as CapacityPeriod);
      return {
        days: report.days,
        from: report.from.toISOString(),
        to: report.to.toISOString(),
        total: report.total,
        daily: report.daily.map(({ minutes: _minutes, ...d }) => ({ ...d, at: d.at.toISOString() })),
        participants: report.participants.map((p) => ({
          serial: p.serial,
          peakGranted: p.peakGranted,
          peakInUse: p.peakInUse,
          peakInUseFromPool: p.peakInUseFromPool,
          unmetSessionMinutes: p.unmetSessionMinutes,
          poolSizeNeeded: p.poolSizeNeeded,
        })),
      };
    }),

  export: viewerProcedure
    .input(ZPeriod)
    .output(z.object({ filename: z.string(), csv: z.string() }))
    .query(async ({ ctx, input }) => {
      const report = await capacityReport(ctx.services, input.days as CapacityPeriod);
      const stamp = report.to.toISOString().slice(0, 10);
      return { filename: `sls-capacity-${input.days}d-${stamp}.csv`, csv: capacityCsv(report) };
    }),
});
