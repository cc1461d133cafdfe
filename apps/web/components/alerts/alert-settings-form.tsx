"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { CheckboxField, TextField } from "@/components/ui/field";
import { SettingsSection, useSettingsForm } from "@/components/settings/settings-form";
import { useTRPC } from "@/lib/trpc";
import { alertFormDefaults, alertFormSchema, type AlertConfig } from "@/components/alerts/alert-form-values";
import { EmailFields, SyslogFields, WebhookFields } from "@/components/alerts/channel-fields";
import { ChannelFieldset } from "@/components/alerts/channel-fieldset";

/** Alert rules and the three delivery channels (webhook, syslog, e-mail), each with a test button. */
export function AlertSettingsForm({ config }: { config: AlertConfig }) {
  const trpc = useTRPC();
  const save = useMutation(trpc.admin.alerts.setConfig.mutationOptions());
  const schema = useMemo(
    () => alertFormSchema(config.pendingAfterMinutesRange, config.forecastDaysRange),
    [config.pendingAfterMinutesRange, config.forecastDaysRange],
  );
  const { form, submit } = useSettingsForm({
    schema,
    defaults: alertFormDefaults(config),
    save: (values) => save.mutateAsync(values),
    field: "pendingAfterMinutes",
    saved: (v) =>
      `Alerts saved: ${[v.webhook && "webhook", v.syslog && "syslog", v.email && "e-mail"].filter(Boolean).join(", ") || "no channel"}.`,
    keepValues: false,
  });
  const on = form.watch(["webhookOn", "syslogOn", "emailOn"]);
  const errors = form.formState.errors;

  return (
    <SettingsSection
      id="alerts"
      title="Alerts"
      description="Where alerts go: utilisation at the threshold, pending demand left unmet, reclaims, the backup server's takeover and limits, hand-back."
      form={form}
      submit={submit}
    >
      <TextField
        label="Pending demand alert after"
        type="number"
        inputMode="numeric"
        unit="minutes"
        hint="Alert when sessions have been pending without a break for this long."
        error={errors.pendingAfterMinutes?.message}
        className="max-w-xs"
        {...form.register("pendingAfterMinutes")}
      />
      <TextField
        label="Capacity forecast alert below"
        type="number"
        inputMode="numeric"
        unit="days"
        hint="Alert when the 30-day trend of daily peak demand reaches the pool size in fewer days than this."
        error={errors.forecastDays?.message}
        className="max-w-xs"
        {...form.register("forecastDays")}
      />

      <ChannelFieldset
        channel="webhook"
        saved={config.webhook !== null}
        toggle={
          <CheckboxField
            label="Webhook"
            hint="POST of a JSON body (or Slack's incoming-webhook format), signed with HMAC-SHA256 in X-SLS-Signature."
            {...form.register("webhookOn")}
          />
        }
      >
        {on[0] && <WebhookFields register={form.register} config={config} />}
      </ChannelFieldset>

      <ChannelFieldset
        channel="syslog"
        saved={config.syslog !== null}
        toggle={
          <CheckboxField
            label="Syslog"
            hint="RFC 5424 messages (facility local0) to a collector, over UDP or TCP."
            {...form.register("syslogOn")}
          />
        }
      >
        {on[1] && <SyslogFields register={form.register} />}
      </ChannelFieldset>

      <ChannelFieldset
        channel="email"
        saved={config.email !== null}
        toggle={<CheckboxField label="E-mail" hint="Sent through your SMTP server." {...form.register("emailOn")} />}
      >
        {on[2] && <EmailFields register={form.register} config={config} />}
      </ChannelFieldset>
    </SettingsSection>
  );
}
