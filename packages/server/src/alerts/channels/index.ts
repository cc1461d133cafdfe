import type { AlertConfig, ChannelName } from "../alert-config.ts";
import type { Alert } from "../alert-kinds.ts";
import { type Destination, LocalDestinationError, resolveDestination } from "../destinations.ts";
import { ChannelError } from "./channel-error.ts";
import { sendEmail } from "./email.ts";
import { sendSyslog } from "./syslog.ts";
import { sendWebhook } from "./webhook.ts";

export interface SendContext {
  serverId: string;
  now: number;
  /** SLS_ALERT_ALLOW_LOCAL_DESTINATIONS: loopback and link-local hosts are refused unless true. */
  allowLocal: boolean;
}

/** Sends one alert to one configured channel; throws a ChannelError saying what failed. */
export async function sendToChannel(
  channel: ChannelName,
  config: AlertConfig,
  alert: Alert,
  context: SendContext,
): Promise<void> {
  switch (channel) {
    case "webhook": {
      if (!config.webhook) throw new ChannelError("the webhook channel is not configured");
      const url = new URL(config.webhook.url);
      const to = await destination(`webhook ${url.origin}`, url.hostname, context);
      return sendWebhook(config.webhook, to, alert, context.serverId, context.now);
    }
    case "syslog": {
      if (!config.syslog) throw new ChannelError("the syslog channel is not configured");
      const { host, port, transport } = config.syslog;
      return sendSyslog(
        config.syslog,
        await destination(`syslog ${transport}://${host}:${port}`, host, context),
        alert,
        context.serverId,
      );
    }
    case "email": {
      if (!config.email) throw new ChannelError("the e-mail channel is not configured");
      const { host, port } = config.email;
      return sendEmail(
        config.email,
        await destination(`e-mail via ${host}:${port}`, host, context),
        alert,
        context.serverId,
      );
    }
  }
}

/**
 * The address to connect to, checked now (DNS may have changed since the channel was saved) and
 * used as it is, so the connection cannot be re-pointed between the check and the connect.
 */
async function destination(what: string, host: string, context: SendContext): Promise<Destination> {
  try {
    const [first] = await resolveDestination(host, context.allowLocal);
    if (!first) throw new Error(`${host} has no address`);
    return first;
  } catch (error) {
    const reason = error instanceof LocalDestinationError ? "refused" : "failed";
    throw new ChannelError(`${what} ${reason}: ${(error as Error).message}`, error);
  }
}
