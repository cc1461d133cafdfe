import dgram from "node:dgram";
import net from "node:net";
import os from "node:os";
import type { TSyslogChannel } from "../alert-config.ts";
import type { Alert, Severity } from "../alert-kinds.ts";
import type { Destination } from "../destinations.ts";
import { ChannelError, SEND_TIMEOUT_MS } from "./channel-error.ts";

/** local0, as network appliances log by default. */
const FACILITY = 16;
const SEVERITY_CODE: Record<Severity, number> = { critical: 2, warning: 4, info: 6 };
/** RFC 5612's enterprise number for documentation: our structured-data id is sls@32473. */
const SD_ID = "sls@32473";

function sdValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`, the MSGID being the
 * alert kind and the message text in UTF-8 after a BOM.
 */
function syslogMessage(alert: Alert, serverId: string, hostname = os.hostname()): string {
  const pri = FACILITY * 8 + SEVERITY_CODE[alert.severity];
  const host = hostname.replace(/[^\x21-\x7e]/g, "").slice(0, 255) || "-";
  const sd = `[${SD_ID} kind="${sdValue(alert.kind)}" severity="${alert.severity}" server="${sdValue(serverId)}"]`;
  return `<${pri}>1 ${alert.raisedAt.toISOString()} ${host} sls ${process.pid} ${alert.kind} ${sd} \uFEFF${alert.message}`;
}

/** Sends the alert to the collector at `to` (the channel's host, checked) and the channel's port. */
export async function sendSyslog(
  channel: TSyslogChannel,
  to: Destination,
  alert: Alert,
  serverId: string,
): Promise<void> {
  const message = syslogMessage(alert, serverId);
  try {
    if (channel.transport === "udp") await sendUdp(to, channel.port, message);
    else await sendTcp(to, channel.port, message);
  } catch (error) {
    throw new ChannelError(
      `syslog ${channel.transport}://${channel.host}:${channel.port} failed: ${(error as Error).message}`,
      error,
    );
  }
}

function sendUdp(to: Destination, port: number, message: string): Promise<void> {
  const socket = dgram.createSocket(to.family === 6 ? "udp6" : "udp4");
  return new Promise<void>((resolve, reject) => {
    socket.send(Buffer.from(message, "utf8"), port, to.address, (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** RFC 6587 octet counting: `<length> <message>`, so a message may hold any byte. */
function sendTcp(to: Destination, port: number, message: string): Promise<void> {
  const frame = Buffer.from(message, "utf8");
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: to.address, port });
    socket.setTimeout(SEND_TIMEOUT_MS, () => socket.destroy(new Error("timed out")));
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.end(Buffer.concat([Buffer.from(`${frame.length} `), frame]));
    });
    socket.once("close", (hadError) => {
      if (!hadError) resolve();
    });
  });
}
