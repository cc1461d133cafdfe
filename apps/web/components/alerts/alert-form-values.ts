import { z } from "zod";
import { wholeNumber } from "@/lib/forms";
import type { RouterOutputs } from "@/lib/trpc";

export type AlertConfig = RouterOutputs["admin"]["alerts"]["config"];

const optionalText = (text: string) => (text.trim() === "" ? undefined : text.trim());

/** The form's text fields as the server's input; empty secrets (and an empty webhook URL) keep the stored ones. */
export function alertFormSchema(
  range: { min: number; max: number },
  forecastRange: { min: number; max: number } = { min: 1, max: 365 },
) {
  return z
    .object({
      pendingAfterMinutes: wholeNumber(range),
      forecastDays: wholeNumber(forecastRange),
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
      forecastDays: v.forecastDays,
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

export function alertFormDefaults(config: AlertConfig) {
  return {
    pendingAfterMinutes: String(config.pendingAfterMinutes),
    forecastDays: String(config.forecastDays),
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

export type AlertFormValues = z.input<ReturnType<typeof alertFormSchema>>;
