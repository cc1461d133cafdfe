"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { Panel } from "@/components/ui/panel";
import { ErrorState, Loading } from "@/components/ui/states";
import { useTRPC } from "@/lib/trpc";
import { BackupStatus } from "./backup-status";
import { CountersTable } from "./counters-table";
import { GroupFigures } from "./group-figures";
import { LateParticipants } from "./late-participants";
import { ParticipantStates } from "./participant-states";
import { PoolFigures } from "./pool-figures";
import { SecretLengthWarning } from "./secret-length-warning";
import { SsoUnreachableWarning } from "@/components/sso/sso-panel";
import { UsageChartPanel } from "./usage-chart-panel";
import { UtilisationBar } from "./utilisation-bar";

const OVERVIEW_REFRESH_MS = 3_000;

export function OverviewPage() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.admin.overview.get.queryOptions(), refetchInterval: OVERVIEW_REFRESH_MS });
  const data = overview.data;

  return (
    <>
      <PageHeader
        title="Overview"
        description={
          <span className="inline-flex items-center gap-2">
            <span aria-hidden className="size-2 animate-pulse rounded-full bg-emerald-400" />
            Live: updates every {OVERVIEW_REFRESH_MS / 1000} s
          </span>
        }
      />
      {overview.isError && !data && (
        <ErrorState error={overview.error} what="the overview" onRetry={() => void overview.refetch()} />
      )}
      {!data && !overview.isError && <Loading label="Loading the overview" className="h-72" />}
      {data && (
        <div className="flex flex-col gap-6">
          {!data.configured && (
            <p
              role="status"
              className="rounded-lg border border-amber-800 bg-amber-950/60 px-4 py-3 text-sm text-amber-200"
            >
              No shared secret is set, so appliances cannot register.{" "}
              <Link className="underline" href="/settings">
                Set one in Settings
              </Link>
              .
            </p>
          )}
          <SsoUnreachableWarning />
          {(data.secretLength === "short" || data.secretLength === "unknown") && (
            <SecretLengthWarning known={data.secretLength === "short"} />
          )}
          {data.configured && !data.enabled && (
            <p
              role="status"
              className="rounded-lg border border-amber-800 bg-amber-950/60 px-4 py-3 text-sm text-amber-200"
            >
              The server is disabled: no registrations or new grants until it is enabled in{" "}
              <Link className="underline" href="/settings">
                Settings
              </Link>
              .
            </p>
          )}
          <PoolFigures pool={data.pool} />
          <UtilisationBar
            utilisationPct={data.pool.utilisationPct}
            thresholdPct={data.pool.alertThresholdPct}
            granted={data.pool.granted}
            poolSize={data.pool.poolSize}
          />
          {data.groups.length > 0 && <GroupFigures groups={data.groups} />}
          <UsageChartPanel />
          <div className="grid gap-6 lg:grid-cols-2">
            <ParticipantStates participants={data.participants} approvalRequired={data.approvalRequired} />
            <LateParticipants participants={data.participants} late={data.lateParticipants} />
            <BackupStatus backup={data.backup} />
          </div>
          <Panel
            title="Message counters"
            description={`Since each server process started counting; ${data.servers.length || "no"} server process${data.servers.length === 1 ? "" : "es"} reporting.`}
            labelledBy="counters-title"
          >
            <CountersTable counters={data.counters} />
            <p className="mt-3 text-sm text-slate-400" data-testid="shed-last-minute">
              Calls refused as overloaded (<code>OVERLOADED</code>) in the last minute on this server process:{" "}
              <span className="font-semibold tabular-nums text-slate-200">
                {data.shedLastMinute.toLocaleString("en-US")}
              </span>
            </p>
          </Panel>
          {overview.isError && <ErrorState error={overview.error} what="fresh figures (showing the last ones)" />}
        </div>
      )}
    </>
  );
}
