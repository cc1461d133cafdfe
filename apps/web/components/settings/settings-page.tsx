"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { PageHeader } from "@/components/shell/page-header";
import { ErrorState, Loading } from "@/components/ui/states";
import { formatCount } from "@/lib/format";
import { useRules } from "@/lib/use-rules";
import { useTRPC } from "@/lib/trpc";
import { AlertSettingsForm } from "@/components/alerts/alert-settings-form";
import { BackupForm } from "./backup-form";
import { NumberSettingForm } from "./number-setting-form";
import { OperationForm } from "./operation-form";
import { SecretForm } from "./secret-form";
import { SsoPanel } from "@/components/sso/sso-panel";

export function SettingsPage() {
  const trpc = useTRPC();
  const rules = useRules();
  const settings = useQuery(trpc.admin.settings.get.queryOptions());
  const alerts = useQuery(trpc.admin.alerts.config.queryOptions());
  const setRefresh = useMutation(trpc.admin.settings.setRefreshInterval.mutationOptions());
  const setPool = useMutation(trpc.admin.settings.setPoolSize.mutationOptions());
  const s = settings.data;

  return (
    <>
      <PageHeader
        title="Settings"
        description="Each change takes effect at once and is written to the audit history with your name."
      />
      {settings.isError && (
        <ErrorState error={settings.error} what="the settings" onRetry={() => void settings.refetch()} />
      )}
      {(!s || !rules) && !settings.isError && <Loading label="Loading the settings" className="h-96" />}
      {s && rules && (
        // Keyed by the stored values, so a saved change (here or elsewhere) resets each form to it.
        <div className="grid items-start gap-6 xl:grid-cols-2">
          <SecretForm
            key={`secret-${s.secretChangedAt}`}
            rules={rules}
            secretSet={s.secretSet}
            changedAt={s.secretChangedAt}
          />
          <NumberSettingForm
            key={`interval-${s.refreshIntervalSec}`}
            id="refresh-interval"
            title="Refresh interval"
            description="How often participants refresh; one silent for 3 intervals loses its grant."
            label="Refresh interval"
            unit="seconds"
            hint={`${rules.refreshIntervalSec.min}–${rules.refreshIntervalSec.max} seconds; participants learn a new value at their next call.`}
            value={s.refreshIntervalSec}
            bounds={rules.refreshIntervalSec}
            save={(refreshIntervalSec) => setRefresh.mutateAsync({ refreshIntervalSec })}
            saved={(value) => `Refresh interval set to ${value} s.`}
          />
          <NumberSettingForm
            key={`pool-${s.poolSize}`}
            id="pool-size"
            title="Pool size"
            description={`Shared sessions this server may hand out; ${formatCount(s.granted)} are granted now.`}
            label="Pool size"
            unit="sessions"
            hint={`${formatCount(rules.poolSize.min)}–${formatCount(rules.poolSize.max)}; not below the ${formatCount(s.granted)} granted. Growing it serves pending demand at once.`}
            value={s.poolSize}
            bounds={rules.poolSize}
            save={(poolSize) => setPool.mutateAsync({ poolSize })}
            saved={(value) => `Pool size set to ${formatCount(value)} sessions.`}
          />
          <OperationForm
            key={`operation-${s.enabled}-${s.approvalRequired}-${s.alertThresholdPct}`}
            rules={rules}
            enabled={s.enabled}
            approvalRequired={s.approvalRequired}
            alertThresholdPct={s.alertThresholdPct}
          />
          <div className="xl:col-span-2">
            <SsoPanel />
          </div>
          <div className="xl:col-span-2">
            <BackupForm key={`backup-${JSON.stringify(s.backup)}`} backup={s.backup} />
          </div>
          {alerts.data && (
            <div className="xl:col-span-2">
              <AlertSettingsForm key={`alerts-${JSON.stringify(alerts.data)}`} config={alerts.data} />
            </div>
          )}
        </div>
      )}
    </>
  );
}
