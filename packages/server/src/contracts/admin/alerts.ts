import { z } from "zod";
import { CHANNELS, ZSyslogChannel } from "../../alerts/alert-config.ts";
import { ALERT_KINDS } from "../../alerts/alert-kinds.ts";

// The input of admin.alerts.setConfig is the alerts module's own ZAlertConfigInput (alerts/alert-config.ts).

export const ZAlertConfigView = z.object({
  pendingAfterMinutes: z.number().int(),
  pendingAfterMinutesRange: z.object({ min: z.number(), max: z.number() }),
  /** The URL is write-only: only its origin (scheme, host, port) is shown, to administrators too. */
  webhook: z.object({ origin: z.string(), format: z.enum(["json", "slack"]), secretSet: z.boolean() }).nullable(),
  syslog: ZSyslogChannel.nullable(),
  email: z
    .object({
      host: z.string(),
      port: z.number(),
      secure: z.boolean(),
      requireTls: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
      user: z.string().nullable(),
      passwordSet: z.boolean(),
    })
    .nullable(),
  forecastDays: z.number().int(),
  forecastDaysRange: z.object({ min: z.number(), max: z.number() }),
});

export const ZSendTestInput = z.object({ channel: z.enum(CHANNELS) });

export const ZDelivery = z.object({
  id: z.string(),
  channel: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

const ZAlertItem = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(["info", "warning", "critical"]),
  message: z.string(),
  raisedAt: z.string(),
  deliveries: z.array(ZDelivery),
  /** The outage report a hand-back alert announces. */
  outageId: z.string().nullable(),
});
export type TAlertItem = z.infer<typeof ZAlertItem>;

export const ZAlertList = z.array(ZAlertItem);
