import { ZCapacityExport, ZCapacityInput, ZCapacityReport } from "../../contracts/admin/capacity.ts";
import { capacityCsv, capacityReport } from "../../services/capacity/report.ts";
import { router, viewerProcedure } from "../../trpc.ts";

export const capacityRouter = router({
  report: viewerProcedure
    .input(ZCapacityInput)
    .output(ZCapacityReport)
    .query(async ({ ctx, input }) => {
      const report = await capacityReport(ctx.services, input.days);
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
        groups: report.groups.map(({ minutes, ...g }) => ({ ...g, minutesSampled: minutes })),
      };
    }),

  export: viewerProcedure
    .input(ZCapacityInput)
    .output(ZCapacityExport)
    .query(async ({ ctx, input }) => {
      const report = await capacityReport(ctx.services, input.days);
      const stamp = report.to.toISOString().slice(0, 10);
      return { filename: `sls-capacity-${input.days}d-${stamp}.csv`, csv: capacityCsv(report) };
    }),
});
