import { DAY_MS } from "@sls/allocator";
import type { Services } from "../context.ts";
import { fitTrend, type Trend } from "./trend.ts";

const FORECAST_WINDOWS = [30, 90] as const;
/** The window whose trend gives the days left (metrics, alert): the recent one. */
const DAYS_LEFT_WINDOW = 30;

export interface CapacityForecast {
  at: Date;
  poolSize: number;
  windows: Array<{ days: (typeof FORECAST_WINDOWS)[number]; trend: Trend }>;
  /** Days until the 30-day trend reaches the pool (0: already there); null when it has no rising trend. */
  daysLeft: number | null;
}

/**
 * The trend of daily peak demand (granted + pending) over the last 30 and 90 complete days (today,
 * still running, is left out), against the pool size in force now.
 */
export async function capacityForecast(services: Pick<Services, "store" | "now">): Promise<CapacityForecast> {
  const now = services.now();
  const today = now - (now % DAY_MS);
  const longest = Math.max(...FORECAST_WINDOWS);
  const [days, server] = await Promise.all([
    services.store.capacity.poolDays(new Date(today - longest * DAY_MS)),
    services.store.readServer(),
  ]);
  const complete = days
    .filter((d) => d.at.getTime() < today)
    .map((d) => ({ at: d.at.getTime(), peakDemand: d.peakDemand }));
  const poolSize = server?.poolSize ?? 0;
  const windows = FORECAST_WINDOWS.map((window) => ({
    days: window,
    trend: fitTrend(
      complete.filter((d) => d.at >= today - window * DAY_MS),
      poolSize,
      now,
    ),
  }));
  const recent = windows.find((w) => w.days === DAYS_LEFT_WINDOW)!.trend;
  // A pool of 0 (a server being set up) is reached by any demand: no days left to count.
  const daysLeft =
    poolSize > 0 && recent.fitted && recent.reachAt !== null ? Math.max(0, (recent.reachAt - now) / DAY_MS) : null;
  return { at: new Date(now), poolSize, windows, daysLeft };
}
