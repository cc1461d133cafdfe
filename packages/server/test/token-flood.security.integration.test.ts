// Raw HTTP on purpose (kit/token-flood.ts): each client binds its own loopback address
// (127.0.0.x stand for separate hosts), which fetch and the typed clients do not let a caller choose.
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_TOKEN_POLICY } from "../src/services/leases/unknown-tokens.ts";
import { freshDatabase, providers, registration, SECRET, type FreshDatabase } from "./kit/test-server.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";
import { applianceCall, percentile, requestAndRelease, runTokenFlood } from "./kit/token-flood.ts";

const FLOOD_SECONDS = 10;
/** Enough connections that the flooding client, not the number of calls in flight, is the limit. */
const FLOOD_CONNECTIONS = 32;
const FLOODER = "127.0.0.2";
const PARTICIPANT = "127.0.0.3";
const QUIET_SECONDS = 3;
/**
 * The issue's target is 50 ms, and the figure is printed on every run. What is asserted is looser,
 * because on a shared test machine its neighbours' load moves the p99 more than a refused flood
 * does: the p99 under the flood stays within 200 ms, or within four times the p99 the same
 * participant had without the flood just before. Where the quiet p99 is what the issue measured
 * on an appliance (5–25 ms), that bound is 200 ms, below the 214–238 ms the flood caused there.
 * Measured on two cores shared with other test suites. Load average 4–5: before the change the
 * flood (440–583 calls/s, every one a database read) lifted the p99 from 23 to 161 ms (SQLite)
 * and from 123 to 165 ms (PostgreSQL); after it (2,000–4,700 calls/s, 600 reads) 35–59 ms
 * (SQLite, quiet 27–47) and 105–125 ms (PostgreSQL, quiet 25–82). Load average 10–14: before
 * 706 / 1,090 ms, after 88–208 / 131–455 ms, with the p99 43–196 ms even without a flood.
 */
const P99_BOUND_MS = 200;
const P99_QUIET_FACTOR = 4;

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
    const registered = await applianceCall(agent, server.baseUrl, "register", registration("FLOODVICTIM1"));
    expect(registered.status).toBe(200);
    const { token } = registered.body.result!.data as { token: string };

    const quietUntil = Date.now() + QUIET_SECONDS * 1000;
    const quiet = await requestAndRelease(agent, server.baseUrl, token, () => Date.now() >= quietUntil);
    const flood = runTokenFlood(server.baseUrl, {
      localAddress: FLOODER,
      seconds: FLOOD_SECONDS,
      connections: FLOOD_CONNECTIONS,
    });
    let done = false;
    void flood.finally(() => (done = true));
    const flooded = await requestAndRelease(agent, server.baseUrl, token, () => done);
    const summary = await flood;

    const p99 = percentile(flooded.pairs, 99);
    const quietP99 = percentile(quiet.pairs, 99);
    console.log(
      `[${provider}] flood from ${FLOODER}: ${summary.sent} random-token refreshes in ${FLOOD_SECONDS} s (${summary.perSecond}/s, answers ${JSON.stringify(summary.byStatus)}, ${summary.errors} connection errors); participant on ${PARTICIPANT}: ${flooded.pairs.length} request+release pairs, p50 ${percentile(flooded.pairs, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target 50 ms; without the flood just before: p50 ${percentile(quiet.pairs, 50).toFixed(1)} ms, p99 ${quietP99.toFixed(1)} ms)`,
    );

    expect([...quiet.refusals, ...flooded.refusals].map((r) => r.body.error?.data.reason)).toEqual([]);
    expect(flooded.pairs.length).toBeGreaterThan(20);
    expect(p99).toBeLessThanOrEqual(Math.max(P99_BOUND_MS, P99_QUIET_FACTOR * quietP99));
    // Past its budget the flooding address is refused before any database read.
    expect(summary.byStatus["401"] ?? 0).toBeLessThanOrEqual(BAD_TOKEN_POLICY.refuseAfter);
    expect(summary.byStatus["429"] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(summary.byStatus).sort()).toEqual(["401", "429"]);
  }, 60_000);
});
