import dgram from "node:dgram";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * Local stand-ins for a webhook endpoint, a syslog collector (UDP and TCP) and a mail server that
 * offers no STARTTLS. On loopback: the server under test needs SLS_ALERT_ALLOW_LOCAL_DESTINATIONS=on.
 */
export interface Receivers {
  webhooks: Array<{ url: string; headers: IncomingHttpHeaders; body: string }>;
  syslogUdp: string[];
  syslogTcp: string[];
  mails: string[];
  /** With a path and query standing for a hook's key, as a Slack webhook URL has. */
  webhookUrl: string;
  syslogPort: number;
  tcpPort: number;
  smtpPort: number;
  /** Answer the next `n` webhook calls with HTTP 500. */
  failNextWebhooks(n: number): void;
  /** Record the next webhook call when it arrives, but answer it only once `release` is called. */
  holdNextWebhook(): { arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

/** What a receiver's URL must never reveal to a reader of the configuration, audit or errors. */
export const HOOK_KEY = "T0001-B0002-hookKEYsecret";
const HOOK_PATH = `/services/${HOOK_KEY}?token=${HOOK_KEY}`;

/** The environment a server under test needs to deliver to these receivers. */
export const LOCAL_RECEIVERS_ENV = { SLS_ALERT_ALLOW_LOCAL_DESTINATIONS: "on" };

export async function startReceivers(): Promise<Receivers> {
  const webhooks: Receivers["webhooks"] = [];
  const syslogUdp: string[] = [];
  const syslogTcp: string[] = [];
  const mails: string[] = [];
  let failing = 0;
  let held: { arrive(): void; released: Promise<void> } | null = null;

  const http: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      if (failing > 0) {
        failing -= 1;
        res.writeHead(500).end();
        return;
      }
      webhooks.push({ url: req.url ?? "", headers: req.headers, body });
      const hold = held;
      held = null;
      if (!hold) return void res.writeHead(204).end();
      hold.arrive();
      void hold.released.then(() => res.writeHead(204).end());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));

  const udp = dgram.createSocket("udp4");
  udp.on("message", (message) => syslogUdp.push(message.toString("utf8")));
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));

  // RFC 6587 octet counting: "<length> <message>" repeated.
  const tcp = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) break;
        const length = Number(buffer.subarray(0, space).toString());
        if (buffer.length < space + 1 + length) break;
        syslogTcp.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      stream.on("end", () => {
        mails.push(raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));

  return {
    webhooks,
    syslogUdp,
    syslogTcp,
    mails,
    webhookUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}${HOOK_PATH}`,
    syslogPort: (udp.address() as AddressInfo).port,
    tcpPort: (tcp.address() as AddressInfo).port,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    failNextWebhooks(n) {
      failing = n;
    },
    holdNextWebhook() {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      held = { arrive, released: new Promise<void>((resolve) => (release = resolve)) };
      return { arrived, release };
    },
    async close() {
      await Promise.all([
        new Promise((resolve) => http.close(resolve)),
        new Promise((resolve) => tcp.close(resolve)),
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}
