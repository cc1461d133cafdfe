// Raw HTTP on purpose: each client binds its own loopback address (127.0.0.x stand for separate
// hosts), which fetch and the typed clients do not let a caller choose.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, providers, registration, SECRET, type FreshDatabase } from "./harness.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";
import type { FloodSummary } from "./kit/token-flood.ts";
import { BAD_TOKEN_POLICY } from "../src/services/leases/unknown-tokens.ts";

const FLOOD_SECONDS = 10;
/** Enough connections that the flooding client, not the number of calls in flight, is the limit. */
const FLOOD_CONNECTIONS = 32;
const FLOODER = "127.0.0.2";
const PARTICIPANT = "127.0.0.3";
const BASELINE_SECONDS = 3;
/**
 * The target is 50 ms; the figure is printed on every run. The assertion is looser, as a
 * shared test machine's own load moves the p99 far more than a refused flood should: under the
 * flood the p99 stays within 100 ms, or within twice the p99 the same participant had without
 * the flood just before (on a loaded machine). Before the change, the flood alone lifted the p99
 * from 5–25 ms to 214–238 ms.
 */
const P99_BOUND_MS = 100;
const P99_BASELINE_FACTOR = 2;

const FLOOD_SCRIPT = path.resolve(import.meta.dirname, "kit/token-flood.ts");

interface Answer {
  status: number;
  body: { result?: { data: unknown }; error?: { data: { reason: string } } };
}

function call(agent: Agent, baseUrl: string, verb: string, input: unknown, token?: string): Promise<Answer> {
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

function runFlood(baseUrl: string): Promise<FloodSummary> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", FLOOD_SCRIPT, baseUrl, FLOODER, String(FLOOD_SECONDS), String(FLOOD_CONNECTIONS)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(output) as FloodSummary) : reject(new Error(`flood exited ${code}: ${output}`)),
    );
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe.each(providers())("a random-token flood from one address on %s", (provider) => {
  let db: FreshDatabase;
  let server: ServerProcess;
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: PARTICIPANT });

  beforeAll(async () => {
    db = await freshDatabase(provider, "token_flood");
    server = await startServerProcess({ DATABASE_URL: db.url, SLS_POOL_SIZE: "1000", SLS_SHARED_SECRET: SECRET });
  });
  afterAll(async () => {
    agent.destroy();
    await server?.stop();
    await db?.drop();
  });

  it("never refuses a real participant on another address, keeps its request+release p99 low, and refuses the flood cheaply", async () => {
    const registered = await call(agent, server.baseUrl, "register", registration("FLOODVICTIM1"));
    expect(registered.status).toBe(200);
    const { token } = registered.body.result!.data as { token: string };

    const refusals: Answer[] = [];
    let asks = 0;
    const requestAndRelease = async (until: () => boolean): Promise<number[]> => {
      const pairs: number[] = [];
      while (!until()) {
        const started = performance.now();
        const requestId = `flood-${asks++}`;
        const asked = await call(agent, server.baseUrl, "request", { sessions: 50, requestId }, token);
        const released = await call(agent, server.baseUrl, "release", { sessions: 50 }, token);
        pairs.push(performance.now() - started);
        for (const answer of [asked, released]) if (answer.status !== 200) refusals.push(answer);
      }
      return pairs;
    };
    const quietUntil = Date.now() + BASELINE_SECONDS * 1000;
    const quiet = await requestAndRelease(() => Date.now() >= quietUntil);

    const flood = runFlood(server.baseUrl);
    let done = false;
    void flood.finally(() => (done = true));
    const pairs = await requestAndRelease(() => done);
    const summary = await flood;
    const p99 = percentile(pairs, 99);
    const quietP99 = percentile(quiet, 99);
    console.log(
      `[${provider}] flood from ${FLOODER}: ${summary.sent} random-token refreshes in ${FLOOD_SECONDS} s (${summary.perSecond}/s, answers ${JSON.stringify(summary.byStatus)}, ${summary.errors} connection errors); participant on ${PARTICIPANT}: ${pairs.length} request+release pairs, p50 ${percentile(pairs, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target 50 ms; without the flood just before: p50 ${percentile(quiet, 50).toFixed(1)} ms, p99 ${quietP99.toFixed(1)} ms)`,
    );

    expect(refusals.map((r) => r.body.error?.data.reason)).toEqual([]);
    expect(pairs.length).toBeGreaterThan(20);
    expect(p99).toBeLessThanOrEqual(Math.max(P99_BOUND_MS, P99_BASELINE_FACTOR * quietP99));
    // Past its budget the flooding address is refused before any database read.
    expect(summary.byStatus["401"] ?? 0).toBeLessThanOrEqual(BAD_TOKEN_POLICY.refuseAfter);
    expect(summary.byStatus["429"] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(summary.byStatus).sort()).toEqual(["401", "429"]);
  }, 60_000);
});
