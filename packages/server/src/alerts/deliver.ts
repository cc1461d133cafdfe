import { MINUTE_MS } from "@sls/allocator";
import type { Store } from "@sls/db";
import type { Services } from "../services/context.ts";
import type { AlertConfig, ChannelName } from "./alert-config.ts";
import type { Alert } from "./alert-kinds.ts";
import { sendToChannel } from "./channels/index.ts";
import { redactUrls } from "./redact.ts";

export type DeliveryServices = Pick<Services, "store" | "now" | "log" | "serverId" | "allowLocalAlertDestinations">;

type Delivery = Awaited<ReturnType<Store["alerts"]["dueDeliveries"]>>[number]["delivery"];

/** Attempts per delivery before it is marked failed. */
export const MAX_ATTEMPTS = 6;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 15 * MINUTE_MS;
const DUE_BATCH = 50;

/** 10 s, 20 s, 40 s, … at most 15 min between attempts. */
function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/** Sends every delivery that is due, in parallel; each outcome is written back to its row. */
export async function deliverDue(services: DeliveryServices, config: AlertConfig): Promise<void> {
  const due = await services.store.alerts.dueDeliveries(new Date(services.now()), DUE_BATCH);
  await Promise.all(due.map(({ delivery, alert }) => attemptDelivery(services, config, delivery, alert as Alert)));
}

/** One attempt: delivered, or its error recorded and the next attempt scheduled (failed after MAX_ATTEMPTS). */
export async function attemptDelivery(
  services: DeliveryServices,
  config: AlertConfig,
  delivery: Delivery,
  alert: Alert,
): Promise<Delivery> {
  const attempts = delivery.attempts + 1;
  const now = services.now();
  try {
    await sendToChannel(delivery.channel as ChannelName, config, alert, {
      serverId: services.serverId,
      now,
      allowLocal: services.allowLocalAlertDestinations,
    });
    const done = {
      status: "delivered" as const,
      attempts,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: new Date(now),
    };
    await services.store.alerts.updateDelivery(delivery.id, done);
    return { ...delivery, ...done };
  } catch (error) {
    // Channel errors name the webhook by its origin already; this also cuts any URL a library put in.
    const lastError = redactUrls((error as Error).message).slice(0, 500);
    const giveUp = attempts >= MAX_ATTEMPTS;
    const next = {
      status: giveUp ? ("failed" as const) : ("pending" as const),
      attempts,
      lastError,
      nextAttemptAt: giveUp ? null : new Date(now + retryDelayMs(attempts)),
    };
    services.log.warn(giveUp ? "alert delivery failed; giving up" : "alert delivery failed; will retry", {
      alert: alert.kind,
      channel: delivery.channel,
      attempts,
      error: lastError,
    });
    await services.store.alerts.updateDelivery(delivery.id, next);
    return { ...delivery, ...next };
  }
}
