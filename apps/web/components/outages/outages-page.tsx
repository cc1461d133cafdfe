"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { formatCount, formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { formatSpan } from "./outage-format";

/** Every period a backup server served, newest first, each opening its report. */
export function OutagesPage() {
  const trpc = useTRPC();
  const outages = useQuery(trpc.admin.outages.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Outages"
        description="Each time the backup server served and handed the pool back: when, what it did, what the hand-back changed here."
      />
      {outages.isError && (
        <ErrorState error={outages.error} what="the outages" onRetry={() => void outages.refetch()} />
      )}
      {outages.isPending && <Loading label="Loading the outages" className="h-64" />}
      {outages.data?.length === 0 && (
        <EmptyState title="No outage yet">
          A report appears here when the main server takes the pool back from a backup server that served.
        </EmptyState>
      )}
      {outages.data && outages.data.length > 0 && (
        <Panel>
          <div className="overflow-x-auto px-5 py-3">
            <table className="w-full text-sm" data-testid="outages">
              <TableHead
                columns={[
                  { label: "Backup served from" },
                  { label: "For" },
                  { label: "Backup events", numeric: true },
                  { label: "Changed on main", numeric: true },
                  { label: "Reconciled", numeric: true },
                  { label: "" },
                ]}
              />
              <tbody className="divide-y divide-slate-800 tabular-nums">
                {outages.data.map((o) => (
                  <tr key={o.id}>
                    <td className="py-2 pr-4 text-slate-200">{formatDateTime(o.firstServedAt)}</td>
                    <td className="py-2 pr-4">{formatSpan(o.firstServedAt, o.handedBackAt)}</td>
                    <td className="py-2 pr-4 text-right">{formatCount(o.backupEvents)}</td>
                    <td className="py-2 pr-4 text-right">{formatCount(o.changedOnMain)}</td>
                    <td className={o.reconciled > 0 ? "py-2 pr-4 text-right text-amber-300" : "py-2 pr-4 text-right"}>
                      {formatCount(o.reconciled)}
                    </td>
                    <td className="py-2 text-right">
                      <Link href={`/outages/${o.id}`} className="text-sky-300 underline">
                        Report
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
    </>
  );
}
