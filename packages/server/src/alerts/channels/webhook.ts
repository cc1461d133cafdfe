import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { TWebhookChannel } from "../alert-config.ts";
import { ALERT_TITLES, type Alert } from "../alert-kinds.ts";
import type { Destination } from "../destinations.ts";
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

/** POSTs the alert to the channel's URL, connecting to `to` (the host's checked address). */
export async function sendWebhook(
  channel: TWebhookChannel,
  to: Destination,
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
  const url = new URL(channel.url);
  let status: number;
  try {
    status = await post(url, to, headers, body);
  } catch (error) {
    throw new ChannelError(`webhook ${url.origin} unreachable: ${(error as Error).message}`, error);
  }
  if (status >= 300 && status < 400)
    throw new ChannelError(`webhook ${url.origin} answered HTTP ${status} (redirects are not followed)`);
  if (status < 200 || status >= 300) throw new ChannelError(`webhook ${url.origin} answered HTTP ${status}`);
}

/**
 * One POST with node:http(s), its host name's lookup answered with the address already checked
 * (TLS still verifies the certificate against the name in the URL). Resolves to the status code.
 */
function post(url: URL, to: Destination, headers: Record<string, string>, body: string): Promise<number> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [to]);
    else callback(null, to.address, to.family);
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      },
      (response) => {
        response.resume();
        response.once("end", () => resolve(response.statusCode ?? 0));
        response.once("error", reject);
      },
    );
    request.once("error", reject);
    request.end(body);
  });
}
