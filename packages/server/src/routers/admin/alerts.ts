import { z } from "zod";
import { CHANNELS, PENDING_AFTER_MINUTES, ZAlertConfigInput, ZSyslogChannel } from "../../alerts/alert-config.ts";
import { ALERT_KINDS } from "../../alerts/alert-kinds.ts";
import {
  publicConfig,
  readAlertConfig,
  recentAlerts,
  saveAlertConfig,
  sendTestAlert,
} from "../../alerts/alert-service.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";
import { iso, ZOk } from "./schemas.ts";

export const ZAlertConfigView = z.object({
  pendingAfterMinutes: z.number().int(),
  pendingAfterMinutesRange: z.object({ min: z.number(), max: z.number() }),
  webhook: z.object({ url: z.string(), format: z.enum(["json", "slack"]), secretSet: z.boolean() }).nullable(),
  syslog: ZSyslogChannel.nullable(),
  email: z
    .object({
      host: z.string(),
      port: z.number(),
      secure: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
      user: z.string().nullable(),
      passwordSet: z.boolean(),
    })
    .nullable(),
});

export const ZDelivery = z.object({
  id: z.string(),
  channel: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

export const ZAlertItem = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(["info", "warning", "critical"]),
  message: z.string(),
  raisedAt: z.string(),
  deliveries: z.array(ZDelivery),
});
export type TAlertItem = z.infer<typeof ZAlertItem>;

const toDelivery = (d: {
  id: string;
  channel: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}) => ({
  id: d.id,
  channel: d.channel,
  status: d.status,
  attempts: d.attempts,
  lastError: d.lastError,
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
});

export const alertsRouter = router({
  config: viewerProcedure.output(ZAlertConfigView).query(async ({ ctx }) => ({
    ...publicConfig(await readAlertConfig(ctx.services)),
    pendingAfterMinutesRange: PENDING_AFTER_MINUTES,
  })),

  setConfig: adminProcedure
    .input(ZAlertConfigInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await saveAlertConfig(ctx.services, ctx.account, input);
      return { ok: true as const };
    }),

  sendTest: adminProcedure
    .input(z.object({ channel: z.enum(CHANNELS) }))
    .output(ZDelivery)
    .mutation(async ({ ctx, input }) => toDelivery(await sendTestAlert(ctx.services, ctx.account, input.channel))),

  list: viewerProcedure.output(z.array(ZAlertItem)).query(async ({ ctx }) =>
    (await recentAlerts(ctx.services)).map((a) => ({
      id: a.id,
      kind: a.kind as TAlertItem["kind"],
      severity: a.severity,
      message: a.message,
      raisedAt: a.raisedAt.toISOString(),
      deliveries: a.deliveries.map(toDelivery),
    })),
  ),
});
