"use client";

import { DAY_MS } from "@sls/allocator";
import { useQuery } from "@tanstack/react-query";
import { type Point, type Series, TimeSeriesChart } from "@/components/charts/time-series-chart";
import { Panel } from "@/components/ui/panel";
import { ErrorState, Loading } from "@/components/ui/states";
import { formatCount } from "@/lib/format";
import { type RouterOutputs, useTRPC } from "@/lib/trpc";

type Forecast = RouterOutputs["admin"]["capacity"]["forecast"];
type Window = Forecast["windows"][number];
type Fitted = Extract<Window["trend"], { fitted: true }>;

const HISTORY_DAYS = 90;
/** How far beyond today the chart reaches at least, and at most. */
const AHEAD_MIN_DAYS = 14;
const AHEAD_MAX_DAYS = 365;

const SERIES: Series[] = [
  { key: "peakDemand", label: "Daily peak demand", color: "#f59e0b", kind: "line" },
  { key: "trend30", label: "Trend over 30 days", color: "#f472b6", kind: "line" },
  { key: "trend90", label: "Trend over 90 days", color: "#a78bfa", kind: "line" },
  { key: "poolSize", label: "Pool size", color: "#94a3b8", kind: "step" },
];

const day = (iso: string) => iso.slice(0, 10);

/** The trend of daily peak demand, drawn beyond today to the date it reaches the pool. */
export function ForecastPanel() {
  const trpc = useTRPC();
  const forecast = useQuery(trpc.admin.capacity.forecast.queryOptions());
  const history = useQuery(trpc.admin.capacity.report.queryOptions({ days: HISTORY_DAYS }));
  return (
    <Panel
      title="Forecast"
      description="A straight line fitted by least squares to each complete day's peak of granted + pending; it knows no weekly or seasonal pattern and no step change."
    >
      <div className="flex flex-col gap-3 px-5 py-4" data-testid="capacity-forecast">
        {(forecast.isError || history.isError) && (
          <ErrorState
            error={forecast.error ?? history.error}
            what="the forecast"
            onRetry={() => void forecast.refetch()}
          />
        )}
        {(forecast.isPending || history.isPending) && <Loading label="Loading the forecast" className="h-64" />}
        {forecast.data && history.data && (
          <>
            <ul className="flex flex-col gap-1 text-sm">
              {forecast.data.windows.map((w) => (
                <li key={w.days} data-window={w.days}>
                  {windowText(w, forecast.data)}
                </li>
              ))}
            </ul>
            <ForecastChart forecast={forecast.data} daily={history.data.daily} />
          </>
        )}
      </div>
    </Panel>
  );
}

function windowText(w: Window, forecast: Forecast): string {
  const t = w.trend;
  if (!t.fitted) return `${w.days} days: not enough history (${t.days} of at least ${forecast.minDays} complete days).`;
  const fit = `${t.slopePerDay >= 0 ? "+" : ""}${t.slopePerDay.toFixed(1)} sessions a day, R² ${t.r2.toFixed(2)}, over ${t.days} days`;
  if (t.reachAt === null)
    return `${w.days} days (${fit}): demand does not reach the pool of ${formatCount(forecast.poolSize)} within a year at this trend.`;
  if (Date.parse(t.reachAt) <= Date.parse(forecast.at))
    return `${w.days} days (${fit}): demand is at or above the pool of ${formatCount(forecast.poolSize)} already.`;
  const left = Math.floor((Date.parse(t.reachAt) - Date.parse(forecast.at)) / DAY_MS);
  const band =
    t.reachEarliest && t.reachLatest
      ? `; 95 % band ${day(t.reachEarliest)} to ${day(t.reachLatest)}`
      : t.reachEarliest
        ? `; possibly as early as ${day(t.reachEarliest)}`
        : "";
  return `${w.days} days (${fit}): reaches the pool of ${formatCount(forecast.poolSize)} on ${day(t.reachAt)}, in ${left} days${band}.`;
}

function ForecastChart({
  forecast,
  daily,
}: {
  forecast: Forecast;
  daily: RouterOutputs["admin"]["capacity"]["report"]["daily"];
}) {
  const now = Date.parse(forecast.at);
  const today = now - (now % DAY_MS);
  const fitted = forecast.windows.filter((w): w is Window & { trend: Fitted } => w.trend.fitted);
  const reaches = fitted.flatMap((w) => (w.trend.reachAt ? [Date.parse(w.trend.reachAt)] : []));
  const ahead = Math.min(
    AHEAD_MAX_DAYS,
    Math.max(AHEAD_MIN_DAYS, ...reaches.map((at) => Math.ceil((at - today) / DAY_MS) + 3)),
  );
  const start = today - HISTORY_DAYS * DAY_MS;
  const end = today + ahead * DAY_MS;
  const trendAt = (t: Fitted, at: number) => {
    const from = Date.parse(t.from);
    return at < from ? undefined : Math.max(0, Math.round(t.startDemand + (t.slopePerDay * (at - from)) / DAY_MS));
  };
  const peaks = new Map(daily.map((d) => [Date.parse(d.at), d.peakDemand]));
  const points: Point[] = [];
  for (let at = start; at <= end; at += DAY_MS) {
    const point: Point = { at, poolSize: forecast.poolSize };
    const peak = peaks.get(at);
    if (peak !== undefined && at < today) point.peakDemand = peak;
    for (const w of fitted) {
      const value = trendAt(w.trend, at);
      if (value !== undefined) point[`trend${w.days}`] = value;
    }
    points.push(point);
  }
  return (
    <TimeSeriesChart
      points={points}
      series={SERIES}
      spanMs={end - start}
      end={end}
      label="The trend of daily peak demand beyond today, against the pool size"
    />
  );
}
