"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { ErrorState, Loading } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { formatCount, formatDateTime } from "@/lib/format";
import { type RouterOutputs, useTRPC } from "@/lib/trpc";
import { useCsvExport } from "@/lib/use-csv-export";
import { formatDeltas, formatSpan } from "./outage-format";

type Report = RouterOutputs["admin"]["outages"]["get"];

/** One outage: the timeline, the backup's events, the hand-back's changes here, and what was reconciled. */
export function OutageReport({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const report = useQuery(trpc.admin.outages.get.queryOptions({ id }));
  const exportCsv = useCsvExport(() => queryClient.fetchQuery(trpc.admin.outages.export.queryOptions({ id })));
  return (
    <>
      <PageHeader
        title="Outage report"
        description={
          <Link href="/outages" className="text-sky-300 underline">
            All outages
          </Link>
        }
        actions={
          <Button size="sm" onClick={() => void exportCsv.run()} busy={exportCsv.exporting} disabled={!report.data}>
            Download CSV
          </Button>
        }
      />
      {report.isError && (
        <ErrorState error={report.error} what="the outage report" onRetry={() => void report.refetch()} />
      )}
      {report.isPending && <Loading label="Loading the outage report" className="h-96" />}
      {report.data && <ReportView report={report.data} />}
    </>
  );
}

function ReportView({ report }: { report: Report }) {
  const moments = [
    { label: "Last sync before the outage", at: report.lastSyncAt },
    {
      label: `Main server judged down after ${report.failedSyncs.length} failed sync${report.failedSyncs.length === 1 ? "" : "s"}`,
      at: report.judgedDownAt,
    },
    { label: "Backup served its first call", at: report.firstServedAt },
    { label: "Main server took the pool back", at: report.handedBackAt },
  ];
  return (
    <div className="flex flex-col gap-6">
      <Panel
        title="Timeline"
        description={`The backup served for ${formatSpan(report.firstServedAt, report.handedBackAt)}.`}
      >
        <ol className="flex flex-col gap-1.5 px-5 py-3 text-sm" data-testid="outage-timeline">
          {moments.map((m) => (
            <li key={m.label} className="flex gap-4">
              <span className="w-48 shrink-0 tabular-nums text-slate-400">
                {m.at ? formatDateTime(m.at) : "not recorded"}
              </span>
              <span className="text-slate-200">{m.label}</span>
            </li>
          ))}
        </ol>
        {report.failedSyncs.length > 0 && (
          <ul className="border-t border-slate-800 px-5 py-3 text-xs text-slate-400" data-testid="outage-failed-syncs">
            {report.failedSyncs.map((f) => (
              <li key={f.at}>
                {formatDateTime(f.at)}: {f.error}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel
        title="Reconciled"
        description="Participants changed on both servers since the backup's last sync: the backup's figures were taken, then the queue served."
      >
        <div className="px-5 py-3 text-sm" data-testid="outage-reconciled">
          {report.reconciledParticipants.length === 0 ? (
            <p className="text-slate-400">Nothing had to be reconciled.</p>
          ) : (
            <ul className="flex flex-col gap-1">
              {report.reconciledParticipants.map((r) => (
                <li key={r.serial}>
                  <span className="font-mono text-amber-300">{r.serial}</span>: main server had{" "}
                  {formatCount(r.mainGranted)} granted, {formatCount(r.mainPending)} pending; now{" "}
                  {formatCount(r.grantedAfter)} granted, {formatCount(r.pendingAfter)} pending
                </li>
              ))}
            </ul>
          )}
        </div>
      </Panel>

      <Panel
        title="What the hand-back changed on the main server"
        description={`${formatCount(report.changes.length)} change${report.changes.length === 1 ? "" : "s"} of grants and pending demand.`}
      >
        <ChangeTable
          testId="outage-changes"
          rows={report.changes.map((c) => ({
            key: `${c.serial}-${c.type}`,
            at: report.handedBackAt,
            type: c.registeredOnBackup ? `${c.type} (registered on the backup)` : c.type,
            serial: c.serial,
            granted: c.grantedDelta,
            pending: c.pendingDelta,
            after: c.grantedAfter,
          }))}
        />
      </Panel>

      <Panel
        title="What the backup did"
        description={`${
          Object.entries(report.eventCounts)
            .map(([type, n]) => `${formatCount(n)} ${type}`)
            .join(", ") || "No registration, grant change, release or reclaim"
        }${report.eventsListed < report.backupEvents ? `; the first ${formatCount(report.eventsListed)} listed` : ""}.`}
      >
        <ChangeTable
          testId="outage-events"
          rows={report.events.map((e, i) => ({
            key: String(i),
            at: e.at,
            type: e.type,
            serial: e.serial ?? "",
            granted: e.grantedDelta,
            pending: e.pendingDelta,
            after: e.grantedAfter,
          }))}
        />
      </Panel>
    </div>
  );
}

interface ChangeRow {
  key: string;
  at: string;
  type: string;
  serial: string;
  granted: number;
  pending: number;
  after: number | null;
}

function ChangeTable({ rows, testId }: { rows: ChangeRow[]; testId: string }) {
  if (rows.length === 0) return <p className="px-5 py-3 text-sm text-slate-400">None.</p>;
  return (
    <div className="overflow-x-auto px-5 py-3">
      <table className="w-full text-sm" data-testid={testId}>
        <TableHead
          columns={[
            { label: "At" },
            { label: "Event" },
            { label: "Serial" },
            { label: "Change" },
            { label: "Granted after", numeric: true },
          ]}
        />
        <tbody className="divide-y divide-slate-800 tabular-nums">
          {rows.map((r) => (
            <tr key={r.key}>
              <td className="whitespace-nowrap py-2 pr-4 text-slate-400">{formatDateTime(r.at)}</td>
              <td className="py-2 pr-4">{r.type}</td>
              <td className="py-2 pr-4 font-mono text-slate-200">{r.serial}</td>
              <td className="py-2 pr-4">{formatDeltas(r.granted, r.pending)}</td>
              <td className="py-2 text-right">{r.after === null ? "" : formatCount(r.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
