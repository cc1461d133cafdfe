import type { UseFormRegister } from "react-hook-form";
import { CheckboxField, TextField } from "@/components/ui/field";
import type { AlertConfig, AlertFormValues } from "@/components/alerts/alert-form-values";

interface FieldsProps {
  register: UseFormRegister<AlertFormValues>;
  config: AlertConfig;
}

/** The webhook's URL, format and signing key. */
export function WebhookFields({ register, config }: FieldsProps) {
  return (
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
        {...register("webhookUrl")}
      />
      <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-200">
        Format
        <select
          className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100"
          {...register("webhookFormat")}
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
        {...register("webhookSecret")}
      />
      {config.webhook?.secretSet && (
        <CheckboxField label="Remove the signing key" {...register("webhookSecretClear")} />
      )}
    </div>
  );
}

/** The syslog collector's address and transport. */
export function SyslogFields({ register }: Omit<FieldsProps, "config">) {
  return (
    <div className="grid gap-3 md:grid-cols-3">
      <TextField label="Collector host" placeholder="syslog.example.net" {...register("syslogHost")} />
      <TextField label="Port" type="number" inputMode="numeric" {...register("syslogPort")} />
      <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-200">
        Transport
        <select
          className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100"
          {...register("syslogTransport")}
        >
          <option value="udp">UDP</option>
          <option value="tcp">TCP (octet counting)</option>
        </select>
      </label>
    </div>
  );
}

/** The SMTP server, sender, recipients and sign-in. */
export function EmailFields({ register, config }: FieldsProps) {
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <TextField label="SMTP host" placeholder="smtp.example.net" {...register("emailHost")} />
      <TextField label="Port" type="number" inputMode="numeric" {...register("emailPort")} />
      <CheckboxField
        label="TLS from the start (port 465)"
        hint="Otherwise the connection is upgraded with STARTTLS."
        {...register("emailSecure")}
      />
      <CheckboxField
        label="Require STARTTLS"
        hint="Refuse to send when the server does not upgrade to TLS (an attacker on the path could strip it). Switch off only for a relay on a trusted network."
        {...register("emailRequireTls")}
      />
      <TextField label="From" placeholder="sls@example.net" {...register("emailFrom")} />
      <TextField
        label="To"
        placeholder="noc@example.net, oncall@example.net"
        hint="Comma-separated, up to 20."
        {...register("emailTo")}
      />
      <TextField
        label="User"
        autoComplete="off"
        hint="Leave empty when the server needs no sign-in."
        {...register("emailUser")}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="off"
        hint={config.email?.passwordSet ? "Set. Leave empty to keep it." : undefined}
        {...register("emailPassword")}
      />
    </div>
  );
}
