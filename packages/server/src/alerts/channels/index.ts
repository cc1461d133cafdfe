import type { AlertConfig, ChannelName } from "../alert-config.ts";
import type { Alert } from "../alert-kinds.ts";
import { ChannelError } from "./channel-error.ts";
import { sendEmail } from "./email.ts";
import { sendSyslog } from "./syslog.ts";
import { sendWebhook } from "./webhook.ts";

/** Sends one alert to one configured channel; throws a ChannelError saying what failed. */
export async function sendToChannel(
  channel: ChannelName,
  config: AlertConfig,
  alert: Alert,
  serverId: string,
  now: number,
): Promise<void> {
  switch (channel) {
    case "webhook":
      if (!config.webhook) throw new ChannelError("the webhook channel is not configured");
      return sendWebhook(config.webhook, alert, serverId, now);
    case "syslog":
      if (!config.syslog) throw new ChannelError("the syslog channel is not configured");
      return sendSyslog(config.syslog, alert, serverId);
    case "email":
      if (!config.email) throw new ChannelError("the e-mail channel is not configured");
      return sendEmail(config.email, alert, serverId);
  }
}
