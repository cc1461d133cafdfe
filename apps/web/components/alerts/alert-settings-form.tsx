"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo, type ReactNode } from "react";
import { toast } from "sonner";
import { z } from "zod";
import { useAccount } from "@/components/shell/account-context";
import { Button } from "@/components/ui/button";
import { CheckboxField, TextField } from "@/components/ui/field";
import { SettingsSection, useSettingsForm } from "@/components/settings/settings-form";
import { refusalOf } from "@/lib/errors";
import { wholeNumber } from "@/lib/forms";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";

type AlertConfig = RouterOutputs["admin"]["alerts"]["config"];
type Channel = "webhook" | "syslog" | "email";

const optionalText = (text: string) => (text.trim() === "" ? undefined : text.trim());

/** The form's text fields as the server's input; empty secrets (and an empty webhook URL) keep the stored ones. */
function formSchema(range: { min: number; max: number }) {
  return z
    .object({
      pendingAfterMinutes: wholeNumber(range),
      webhookOn: z.boolean(),
      webhookUrl: z.string(),
      webhookFormat: z.enum(["json", "slack"]),
      webhookSecret: z.string(),
      webhookSecretClear: z.boolean(),
      syslogOn: z.boolean(),
      syslogHost: z.string(),
      syslogPort: z.string(),
      syslogTransport: z.enum(["udp", "tcp"]),
      emailOn: z.boolean(),
      emailHost: z.string(),
      emailPort: z.string(),
      emailSecure: z.boolean(),
      emailRequireTls: z.boolean(),
      emailFrom: z.string(),
      emailTo: z.string(),
      emailUser: z.string(),
      emailPassword: z.string(),
    })
    .transform((v) => ({
      pendingAfterMinutes: v.pendingAfterMinutes,
      webhook: v.webhookOn
        ? {
            url: optionalText(v.webhookUrl),
            format: v.webhookFormat,
            secret: v.webhookSecretClear ? null : optionalText(v.webhookSecret),
          }
        : null,
      syslog: v.syslogOn
        ? { host: v.syslogHost.trim(), port: Number(v.syslogPort), transport: v.syslogTransport }
        : null,
      email: v.emailOn
        ? {
            host: v.emailHost.trim(),
            port: Number(v.emailPort),
            secure: v.emailSecure,
            requireTls: v.emailRequireTls,
            from: v.emailFrom.trim(),
            to: v.emailTo
              .split(",")
              .map((a) => a.trim())
              .filter(Boolean),
            user: optionalText(v.emailUser) ?? null,
            password: optionalText(v.emailPassword),
          }
        : null,
    }));
}

function defaults(config: AlertConfig) {
  return {
    pendingAfterMinutes: String(config.pendingAfterMinutes),
    webhookOn: config.webhook !== null,
    // Write-only, like the secrets: the server shows only the saved URL's origin.
    webhookUrl: "",
    webhookFormat: config.webhook?.format ?? ("json" as const),
    webhookSecret: "",
    webhookSecretClear: false,
    syslogOn: config.syslog !== null,
    syslogHost: config.syslog?.host ?? "",
    syslogPort: String(config.syslog?.port ?? 514),
    syslogTransport: config.syslog?.transport ?? ("udp" as const),
    emailOn: config.email !== null,
    emailHost: config.email?.host ?? "",
    emailPort: String(config.email?.port ?? 587),
    emailSecure: config.email?.secure ?? false,
    emailRequireTls: config.email?.requireTls ?? true,
    emailFrom: config.email?.from ?? "",
    emailTo: config.email?.to.join(", ") ?? "",
    emailUser: config.email?.user ?? "",
    emailPassword: "",
  };
}

/** Alert rules and the three delivery channels (webhook, syslog, e-mail), each with a test button. */
export function AlertSettingsForm({ config }: { config: AlertConfig }) {
  const trpc = useTRPC();
  const save = useMutation(trpc.admin.alerts.setConfig.mutationOptions());
  const schema = useMemo(() => formSchema(config.pendingAfterMinutesRange), [config.pendingAfterMinutesRange]);
  const { form, submit } = useSettingsForm({
    schema,
    defaults: defaults(config),
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
        {on[0] && (
          <div className="grid gap-3 md:grid-cols-2">
            <TextField
              label="URL"
              autoComplete="off"
              placeholder={config.webhook ? `${config.webhook.origin}/…` : "https://hooks.example.net/sls"}
              hint={
                config.webhook
                  ? `Saved: ${config.webhook.origin}/… (the rest stays hidden, it may be a key). Leave empty to keep it; type a full URL to replace it.`
                  : "The full URL; once saved, only its host is shown again."
              }
              {...form.register("webhookUrl")}
            />
            <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-200">
              Format
              <select
                className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100"
                {...form.register("webhookFormat")}
              >
                <option value="json">Generic JSON</option>
                <option value="slack">Slack-compatible</option>
              </select>
            </label>
            <TextField
              label="Signing key"
              type="password"
              autoComplete="off"
              hint={config.webhook?.secretSet ? "Set. Leave empty to keep it." : "Optional, 16–256 characters."}
              {...form.register("webhookSecret")}
            />
            {config.webhook?.secretSet && (
              <CheckboxField label="Remove the signing key" {...form.register("webhookSecretClear")} />
            )}
          </div>
        )}
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
        {on[1] && (
          <div className="grid gap-3 md:grid-cols-3">
            <TextField label="Collector host" placeholder="syslog.example.net" {...form.register("syslogHost")} />
            <TextField label="Port" type="number" inputMode="numeric" {...form.register("syslogPort")} />
            <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-200">
              Transport
              <select
                className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100"
                {...form.register("syslogTransport")}
              >
                <option value="udp">UDP</option>
                <option value="tcp">TCP (octet counting)</option>
              </select>
            </label>
          </div>
        )}
      </ChannelFieldset>

      <ChannelFieldset
        channel="email"
        saved={config.email !== null}
        toggle={<CheckboxField label="E-mail" hint="Sent through your SMTP server." {...form.register("emailOn")} />}
      >
        {on[2] && (
          <div className="grid gap-3 md:grid-cols-2">
            <TextField label="SMTP host" placeholder="smtp.example.net" {...form.register("emailHost")} />
            <TextField label="Port" type="number" inputMode="numeric" {...form.register("emailPort")} />
            <CheckboxField
              label="TLS from the start (port 465)"
              hint="Otherwise the connection is upgraded with STARTTLS."
              {...form.register("emailSecure")}
            />
            <CheckboxField
              label="Require STARTTLS"
              hint="Refuse to send when the server does not upgrade to TLS (an attacker on the path could strip it). Switch off only for a relay on a trusted network."
              {...form.register("emailRequireTls")}
            />
            <TextField label="From" placeholder="sls@example.net" {...form.register("emailFrom")} />
            <TextField
              label="To"
              placeholder="noc@example.net, oncall@example.net"
              hint="Comma-separated, up to 20."
              {...form.register("emailTo")}
            />
            <TextField
              label="User"
              autoComplete="off"
              hint="Leave empty when the server needs no sign-in."
              {...form.register("emailUser")}
            />
            <TextField
              label="Password"
              type="password"
              autoComplete="off"
              hint={config.email?.passwordSet ? "Set. Leave empty to keep it." : undefined}
              {...form.register("emailPassword")}
            />
          </div>
        )}
      </ChannelFieldset>
    </SettingsSection>
  );
}

/** One channel: its on/off switch with its test button, and its fields when on. */
function ChannelFieldset({
  channel,
  saved,
  toggle,
  children,
}: {
  channel: Channel;
  saved: boolean;
  toggle: ReactNode;
  children: ReactNode;
}) {
  return (
    <fieldset
      className="flex flex-col gap-3 rounded-lg border border-slate-800 p-4"
      data-testid={`alert-channel-${channel}`}
    >
      <div className="flex items-center justify-between gap-3">
        {toggle}
        <TestButton channel={channel} saved={saved} />
      </div>
      {children}
    </fieldset>
  );
}

function TestButton({ channel, saved }: { channel: Channel; saved: boolean }) {
  const trpc = useTRPC();
  const account = useAccount();
  const test = useMutation(trpc.admin.alerts.sendTest.mutationOptions());
  const send = async () => {
    try {
      const delivery = await test.mutateAsync({ channel });
      if (delivery.status === "delivered") toast.success(`Test alert delivered to the ${channel} channel.`);
      else
        toast.error(
          `Test alert not delivered: ${delivery.lastError ?? "unknown error"}. It is retried; see the Alerts page.`,
        );
    } catch (error) {
      toast.error(refusalOf(error).message);
    }
  };
  return (
    <Button
      size="sm"
      onClick={() => void send()}
      busy={test.isPending}
      disabled={!saved || !account.canChange}
      title={saved ? undefined : "Save the channel first"}
    >
      Send a test
    </Button>
  );
}
