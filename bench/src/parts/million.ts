import { applyMigrations, Store } from "@sls/db";
import { addSilentParticipants } from "@sls/db/testing";
import { seedFleet } from "@sls/server/testing";
import { RefreshRotation } from "../call-sources.ts";
import { config } from "../config.ts";
import { freshSqlite } from "../databases.ts";
import { runLoad, type LoadResult } from "../load.ts";
import { cpuShareDuring, memoryMb } from "../proc.ts";
import { startLicenseServer } from "../processes.ts";
import { leasesLoadedOf } from "./startup.ts";

export interface MillionRow {
  participants: number;
  seedSeconds: number;
  /** Spawning the server process until GET /api/health answers (migrations, settings, every lease loaded). */
  startupSeconds: number;
  /** The server's own "leases loaded" log line: how many, and how long the load took. */
  leasesLoaded: { participants: number; ms: number } | null;
  rssAfterStartMb: number;
  peakRssMb: number;
  /** The participants that refresh (1 %), at their 30 s interval. */
  refreshing: number;
  targetCallsPerSec: number;
  refresh: LoadResult;
  cpuShare: number;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const REFRESHING_SHARE = 0.01;
const CONNECTIONS = 64;

/**
 * A million registered participants (rows written before the server starts, so its start-up
 * loads every lease: 1 % through the testing kit's seedFleet, with tokens, the silent rest in bulk), 1 % refreshing at the 30 s interval: start-up time, memory, refresh
 * latency and CPU.
 */
export async function runMillionPart(): Promise<MillionRow> {
  const participants = config.millionSize;
  const db = freshSqlite("million");
  try {
    await applyMigrations(db.url, () => {});
    say(`million: seeding ${participants.toLocaleString("en-US")} participants`);
    const seedStarted = performance.now();
    const refreshing = Math.max(1, Math.round(participants * REFRESHING_SHARE));
    const seeded = await seedFleet(
      { databaseUrl: db.url },
      { count: refreshing, prefix: "M", platformLimit: 1_000_000, localLimit: 0 },
    );
    // The participants that never call, copied from a seeded one in bulk: seeding a million through
    // createMany would take ten minutes; only those that refresh need tokens the load generator knows.
    const store = Store.open(db.url);
    await addSilentParticipants(store, participants - refreshing).finally(() => store.close());
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    say(
      `million: starting the server over ${participants.toLocaleString("en-US")} participants (seeded in ${seedSeconds.toFixed(0)} s)`,
    );
    const spawned = performance.now();
    const server = await startLicenseServer(db.url, { SLS_LOG_LEVEL: "info" });
    const startupSeconds = (performance.now() - spawned) / 1000;
    try {
      const afterStart = memoryMb(server.pid);
      const rate = refreshing / config.refreshIntervalSec;
      const rotation = new RefreshRotation(seeded);
      const options = { urls: [server.baseUrl], connections: CONNECTIONS, rate };
      await runLoad(rotation, { ...options, seconds: config.warmupSeconds });
      say(
        `million: ${refreshing.toLocaleString("en-US")} of them refreshing, ${rate.toFixed(0)} calls/s for ${config.scaleSeconds} s`,
      );
      const { result, cpuShare } = await cpuShareDuring(server.pid, () =>
        runLoad(rotation, { ...options, seconds: config.scaleSeconds }),
      );
      return {
        participants,
        seedSeconds,
        startupSeconds,
        leasesLoaded: leasesLoadedOf(server.output()),
        rssAfterStartMb: afterStart.rss,
        peakRssMb: memoryMb(server.pid).peak,
        refreshing,
        targetCallsPerSec: rate,
        refresh: result,
        cpuShare,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}
