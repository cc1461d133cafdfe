import {
  type TCapacityForecast,
  ZCapacityExport,
  ZCapacityForecast,
  ZCapacityInput,
  ZCapacityReport,
} from "../../contracts/admin/capacity.ts";
import { type CapacityForecast, capacityForecast } from "../../services/capacity/forecast.ts";
import { MIN_FORECAST_DAYS, type Trend } from "../../services/capacity/trend.ts";
import { capacityCsv, capacityReport } from "../../services/capacity/report.ts";
import { router, viewerProcedure } from "../../trpc.ts";
import { iso } from "../dto.ts";

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

  forecast: viewerProcedure
    .output(ZCapacityForecast)
    .query(async ({ ctx }) => forecastDto(await capacityForecast(ctx.services))),
});

const at = (ms: number | null) => iso(ms === null ? null : new Date(ms));

function trendDto(trend: Trend): TCapacityForecast["windows"][number]["trend"] {
  if (!trend.fitted) return trend;
  return {
    ...trend,
    from: new Date(trend.from).toISOString(),
    reachAt: at(trend.reachAt),
    reachEarliest: at(trend.reachEarliest),
    reachLatest: at(trend.reachLatest),
  };
}

function forecastDto(forecast: CapacityForecast): TCapacityForecast {
  return {
    at: forecast.at.toISOString(),
    poolSize: forecast.poolSize,
    minDays: MIN_FORECAST_DAYS,
    windows: forecast.windows.map((w) => ({ days: w.days, trend: trendDto(w.trend) })),
    daysLeft: forecast.daysLeft,
  };
}
