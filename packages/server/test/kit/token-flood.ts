// A flood of random-token refreshes from one address, and a real participant's request+release
// loop from another, over raw HTTP on purpose: each binds its own loopback address (127.0.0.x
// stand for separate hosts), which fetch and the typed clients do not let a caller choose. Used
// by test/token-flood.security.integration.test.ts and the benchmark's flood part.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";

export interface FloodSummary {
  sent: number;
  byStatus: Record<string, number>;
  perSecond: number;
  errors: number;
}

export interface FloodOptions {
  localAddress: string;
  seconds: number;
  /** Keep-alive connections, each sending its next call as soon as the last is answered. */
  connections: number;
}

/**
 * Floods `appliance.refresh` with random bearer tokens in a process of its own, as fast as the
 * server answers. It runs at the lowest CPU priority: on a separate host its own work would not
 * compete with the server's, here it shares the same cores; it still sends whenever a core is idle.
 */
export function runTokenFlood(baseUrl: string, options: FloodOptions): Promise<FloodSummary> {
  const args = [baseUrl, options.localAddress, String(options.seconds), String(options.connections)];
  const child = spawn("nice", ["-n", "19", process.execPath, "--import", "tsx", import.meta.filename, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(output) as FloodSummary) : reject(new Error(`flood exited ${code}: ${output}`)),
    );
  });
}

async function flood(baseUrl: string, { localAddress, seconds, connections }: FloodOptions): Promise<FloodSummary> {
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

export interface CallAnswer {
  status: number;
  body: { result?: { data: unknown }; error?: { data: { reason: string } } };
}

/** One appliance call from the agent's address. */
export function applianceCall(
  agent: Agent,
  baseUrl: string,
  verb: string,
  input: unknown,
  token?: string,
): Promise<CallAnswer> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(`/api/trpc/appliance.${verb}`, baseUrl),
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export interface RequestReleaseRun {
  /** Milliseconds of each request+release pair. */
  pairs: number[];
  /** Every answer that was not a 200. */
  refusals: CallAnswer[];
}

/** A participant asking for 50 sessions and releasing them, again and again, until `done()`. */
export async function requestAndRelease(
  agent: Agent,
  baseUrl: string,
  token: string,
  done: () => boolean,
): Promise<RequestReleaseRun> {
  const run: RequestReleaseRun = { pairs: [], refusals: [] };
  while (!done()) {
    const started = performance.now();
    const requestId = `pair-${randomBytes(8).toString("hex")}`;
    const asked = await applianceCall(agent, baseUrl, "request", { sessions: 50, requestId }, token);
    const released = await applianceCall(agent, baseUrl, "release", { sessions: 50 }, token);
    run.pairs.push(performance.now() - started);
    for (const answer of [asked, released]) if (answer.status !== 200) run.refusals.push(answer);
  }
  return run;
}

/** Nearest-rank percentile of `values` (p from 0 to 100). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

if (process.argv[1] === import.meta.filename) {
  const [baseUrl, localAddress, seconds, connections] = process.argv.slice(2);
  const summary = await flood(baseUrl!, {
    localAddress: localAddress!,
    seconds: Number(seconds),
    connections: Number(connections),
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
