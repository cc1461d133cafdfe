import { isIP } from "node:net";
import nodemailer from "nodemailer";
import type { TEmailChannel } from "../alert-config.ts";
import { ALERT_TITLES, type Alert } from "../alert-kinds.ts";
import { bareHost, type Destination } from "../destinations.ts";
import { ChannelError, SEND_TIMEOUT_MS } from "./channel-error.ts";

/**
 * Sends the alert through the SMTP server at `to` (the channel's host, checked; TLS verifies the
 * certificate against the host name). Without implicit TLS, STARTTLS is required unless the
 * channel's `requireTls` is off.
 */
export async function sendEmail(
  channel: TEmailChannel,
  to: Destination,
  alert: Alert,
  serverId: string,
): Promise<void> {
  const name = bareHost(channel.host);
  const transport = nodemailer.createTransport({
    host: to.address,
    ...(isIP(name) ? {} : { servername: name }),
    port: channel.port,
    secure: channel.secure,
    requireTLS: !channel.secure && channel.requireTls,
    ...(channel.user ? { auth: { user: channel.user, pass: channel.password ?? "" } } : {}),
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  const detail = alert.detail ? `\n\nDetail:\n${JSON.stringify(alert.detail, null, 2)}` : "";
  try {
    await transport.sendMail({
      from: channel.from,
      to: channel.to,
      subject: `[SLS ${alert.severity}] ${ALERT_TITLES[alert.kind]}`,
      text: `${alert.message}\n\nServer: ${serverId}\nRaised: ${alert.raisedAt.toISOString()}\nKind: ${alert.kind}${detail}\n`,
      headers: { "X-SLS-Alert-Kind": alert.kind },
    });
  } catch (error) {
    const where = `e-mail via ${channel.host}:${channel.port}`;
    if ((error as { code?: unknown }).code === "ETLS" && !channel.secure && channel.requireTls)
      throw new ChannelError(
        `${where} refused: the server did not upgrade to TLS with STARTTLS, which this channel requires (${(error as Error).message}); switch "Require STARTTLS" off only for a relay on a trusted network`,
        error,
      );
    throw new ChannelError(`${where} failed: ${(error as Error).message}`, error);
  } finally {
    transport.close();
  }
}
