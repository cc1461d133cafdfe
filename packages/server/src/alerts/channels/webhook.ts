import { createHmac } from "node:crypto";
import type { TWebhookChannel } from "../alert-config.ts";
import { ALERT_TITLES, type Alert } from "../alert-kinds.ts";
import { ChannelError, SEND_TIMEOUT_MS } from "./channel-error.ts";

const SIGNATURE_HEADER = "x-sls-signature";
const TIMESTAMP_HEADER = "x-sls-timestamp";

/** The body: our own JSON, or Slack's incoming-webhook shape (`text`, plus blocks). */
function webhookBody(alert: Alert, format: TWebhookChannel["format"], serverId: string): string {
  if (format === "slack") {
    const headline = `*[${alert.severity.toUpperCase()}] ${ALERT_TITLES[alert.kind]}*`;
    return JSON.stringify({
      text: `[${alert.severity.toUpperCase()}] ${alert.message}`,
      blocks: [
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `${headline}\n${alert.message}\n_${serverId} · ${alert.raisedAt.toISOString()}_`,
          },
        },
      ],
    });
  }
  return JSON.stringify({
    kind: alert.kind,
    severity: alert.severity,
    title: ALERT_TITLES[alert.kind],
    message: alert.message,
    detail: alert.detail,
    raisedAt: alert.raisedAt.toISOString(),
    server: serverId,
  });
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the receiver recomputes it with the shared key. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export async function sendWebhook(
  channel: TWebhookChannel,
  alert: Alert,
  serverId: string,
  now: number,
): Promise<void> {
  const body = webhookBody(alert, channel.format, serverId);
  const timestamp = String(Math.floor(now / 1000));
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "shared-license-server" };
  if (channel.secret) {
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = webhookSignature(channel.secret, timestamp, body);
  }
  let response: Response;
  try {
    response = await fetch(channel.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      redirect: "error",
    });
  } catch (error) {
    throw new ChannelError(`webhook ${channel.url} unreachable: ${(error as Error).message}`, error);
  }
  await response.body?.cancel().catch(() => {});
  if (!response.ok) throw new ChannelError(`webhook ${channel.url} answered HTTP ${response.status}`);
}
