import { Agent } from "node:http";
import { applianceCall, type FloodSummary, percentile, requestAndRelease, runTokenFlood } from "@sls/server/testing";
import { config } from "../config.ts";
import { type BenchDatabase, freshPostgres, freshSqlite } from "../databases.ts";
import { BENCH_SECRET, startLicenseServer } from "../processes.ts";

export interface FloodRow {
  database: "sqlite" | "postgresql";
  flood: FloodSummary;
  /** The participant's request+release pairs without the flood, just before it. */
  quiet: { pairs: number; p50: number; p99: number };
  /** The same participant's pairs while the flood runs. */
  flooded: { pairs: number; p50: number; p99: number };
  /** The participant's calls that were not answered 200 (must be none). */
  refused: number;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const FLOODER = "127.0.0.2";
const PARTICIPANT = "127.0.0.3";
const FLOOD_CONNECTIONS = 32;
const QUIET_SECONDS = 3;

/**
 * Part 5: random-token refreshes from one address (127.0.0.2) at all one client can send, while a
 * registered participant on another (127.0.0.3) requests and releases 50 sessions in a loop.
 */
export async function runFloodPart(): Promise<FloodRow[]> {
  const rows: FloodRow[] = [];
  const postgres = await freshPostgres("flood");
  if ("unavailable" in postgres) say(`flood: PostgreSQL skipped (${postgres.unavailable})`);
  const databases: Array<[FloodRow["database"], BenchDatabase]> = [
    ["sqlite", freshSqlite("flood")],
    ...("unavailable" in postgres ? [] : [["postgresql", postgres] as [FloodRow["database"], BenchDatabase]]),
  ];
  for (const [database, db] of databases) {
    const server = await startLicenseServer(db.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: PARTICIPANT });
    try {
      const registered = await applianceCall(agent, server.baseUrl, "register", {
        secret: BENCH_SECRET,
        serial: "FLOODVICTIM",
        hostname: "victim.example.net",
        model: "bench",
        platformLimit: 1000,
        localLimit: 0,
      });
      const { token } = registered.body.result!.data as { token: string };
      const quietUntil = Date.now() + QUIET_SECONDS * 1000;
      const quiet = await requestAndRelease(agent, server.baseUrl, token, () => Date.now() >= quietUntil);
      say(`flood (${database}): ${config.floodSeconds} s of random-token refreshes from ${FLOODER}`);
      const flooding = runTokenFlood(server.baseUrl, {
        localAddress: FLOODER,
        seconds: config.floodSeconds,
        connections: FLOOD_CONNECTIONS,
      });
      let done = false;
      void flooding.finally(() => (done = true));
      const flooded = await requestAndRelease(agent, server.baseUrl, token, () => done);
      const figures = (pairs: number[]) => ({
        pairs: pairs.length,
        p50: percentile(pairs, 50),
        p99: percentile(pairs, 99),
      });
      rows.push({
        database,
        flood: await flooding,
        quiet: figures(quiet.pairs),
        flooded: figures(flooded.pairs),
        refused: quiet.refusals.length + flooded.refusals.length,
      });
    } finally {
      agent.destroy();
      await server.stop();
      await db.drop();
    }
  }
  return rows;
}
