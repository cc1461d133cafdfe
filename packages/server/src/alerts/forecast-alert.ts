import type { Store } from "@sls/db";
import { capacityForecast } from "../services/capacity/forecast.ts";
import type { Services } from "../services/context.ts";
import type { AlertConfig } from "./alert-config.ts";
import type { Alert } from "./alert-kinds.ts";

type EngineRow = NonNullable<Awaited<ReturnType<Store["alerts"]["readEngine"]>>>;

/**
 * The capacity forecast alert: raised once when the 30-day trend of daily peak demand reaches the
 * pool in fewer than `forecastDays` days, cleared when it no longer does (no rising trend, or the
 * date moved out again), so that it can be raised anew.
 */
export async function detectForecast(
  services: Pick<Services, "store" | "now">,
  config: AlertConfig,
  engine: EngineRow,
): Promise<{ alert: Alert | null; forecastRaisedAt?: Date | null }> {
  const forecast = await capacityForecast(services);
  const { daysLeft } = forecast;
  const soon = daysLeft !== null && daysLeft < config.forecastDays;
  if (!soon) return engine.forecastRaisedAt ? { alert: null, forecastRaisedAt: null } : { alert: null };
  if (engine.forecastRaisedAt) return { alert: null };
  const trend = forecast.windows.find((w) => w.days === 30)!.trend;
  if (!trend.fitted || trend.reachAt === null) return { alert: null };
  const reachDate = new Date(trend.reachAt).toISOString().slice(0, 10);
  const days = Math.floor(daysLeft);
  return {
    forecastRaisedAt: forecast.at,
    alert: {
      kind: "capacity-forecast",
      severity: days <= 7 ? "critical" : "warning",
      message:
        days === 0
          ? `Daily peak demand has reached the pool of ${forecast.poolSize} sessions on its 30-day trend.`
          : `Daily peak demand reaches the pool of ${forecast.poolSize} sessions around ${reachDate} on its 30-day trend: ${days} day${days === 1 ? "" : "s"} left (alert below ${config.forecastDays}).`,
      detail: {
        daysLeft: Number(daysLeft.toFixed(1)),
        reachAt: reachDate,
        poolSize: forecast.poolSize,
        slopePerDay: Number(trend.slopePerDay.toFixed(2)),
        r2: Number(trend.r2.toFixed(3)),
        days: trend.days,
        alertBelowDays: config.forecastDays,
      },
      raisedAt: forecast.at,
    },
  };
}
