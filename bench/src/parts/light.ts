import { FleetSimulator, type SimulatorConfig } from "@sls/simulator";
import { config } from "../config.ts";
import { freshSqlite } from "../databases.ts";
import { eventLoopDelayP99Ms } from "../metrics.ts";
import { buckets, quantileBound, type Scrape, scrapeMetrics, since, total } from "../metrics-scrape.ts";
import { BENCH_SECRET, startLicenseServer } from "../processes.ts";

export interface LightRow {
  appliances: number;
  seconds: number;
  callsPerSec: number;
  /** p50 / p99 at the appliance (the simulator's own clock), in ms, per verb. */
  latency: Record<string, { p50: number; p99: number; count: number }>;
  /**
   * The same calls by the server's own clock (`sls_call_duration_seconds`, from its arrival to its
   * answer), per verb: the share answered within 10 ms, and the histogram bucket holding the p99
   * (an upper bound, in ms). What the appliance sees beyond it is the network and the appliance.
   */
  server: Record<string, { within10Ms: number; p99AtMostMs: number | null }>;
  /** The server's event-loop delay p99 over the run, in ms. */
  eventLoopP99Ms: number;
  shed: number;
  errors: number;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const APPLIANCES = 40;
/** The demo's pool (scripts/demo.mjs): at the daily peak the fleet asks for more than it holds. */
const DEMO_POOL_SIZE = "2000";

/**
 * Light load, as `npm run demo` makes it: 40 simulated appliances on a 90-second "day" at 20 % of
 * their platform limits (a few calls per second, pending demand at the peak), against one server
 * on SQLite; latency as the appliances see it.
 */
export async function runLightPart(): Promise<LightRow> {
  const db = freshSqlite("light");
  const server = await startLicenseServer(db.url, { SLS_POOL_SIZE: DEMO_POOL_SIZE });
  try {
    const seconds = config.lightSeconds;
    say(`light load: ${APPLIANCES} simulated appliances (the demo's fleet) for ${seconds} s`);
    const fleetConfig: SimulatorConfig = {
      url: server.baseUrl,
      secret: BENCH_SECRET,
      appliances: APPLIANCES,
      curve: "daily",
      periodSec: 90,
      peak: 0.2,
      durationSec: null,
      serialPrefix: "LIGHT",
      seed: 1,
      releaseDelaySec: 5,
      tickSec: 1,
      startSpreadMs: 1_000,
      quiet: true,
    };
    const fleet = new FleetSimulator(fleetConfig);
    await eventLoopDelayP99Ms([server.baseUrl]);
    const metricsBefore = await scrapeMetrics(server.baseUrl);
    void fleet.start();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const eventLoopP99Ms = await eventLoopDelayP99Ms([server.baseUrl]);
    const metricsAfter = since(await scrapeMetrics(server.baseUrl), metricsBefore);
    await fleet.stop({ release: true });
    const latency: LightRow["latency"] = {};
    for (const [verb, count] of fleet.stats.calls) {
      const p = fleet.stats.percentiles(verb);
      if (p) latency[verb] = { ...p, count };
    }
    return {
      appliances: APPLIANCES,
      seconds,
      callsPerSec: fleet.stats.totalCalls / seconds,
      latency,
      server: Object.fromEntries(Object.keys(latency).map((verb) => [verb, serverFigures(metricsAfter, verb)])),
      eventLoopP99Ms,
      shed: fleet.stats.totalShed,
      errors: fleet.stats.totalErrors,
    };
  } finally {
    await server.stop();
    await db.drop();
  }
}

const CALL_SECONDS = "sls_call_duration_seconds";

function serverFigures(scrape: Scrape, verb: string): { within10Ms: number; p99AtMostMs: number | null } {
  const count = total(scrape, `${CALL_SECONDS}_count`, { verb });
  if (count === 0) return { within10Ms: 0, p99AtMostMs: null };
  const within10 = buckets(scrape, CALL_SECONDS, { verb }).find((b) => b.le === 0.01)?.count ?? 0;
  const p99 = quantileBound(scrape, CALL_SECONDS, 0.99, { verb });
  return { within10Ms: within10 / count, p99AtMostMs: p99 === null ? null : p99 * 1000 };
}
