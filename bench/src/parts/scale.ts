import { seedFleet } from "@sls/server/testing";
import { RefreshRotation } from "../call-sources.ts";
import { config } from "../config.ts";
import { freshSqlite } from "../databases.ts";
import { runLoad, type LoadResult } from "../load.ts";
import { measureParticipantsPage, setupCodeIn, type PageLatency } from "../participants-page.ts";
import { cpuShareDuring, memoryMb } from "../proc.ts";
import { prepareDatabase, startLicenseServer } from "../processes.ts";

export interface ScaleRow {
  participants: number;
  /** N / refresh interval: the rate at which N participants refresh. */
  targetCallsPerSec: number;
  refresh: LoadResult;
  /** Server CPU while serving those refreshes; 1 = one whole core. */
  cpuShare: number;
  rssMb: number;
  peakRssMb: number;
  /** The dashboard's participants page (first page of 50), loaded while the refreshes run. */
  participantsPage: PageLatency;
  /** From spawning the server (with the participants already registered) to its first healthy answer. */
  startupMs: number;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const SCALE_CONNECTIONS = 64;
const PAGE_SAMPLES = 20;
const PAGE_GAP_MS = 250;

/** Part 3: N registered participants refreshing at the 30 s interval (SQLite, one process). */
export async function runScalePart(): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const participants of config.scaleSizes) {
    const db = freshSqlite(`scale${participants}`);
    // Registered before the server starts, as after a restart: it loads their leases at start.
    say(`scale: seeding ${participants.toLocaleString("en-US")} participants`);
    await prepareDatabase(db.url);
    const rotation = new RefreshRotation(
      await seedFleet(
        { databaseUrl: db.url },
        { count: participants, prefix: "SCALE", platformLimit: 1_000_000, localLimit: 0 },
      ),
    );
    const starting = performance.now();
    const server = await startLicenseServer(db.url);
    const startupMs = performance.now() - starting;
    try {
      const rate = participants / config.refreshIntervalSec;
      const options = { urls: [server.baseUrl], connections: SCALE_CONNECTIONS, rate };
      await runLoad(rotation, { ...options, seconds: config.warmupSeconds });
      say(
        `scale: ${participants.toLocaleString("en-US")} participants refreshing, ${rate.toFixed(0)} calls/s for ${config.scaleSeconds} s`,
      );
      const { result, cpuShare } = await cpuShareDuring(server.pid, () =>
        runLoad(rotation, { ...options, seconds: config.scaleSeconds }),
      );
      const memory = memoryMb(server.pid);
      // After the CPU window, under the same refresh load: the page's own cost stays out of the refresh figures.
      const [participantsPage] = await Promise.all([
        measureParticipantsPage(server.baseUrl, PAGE_SAMPLES, PAGE_GAP_MS, setupCodeIn(server.output())),
        runLoad(rotation, { ...options, seconds: Math.ceil((PAGE_SAMPLES * PAGE_GAP_MS) / 1000) }),
      ]);
      rows.push({
        participants,
        targetCallsPerSec: rate,
        refresh: result,
        cpuShare,
        rssMb: memory.rss,
        peakRssMb: memory.peak,
        participantsPage,
        startupMs,
      });
    } finally {
      await server.stop();
      await db.drop();
    }
  }
  return rows;
}
