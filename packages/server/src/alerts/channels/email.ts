import nodemailer from "nodemailer";
import type { TEmailChannel } from "../alert-config.ts";
import { ALERT_TITLES, type Alert } from "../alert-kinds.ts";
import { ChannelError, SEND_TIMEOUT_MS } from "./channel-error.ts";

export async function sendEmail(channel: TEmailChannel, alert: Alert, serverId: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
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
    throw new ChannelError(`e-mail via ${channel.host}:${channel.port} failed: ${(error as Error).message}`, error);
  } finally {
    transport.close();
  }
}
