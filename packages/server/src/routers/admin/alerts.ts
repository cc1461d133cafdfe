import type { Store } from "@sls/db";
import { FORECAST_DAYS, PENDING_AFTER_MINUTES, ZAlertConfigInput } from "../../alerts/alert-config.ts";
import {
  publicConfig,
  readAlertConfig,
  recentAlerts,
  saveAlertConfig,
  sendTestAlert,
} from "../../alerts/alert-service.ts";
import {
  type TAlertItem,
  ZAlertConfigView,
  ZAlertList,
  ZDelivery,
  ZSendTestInput,
} from "../../contracts/admin/alerts.ts";
import { ZOk } from "../../contracts/fields.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";
import { redactUrls } from "../../alerts/redact.ts";
import { iso } from "../dto.ts";

type DeliveryRow = Awaited<ReturnType<Store["alerts"]["recent"]>>[number]["deliveries"][number];

const toDelivery = (d: DeliveryRow) => ({
  id: d.id,
  channel: d.channel,
  status: d.status,
  attempts: d.attempts,
  // Rows stored before webhook URLs were cut to their origin may still hold one.
  lastError: d.lastError === null ? null : redactUrls(d.lastError),
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
});

export const alertsRouter = router({
  config: viewerProcedure.output(ZAlertConfigView).query(async ({ ctx }) => ({
    ...publicConfig(await readAlertConfig(ctx.services)),
    pendingAfterMinutesRange: PENDING_AFTER_MINUTES,
    forecastDaysRange: { min: FORECAST_DAYS.min, max: FORECAST_DAYS.max },
  })),

  setConfig: adminProcedure
    .input(ZAlertConfigInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await saveAlertConfig(ctx.services, ctx.account, input);
      return { ok: true as const };
    }),

  sendTest: adminProcedure
    .input(ZSendTestInput)
    .output(ZDelivery)
    .mutation(async ({ ctx, input }) => toDelivery(await sendTestAlert(ctx.services, ctx.account, input.channel))),

  list: viewerProcedure.output(ZAlertList).query(async ({ ctx }) =>
    (await recentAlerts(ctx.services)).map((a) => ({
      id: a.id,
      kind: a.kind as TAlertItem["kind"],
      severity: a.severity,
      message: a.message,
      raisedAt: a.raisedAt.toISOString(),
      deliveries: a.deliveries.map(toDelivery),
      outageId: outageIdOf(a.detail),
    })),
  ),
});

/** A hand-back alert names the outage report it announces (alerts/detect.ts). */
function outageIdOf(detail: Record<string, unknown> | null): string | null {
  return typeof detail?.outageId === "string" ? detail.outageId : null;
}
