"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { AuditTable } from "@/components/audit/audit-table";
import { RangePicker, visibleSpan, type Range } from "@/components/charts/range-picker";
import { TimeSeriesChart, type Series } from "@/components/charts/time-series-chart";
import { useAccount } from "@/components/shell/account-context";
import { PageHeader } from "@/components/shell/page-header";
import { CountersTable } from "@/components/overview/counters-table";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { refusalOf } from "@/lib/errors";
import { formatAgo, formatCount, formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { ParticipantActions } from "./participant-actions";
import { StateBadge } from "./state-badge";

const SERIES: Series[] = [
  { key: "granted", label: "Granted", color: "#38bdf8", kind: "area" },
  { key: "pending", label: "Pending", color: "#fbbf24", kind: "area" },
];

export function ParticipantDetail({ serial }: { serial: string }) {
  const trpc = useTRPC();
  const account = useAccount();
  const router = useRouter();
  const [range, setRange] = useState<Range>("day");
  const detail = useQuery({ ...trpc.admin.participants.get.queryOptions({ serial }), refetchInterval: 5_000 });
  const history = useQuery({
    ...trpc.admin.participants.history.queryOptions({ serial, range }),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
    enabled: detail.isSuccess,
  });
  const audit = useQuery({
    ...trpc.admin.audit.list.queryOptions({ filter: { serial }, pageSize: 25 }),
    refetchInterval: 5_000,
  });

  if (detail.isError && refusalOf(detail.error).reason === "NOT_FOUND") {
    return (
      <EmptyState title={`No participant ${serial}`}>
        It may have been removed.{" "}
        <Link href="/participants" className="text-sky-300 hover:underline">
          Back to participants
        </Link>
      </EmptyState>
    );
  }
  if (detail.isError)
    return <ErrorState error={detail.error} what={`participant ${serial}`} onRetry={() => void detail.refetch()} />;
  if (!detail.data) return <Loading label={`Loading participant ${serial}`} className="h-96" />;

  const p = detail.data.participant;
  const points = history.data?.points.map((point) => ({ ...point, at: Date.parse(point.at) })) ?? [];
  const end = points.at(-1)?.at ?? Date.now();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-400">
        <Link href="/participants" className="hover:text-slate-100">
          Participants
        </Link>{" "}
        / <span className="font-mono">{p.serial}</span>
      </nav>
      <PageHeader
        title={p.hostname}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span className="font-mono">{p.serial}</span> · {p.model} <StateBadge state={p.state} />
          </span>
        }
        actions={
          account.canChange && (
            <ParticipantActions participant={p} afterRemove={() => router.replace("/participants")} />
          )
        }
      />
      <div className="flex flex-col gap-6">
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-8" data-testid="participant-figures">
          <Figure label="Granted" value={formatCount(p.granted)} testId="detail-granted" />
          <Figure label="Pending" value={formatCount(p.pending)} testId="detail-pending" />
          <Figure label="In use" value={formatCount(p.inUse)} testId="detail-in-use" />
          <Figure label="High-water" value={formatCount(p.highWater)} />
          <Figure label="Platform limit" value={formatCount(p.platformLimit)} />
          <Figure label="Local limit" value={formatCount(p.localLimit)} />
          <Figure label="Last refresh" value={formatAgo(p.lastSeenAt)} title={formatDateTime(p.lastSeenAt)} />
          <Figure label="Failover peer" value={p.haPeerSerial ?? "none"} />
        </dl>
        <p className="text-xs text-slate-500">
          Registered {formatDateTime(p.registeredAt)}
          {p.reclaimedAt && ` · last reclaimed ${formatDateTime(p.reclaimedAt)}`}
        </p>
        <Panel
          title="Grant over time"
          description="From its audit history: every change of granted and pending."
          labelledBy="grant-title"
          actions={<RangePicker value={range} onChange={setRange} />}
        >
          {history.isError && <ErrorState error={history.error} what="its history" />}
          {!history.data && !history.isError && <Loading label="Loading its history" className="h-64" />}
          {history.data && (
            <TimeSeriesChart
              points={points}
              series={SERIES}
              spanMs={visibleSpan(range, Date.parse(p.registeredAt), end)}
              end={end}
              label={`Granted and pending of ${p.serial} over time`}
            />
          )}
        </Panel>
        <div className="grid gap-6 xl:grid-cols-[1fr_2fr]">
          <Panel title="Message counters" labelledBy="p-counters-title">
            <CountersTable counters={detail.data.counters} />
          </Panel>
          <Panel
            title="Audit events"
            labelledBy="p-audit-title"
            actions={
              <Link
                href={`/audit?serial=${encodeURIComponent(p.serial)}`}
                className="text-sm text-sky-300 hover:underline"
              >
                All its events →
              </Link>
            }
          >
            {audit.isError && <ErrorState error={audit.error} what="its audit events" />}
            {audit.isPending && <Loading label="Loading its audit events" />}
            {audit.data &&
              (audit.data.rows.length === 0 ? (
                <EmptyState title="No events yet" />
              ) : (
                <AuditTable rows={audit.data.rows} hideSerial />
              ))}
          </Panel>
        </div>
      </div>
    </>
  );
}

function Figure({ label, value, testId, title }: { label: string; value: string; testId?: string; title?: string }) {
  return (
    <div className="rounded-xl border border-slate-800 bg-slate-900/70 p-3" title={title}>
      <dt className="text-xs text-slate-400">{label}</dt>
      <dd data-testid={testId} className="mt-0.5 truncate text-lg font-semibold tabular-nums">
        {value}
      </dd>
    </div>
  );
}
