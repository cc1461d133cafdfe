"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { Badge, type Tone } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { ScrollRegion } from "@/components/ui/scroll-region";

type AlertItem = RouterOutputs["admin"]["alerts"]["list"][number];
type Delivery = AlertItem["deliveries"][number];

const TITLES: Record<AlertItem["kind"], string> = {
  utilisation: "Utilisation at the threshold",
  "pending-unmet": "Pending demand unmet",
  reclaim: "Participants reclaimed",
  "backup-takeover": "Backup took over",
  "backup-15-days": "Backup active 15 days",
  "backup-limit": "Backup at its limit",
  "handback-done": "Hand-back done",
  "handback-failed": "Hand-back failed",
  "backup-link-refused": "Backup link refused",
  test: "Test",
  "capacity-forecast": "Capacity forecast",
  "participant-late": "Participants late",
  "participant-silent": "Participants silent",
  "participant-recovered": "Participants back",
};

const SEVERITY_TONE: Record<AlertItem["severity"], Tone> = { info: "info", warning: "warn", critical: "bad" };
const DELIVERY_TONE: Record<Delivery["status"], Tone> = { delivered: "good", pending: "warn", failed: "bad" };

/** The latest alerts and where each went: delivered, waiting for a retry, or given up. */
export function AlertsPage() {
  const trpc = useTRPC();
  const alerts = useQuery({ ...trpc.admin.alerts.list.queryOptions(), refetchInterval: 10_000 });
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Raised by the server and delivered to the channels set on the Settings page; failed deliveries are retried with back-off."
      />
      {alerts.isError && <ErrorState error={alerts.error} what="the alerts" onRetry={() => void alerts.refetch()} />}
      {alerts.isPending && <Loading label="Loading the alerts" className="h-96" />}
      {alerts.data && alerts.data.length === 0 && (
        <EmptyState title="No alerts yet">Alerts appear here as soon as one is raised or a test is sent.</EmptyState>
      )}
      {alerts.data && alerts.data.length > 0 && (
        <Panel>
          <ScrollRegion label="Alerts" className="px-5 py-3">
            <table className="w-full text-sm" data-testid="alerts-table">
              <TableHead
                columns={[{ label: "Raised" }, { label: "Alert" }, { label: "Message" }, { label: "Deliveries" }]}
              />
              <tbody className="divide-y divide-slate-800">
                {alerts.data.map((alert) => (
                  <tr key={alert.id} data-kind={alert.kind} className="align-top">
                    <td className="whitespace-nowrap py-2.5 pr-4 text-slate-400">{formatDateTime(alert.raisedAt)}</td>
                    <td className="whitespace-nowrap py-2.5 pr-4">
                      <div className="flex items-center gap-2">
                        <Badge tone={SEVERITY_TONE[alert.severity]}>{alert.severity}</Badge>
                        <span className="text-slate-200">{TITLES[alert.kind]}</span>
                      </div>
                    </td>
                    <td className="py-2.5 pr-4 text-slate-300">
                      {alert.message}
                      {alert.outageId && (
                        <>
                          {" "}
                          <Link href={`/outages/${alert.outageId}`} className="text-sky-300 underline">
                            Outage report
                          </Link>
                        </>
                      )}
                    </td>
                    <td className="py-2.5">
                      {alert.deliveries.length === 0 ? (
                        <span className="text-xs text-slate-500">no channel configured</span>
                      ) : (
                        <ul className="flex flex-col gap-1">
                          {alert.deliveries.map((d) => (
                            <li
                              key={d.id}
                              className="flex flex-wrap items-center gap-2 text-xs"
                              title={d.lastError ?? undefined}
                            >
                              <span className="w-14 text-slate-400">{d.channel}</span>
                              <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
                              <span className="text-slate-500">
                                {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                                {d.status === "pending" && d.nextAttemptAt
                                  ? `, next ${formatDateTime(d.nextAttemptAt)}`
                                  : ""}
                              </span>
                              {d.lastError && d.status !== "delivered" && (
                                <span className="basis-full text-red-300">{d.lastError}</span>
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </Panel>
      )}
    </>
  );
}
