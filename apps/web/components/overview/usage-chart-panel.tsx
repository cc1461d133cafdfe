"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RangePicker, spanOf, visibleSpan, type Range } from "@/components/charts/range-picker";
import { TimeSeriesChart, type Series } from "@/components/charts/time-series-chart";
import { Panel } from "@/components/ui/panel";
import { ErrorState, Loading } from "@/components/ui/states";
import { useTRPC } from "@/lib/trpc";

const SERIES: Series[] = [
  { key: "granted", label: "Granted", color: "#38bdf8", kind: "area" },
  { key: "pending", label: "Pending", color: "#fbbf24", kind: "area" },
  { key: "inUseFromPool", label: "In use from the pool", color: "#34d399", kind: "line" },
  { key: "inUse", label: "In use in total", color: "#64748b", kind: "line" },
  { key: "poolSize", label: "Pool size", color: "#cbd5e1", kind: "step" },
];

export function UsageChartPanel() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("hour");
  const usage = useQuery({
    ...trpc.admin.overview.usage.queryOptions({ range }),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  // A point no capacity sample covers yet has no "from the pool" figure: a gap, not a zero.
  const points =
    usage.data?.points.map(({ inUseFromPool, ...p }) => ({
      ...p,
      at: Date.parse(p.at),
      ...(inUseFromPool === null ? {} : { inUseFromPool }),
    })) ?? [];
  const end = points.at(-1)?.at ?? Date.now();
  const span = visibleSpan(range, points[0]?.at ?? end, end);

  return (
    <Panel
      title="Pool usage over time"
      description="Sampled every 15 s; the peaks of each interval are kept for a day or a week."
      labelledBy="usage-title"
      actions={<RangePicker value={range} onChange={setRange} />}
    >
      {usage.isError && (
        <ErrorState error={usage.error} what="the usage history" onRetry={() => void usage.refetch()} />
      )}
      {usage.isPending && <Loading label="Loading the usage history" className="h-64" />}
      {usage.data && (
        <TimeSeriesChart
          points={points}
          series={SERIES}
          spanMs={span}
          end={end}
          label="Granted, pending, in use and pool size over time"
        />
      )}
      {usage.data && span < spanOf(range) && (
        <p className="mt-2 text-xs text-slate-500">
          Showing the whole history so far; it fills in as samples are taken.
        </p>
      )}
    </Panel>
  );
}
