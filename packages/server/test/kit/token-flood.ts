import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";

/**
 * One client flooding `appliance.refresh` with random bearer tokens from `localAddress` for
 * `seconds`, as fast as it can: `connections` keep-alive connections, each sending its next call
 * as soon as the last is answered. Run it in a process of its own (`node --import tsx
 * token-flood.ts <baseUrl> <localAddress> <seconds> <connections>`), so that its CPU does not
 * share the measuring process's event loop; it prints a JSON summary of the answers by status.
 */
export interface FloodSummary {
  sent: number;
  byStatus: Record<string, number>;
  perSecond: number;
  errors: number;
}

export async function floodRandomTokens(
  baseUrl: string,
  localAddress: string,
  seconds: number,
  connections: number,
): Promise<FloodSummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, localAddress });
  const url = new URL("/api/trpc/appliance.refresh", baseUrl);
  const body = JSON.stringify({ inUse: 0 });
  const byStatus: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  const started = Date.now();
  const until = started + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer slt_${randomBytes(32).toString("base64url")}`,
          },
        },
        (res) => {
          const status = String(res.statusCode);
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          res.resume();
          res.on("end", resolve);
          res.on("error", () => resolve());
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      sent++;
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) await one();
    }),
  );
  agent.destroy();
  return { sent, byStatus, errors, perSecond: Math.round(sent / ((Date.now() - started) / 1000)) };
}

if (process.argv[1] === import.meta.filename) {
  const [baseUrl, localAddress, seconds, connections] = process.argv.slice(2);
  const summary = await floodRandomTokens(baseUrl!, localAddress!, Number(seconds), Number(connections));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
