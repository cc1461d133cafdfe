import { z } from "zod";

const ZHost = z
  .string()
  .trim()
  .min(1, "is required")
  .max(253, "must be at most 253 characters")
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or IP address");
const ZPortNumber = z.number().int("must be a whole number").min(1, "must be 1–65535").max(65535, "must be 1–65535");
/** Write-only secrets: undefined keeps the stored value, null removes it. */
const ZSecretUpdate = z
  .string()
  .min(16, "must be at least 16 characters")
  .max(256, "must be at most 256 characters")
  .nullable()
  .optional();

const ZWebhookUrl = z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" });

const ZWebhookChannel = z.object({
  /** Often a credential (a Slack hook's path is its key): never shown or audited, only its origin. */
  url: ZWebhookUrl,
  format: z.enum(["json", "slack"]),
  /** HMAC-SHA256 key for the X-SLS-Signature header. */
  secret: z.string().min(16).max(256).nullable(),
});

export const ZSyslogChannel = z.object({
  host: ZHost,
  port: ZPortNumber,
  transport: z.enum(["udp", "tcp"]),
});

const ZEmailChannel = z.object({
  host: ZHost,
  port: ZPortNumber,
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS. */
  secure: z.boolean(),
  /**
   * Without `secure`: refuse to send unless the server upgrades to TLS with STARTTLS (else an
   * on-path attacker could strip the STARTTLS offer). Off only for a relay on a trusted network.
   */
  requireTls: z.boolean().default(true),
  from: z.email("must be an e-mail address"),
  to: z
    .array(z.email("must be an e-mail address"))
    .min(1, "needs at least one address")
    .max(20, "at most 20 addresses"),
  user: z.string().max(256).nullable(),
  password: z.string().max(256).nullable(),
});

export type TWebhookChannel = z.infer<typeof ZWebhookChannel>;
export type TSyslogChannel = z.infer<typeof ZSyslogChannel>;
export type TEmailChannel = z.infer<typeof ZEmailChannel>;

export const CHANNELS = ["webhook", "syslog", "email"] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const PENDING_AFTER_MINUTES = { min: 1, max: 1440 } as const;
/** The capacity forecast alerts when its trend reaches the pool in fewer days than this. */
export const FORECAST_DAYS = { min: 1, max: 365, default: 30 } as const;

export interface AlertConfig {
  pendingAfterMinutes: number;
  webhook: TWebhookChannel | null;
  syslog: TSyslogChannel | null;
  email: TEmailChannel | null;
  forecastDays: number;
}

/**
 * What an administrator sends; secrets are write-only (see ZSecretUpdate), and so is the webhook
 * URL: left out, the stored one is kept.
 */
export const ZAlertConfigInput = z.object({
  pendingAfterMinutes: z.number().int().min(PENDING_AFTER_MINUTES.min).max(PENDING_AFTER_MINUTES.max),
  webhook: ZWebhookChannel.omit({ secret: true })
    .extend({ url: ZWebhookUrl.optional(), secret: ZSecretUpdate })
    .nullable(),
  syslog: ZSyslogChannel.nullable(),
  email: ZEmailChannel.omit({ password: true })
    .extend({ password: z.string().min(1).max(256).nullable().optional() })
    .nullable(),
  /** Left out: the stored value is kept. */
  forecastDays: z
    .number()
    .int("must be a whole number of days")
    .min(FORECAST_DAYS.min, `must be ${FORECAST_DAYS.min}–${FORECAST_DAYS.max} days`)
    .max(FORECAST_DAYS.max, `must be ${FORECAST_DAYS.min}–${FORECAST_DAYS.max} days`)
    .optional(),
});
export type TAlertConfigInput = z.infer<typeof ZAlertConfigInput>;

const DEFAULT_ALERT_CONFIG: AlertConfig = {
  pendingAfterMinutes: 15,
  webhook: null,
  syslog: null,
  email: null,
  forecastDays: FORECAST_DAYS.default,
};

/** The stored row as checked objects; a channel whose JSON no longer parses is treated as off. */
export function parseStoredConfig(
  row: {
    pendingAfterMinutes: number;
    webhook: string | null;
    syslog: string | null;
    email: string | null;
    forecastDays: number;
  } | null,
): AlertConfig {
  if (!row) return DEFAULT_ALERT_CONFIG;
  const parse = <T>(schema: z.ZodType<T>, text: string | null): T | null => {
    if (!text) return null;
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  };
  return {
    pendingAfterMinutes: row.pendingAfterMinutes,
    webhook: parse(ZWebhookChannel, row.webhook),
    syslog: parse(ZSyslogChannel, row.syslog),
    email: parse(ZEmailChannel, row.email),
    forecastDays: row.forecastDays,
  };
}

/**
 * Applies an administrator's input to the stored configuration, keeping secrets and the webhook
 * URL not re-entered; null when the webhook is switched on without a URL and none is stored.
 */
export function mergeConfig(stored: AlertConfig, input: TAlertConfigInput): AlertConfig | null {
  const url = input.webhook ? (input.webhook.url ?? stored.webhook?.url) : undefined;
  if (input.webhook && !url) return null;
  return {
    pendingAfterMinutes: input.pendingAfterMinutes,
    webhook:
      input.webhook && url
        ? {
            url,
            format: input.webhook.format,
            secret: input.webhook.secret === undefined ? (stored.webhook?.secret ?? null) : input.webhook.secret,
          }
        : null,
    syslog: input.syslog,
    email: input.email
      ? {
          ...input.email,
          password: input.email.password === undefined ? (stored.email?.password ?? null) : input.email.password,
        }
      : null,
    forecastDays: input.forecastDays ?? stored.forecastDays,
  };
}

export function configuredChannels(config: AlertConfig): ChannelName[] {
  return CHANNELS.filter((channel) => config[channel] !== null);
}
