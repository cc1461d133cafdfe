"use client";

import { DAY_MS } from "@sls/allocator";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { TimeSeriesChart, type Series } from "@/components/charts/time-series-chart";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { formatCount } from "@/lib/format";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { useCsvExport } from "@/lib/use-csv-export";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { ForecastPanel } from "./forecast-panel";

type Report = RouterOutputs["admin"]["capacity"]["report"];
const PERIODS = [7, 30, 90] as const;
type Period = (typeof PERIODS)[number];

const SERIES: Series[] = [
  { key: "peakDemand", label: "Peak demand (granted + pending)", color: "#f59e0b", kind: "line" },
  { key: "peakGranted", label: "Peak granted", color: "#38bdf8", kind: "area" },
  { key: "peakInUseFromPool", label: "Peak in use from the pool", color: "#34d399", kind: "line" },
  { key: "poolSize", label: "Pool size", color: "#94a3b8", kind: "step" },
];

/** How many sessions were needed, how often the pool ran out, and who waited: per day, per participant. */
export function CapacityPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [days, setDays] = useState<Period>(30);
  const report = useQuery(trpc.admin.capacity.report.queryOptions({ days }));
  const exportCsv = useCsvExport(() => queryClient.fetchQuery(trpc.admin.capacity.export.queryOptions({ days })));

  return (
    <>
      <PageHeader
        title="Capacity"
        description="Peaks, unmet demand and the pool size that would have met every demand, from the minute samples rolled up per hour and per day."
        actions={
          <div className="flex items-center gap-3">
            {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form fieldset */}
            <div role="group" aria-label="Period" className="inline-flex rounded-md border border-slate-700 p-0.5">
              {PERIODS.map((p) => (
                <button
                  key={p}
                  type="button"
                  aria-pressed={days === p}
                  onClick={() => setDays(p)}
                  className={cx(
                    "rounded px-2.5 py-1 text-xs font-medium",
                    days === p ? "bg-slate-700 text-white" : "text-slate-400 hover:text-slate-100",
                  )}
                >
                  Last {p} days
                </button>
              ))}
            </div>
            <Button size="sm" onClick={() => void exportCsv.run()} busy={exportCsv.exporting}>
              Download CSV
            </Button>
          </div>
        }
      />
      {report.isError && (
        <ErrorState error={report.error} what="the capacity report" onRetry={() => void report.refetch()} />
      )}
      {report.isPending && <Loading label="Loading the capacity report" className="h-96" />}
      {report.data && <ReportView report={report.data} />}
      <div className="mt-6">
        <ForecastPanel />
      </div>
    </>
  );
}

function ReportView({ report }: { report: Report }) {
  const t = report.total;
  if (t.minutesSampled === 0)
    return (
      <EmptyState title="No capacity history yet">
        The server samples the pool every minute; the first figures appear after a minute.
      </EmptyState>
    );
  const end = Date.parse(report.to);
  const points = report.daily.map((d) => ({ ...d, at: Date.parse(d.at) }));
  const figures = [
    {
      label: "Pool size needed",
      value: formatCount(t.poolSizeNeeded),
      hint: `pool was ${formatCount(t.poolSize)}`,
      tone: t.poolSizeNeeded > t.poolSize ? "text-amber-300" : "text-slate-100",
    },
    { label: "Peak granted", value: formatCount(t.peakGranted) },
    {
      label: "Peak in use",
      value: formatCount(t.peakInUse),
      hint: `${formatCount(t.peakInUseFromPool)} from the pool`,
    },
    { label: "Unmet demand", value: `${formatCount(t.unmetSessionMinutes)}`, hint: "session-minutes pending" },
    { label: "Pool ran dry", value: formatCount(t.dryEvents), hint: t.dryEvents === 1 ? "time" : "times" },
  ];
  return (
    <div className="flex flex-col gap-6">
      <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5" data-testid="capacity-totals">
        {figures.map((f) => (
          <div key={f.label} className="rounded-xl border border-slate-800 bg-slate-900/70 px-4 py-3">
            <dt className="text-xs uppercase tracking-wider text-slate-400">{f.label}</dt>
            <dd className={cx("mt-1 text-2xl font-semibold tabular-nums", f.tone ?? "text-slate-100")}>{f.value}</dd>
            {f.hint && <dd className="text-xs text-slate-500">{f.hint}</dd>}
          </div>
        ))}
      </dl>
      <Panel title="Per day" description="Each day's peaks; the dashed line is the pool size.">
        <div className="px-3 py-4">
          <TimeSeriesChart
            points={points}
            series={SERIES}
            spanMs={report.days * DAY_MS}
            end={end}
            label="Daily peak demand, granted and in use against the pool size"
          />
        </div>
      </Panel>
      {report.groups.length > 0 && <GroupsPanel groups={report.groups} />}
      <Panel
        title="Per participant"
        description="Sorted by the pool size each would have needed alone (its peak of granted + pending)."
      >
        <ScrollRegion label="Capacity per participant" className="px-5 py-3">
          <table className="w-full text-sm" data-testid="capacity-participants">
            <TableHead
              columns={[
                { label: "Serial" },
                { label: "Peak granted", numeric: true },
                { label: "Peak in use", numeric: true },
                { label: "In use from pool", numeric: true },
                { label: "Unmet session-min", numeric: true },
                { label: "Pool size needed", numeric: true },
              ]}
            />
            <tbody className="divide-y divide-slate-800 tabular-nums">
              {report.participants.map((p) => (
                <tr key={p.serial}>
                  <td className="py-2 pr-4 font-mono text-slate-200">{p.serial}</td>
                  <td className="py-2 pr-4 text-right">{formatCount(p.peakGranted)}</td>
                  <td className="py-2 pr-4 text-right">{formatCount(p.peakInUse)}</td>
                  <td className="py-2 pr-4 text-right">{formatCount(p.peakInUseFromPool)}</td>
                  <td className={cx("py-2 pr-4 text-right", p.unmetSessionMinutes > 0 && "text-amber-300")}>
                    {formatCount(p.unmetSessionMinutes)}
                  </td>
                  <td className="py-2 text-right">{formatCount(p.poolSizeNeeded)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </Panel>
    </div>
  );
}

/** Per pool-policy group; only minutes sampled under a policy count, so a group's minutes may be fewer. */
function GroupsPanel({ groups }: { groups: Report["groups"] }) {
  return (
    <Panel
      title="Per group"
      description="Pool-policy groups, in the policy's order with default last, over the minutes sampled while a policy was in force."
    >
      <ScrollRegion label="Capacity per group" className="px-5 py-3">
        <table className="w-full text-sm" data-testid="capacity-groups">
          <TableHead
            columns={[
              { label: "Group" },
              { label: "Minutes sampled", numeric: true },
              { label: "Peak held", numeric: true },
              { label: "Peak pending", numeric: true },
              { label: "Peak in use", numeric: true },
              { label: "Unmet session-min", numeric: true },
            ]}
          />
          <tbody className="divide-y divide-slate-800 tabular-nums">
            {groups.map((g) => (
              <tr key={g.group}>
                <td className="py-2 pr-4 font-mono text-slate-200">{g.group}</td>
                <td className="py-2 pr-4 text-right">{formatCount(g.minutesSampled)}</td>
                <td className="py-2 pr-4 text-right">{formatCount(g.peakHeld)}</td>
                <td className={cx("py-2 pr-4 text-right", g.peakPending > 0 && "text-amber-300")}>
                  {formatCount(g.peakPending)}
                </td>
                <td className="py-2 pr-4 text-right">{formatCount(g.peakInUse)}</td>
                <td className={cx("py-2 text-right", g.unmetSessionMinutes > 0 && "text-amber-300")}>
                  {formatCount(g.unmetSessionMinutes)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </Panel>
  );
}
