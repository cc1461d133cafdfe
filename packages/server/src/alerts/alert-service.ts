import { MINUTE_MS } from "@sls/allocator";
import type { AccountRow } from "@sls/db";
import { SlsError } from "../errors.ts";
import { adminActor } from "../services/admin/events.ts";
import type { Services } from "../services/context.ts";
import {
  configuredChannels,
  mergeConfig,
  parseStoredConfig,
  type AlertConfig,
  type ChannelName,
  type TAlertConfigInput,
} from "./alert-config.ts";
import type { Alert } from "./alert-kinds.ts";
import { attemptDelivery, type DeliveryServices } from "./deliver.ts";
import { LocalDestinationError, resolveDestination } from "./destinations.ts";
import { urlOrigin } from "./redact.ts";

const RECENT_ALERTS = 200;

export async function readAlertConfig(services: Pick<Services, "store">): Promise<AlertConfig> {
  return parseStoredConfig(await services.store.alerts.readConfig());
}

/** The configuration as the console may see it: secrets only as "set", the webhook URL as its origin. */
export function publicConfig(config: AlertConfig) {
  return {
    pendingAfterMinutes: config.pendingAfterMinutes,
    webhook: config.webhook
      ? {
          origin: urlOrigin(config.webhook.url),
          format: config.webhook.format,
          secretSet: config.webhook.secret !== null,
        }
      : null,
    syslog: config.syslog,
    email: config.email
      ? {
          host: config.email.host,
          port: config.email.port,
          secure: config.email.secure,
          requireTls: config.email.requireTls,
          from: config.email.from,
          to: config.email.to,
          user: config.email.user,
          passwordSet: config.email.password !== null,
        }
      : null,
    forecastDays: config.forecastDays,
  };
}

/**
 * Saves the rules and channels with an `admin.alerts` audit row (which channels, never a secret
 * nor the webhook URL's path). Refused when a channel points at a local address (see
 * destinations.ts); checked again at each delivery, since DNS answers change.
 */
export async function saveAlertConfig(
  services: Pick<Services, "store" | "now" | "allowLocalAlertDestinations">,
  by: Pick<AccountRow, "name">,
  input: TAlertConfigInput,
): Promise<void> {
  const merged = mergeConfig(await readAlertConfig(services), input);
  if (!merged) throw new SlsError("INVALID_INPUT", "webhook.url: enter the webhook's URL (none is stored yet).");
  await refuseLocalDestinations(merged, services.allowLocalAlertDestinations);
  const at = new Date(services.now());
  await services.store.alerts.writeConfig(
    {
      pendingAfterMinutes: merged.pendingAfterMinutes,
      webhook: merged.webhook ? JSON.stringify(merged.webhook) : null,
      syslog: merged.syslog ? JSON.stringify(merged.syslog) : null,
      email: merged.email ? JSON.stringify(merged.email) : null,
      forecastDays: merged.forecastDays,
    },
    at,
    {
      at,
      type: "admin.alerts",
      actor: adminActor(by),
      detail: {
        pendingAfterMinutes: merged.pendingAfterMinutes,
        forecastDays: merged.forecastDays,
        channels: configuredChannels(merged),
        webhook: merged.webhook
          ? {
              origin: urlOrigin(merged.webhook.url),
              format: merged.webhook.format,
              signed: merged.webhook.secret !== null,
            }
          : null,
        syslog: merged.syslog,
        email: merged.email ? { host: merged.email.host, port: merged.email.port, to: merged.email.to } : null,
      },
    },
  );
}

/**
 * INVALID_INPUT naming the field when a channel's host is (or resolves to) a local address. A host
 * that does not resolve now is accepted: the delivery says so, and DNS may be down only for now.
 */
async function refuseLocalDestinations(config: AlertConfig, allowLocal: boolean): Promise<void> {
  if (allowLocal) return;
  const hosts: Array<[string, string]> = [];
  if (config.webhook) hosts.push(["webhook.url", new URL(config.webhook.url).hostname]);
  if (config.syslog) hosts.push(["syslog.host", config.syslog.host]);
  if (config.email) hosts.push(["email.host", config.email.host]);
  for (const [field, host] of hosts) {
    try {
      await resolveDestination(host, false);
    } catch (error) {
      if (error instanceof LocalDestinationError) throw new SlsError("INVALID_INPUT", `${field}: ${error.message}.`);
    }
  }
}

/** Longer than any channel's send takes; past it, a test this process did not finish is the engine's to send. */
const TEST_SEND_HOLD_MS = MINUTE_MS;

/** Sends a test alert to one saved channel now and records it like any other; returns the delivery. */
export async function sendTestAlert(services: DeliveryServices, by: Pick<AccountRow, "name">, channel: ChannelName) {
  const config = await readAlertConfig(services);
  if (!config[channel])
    throw new SlsError("INVALID_INPUT", `The ${channel} channel is not configured; save it first, then send a test.`);
  const alert: Alert = {
    kind: "test",
    severity: "info",
    message: `Test alert sent by ${by.name} from the console: the ${channel} channel works.`,
    detail: { requestedBy: by.name, channel },
    raisedAt: new Date(services.now()),
  };
  // Held from the engine's delivery pass while it is sent here, which would otherwise send it twice.
  const heldUntil = new Date(services.now() + TEST_SEND_HOLD_MS);
  const { deliveries } = await services.store.alerts.raise(alert, [channel], heldUntil);
  return attemptDelivery(services, config, deliveries[0]!, alert);
}

export function recentAlerts(services: Pick<Services, "store">) {
  return services.store.alerts.recent(RECENT_ALERTS);
}
