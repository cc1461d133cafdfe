import { seedFleet, type SeededParticipant } from "@sls/server/testing";
import {
  ApplianceMix,
  FLAPPING,
  GRANTS,
  RefreshRotation,
  STEADY,
  type CallSource,
  type Cycle,
} from "../call-sources.ts";
import { config } from "../config.ts";
import { freshPostgres, freshSqlite, type BenchDatabase } from "../databases.ts";
import { checkLedger, type LedgerCheck } from "@sls/server/testing";
import { runLoad, type LoadResult } from "../load.ts";
import { runOpenLoop } from "../open-loop.ts";
import { batchTotals, eventLoopDelay, type EventLoopDelay, lockSeconds } from "../metrics.ts";
import { cpuSeconds } from "../proc.ts";
import { startBareServer, startLicenseServer, type ServerProcess } from "../processes.ts";

type Workload = "steady" | "flapping" | "refresh" | "grants";

export interface MixRow {
  target: string;
  database: "none" | "sqlite" | "postgresql";
  processes: number;
  workload: Workload;
  /** Closed loop (64 connections, each sends when answered) or open loop (a fixed offered rate). */
  loop: "closed" | "open";
  result: LoadResult | null;
  /** calls/s as a share of bare node:http's, the headline. */
  ofBare: number | null;
  /** p99 as a multiple of bare node:http's p99 in the same run (closed loop only). */
  p99OfBare: number | null;
  /** Share of the run the pool lock was held, summed over the processes (from /metrics). */
  lockBusy: number | null;
  /**
   * The server processes' CPU (user + system, from /proc) per answered call, in ms: unlike calls/s
   * it hardly moves with what else runs on the machine.
   */
  cpuMsPerCall: number;
  /** The server's event-loop delay p99 and maximum during the run (the slowest process's). */
  eventLoop: EventLoopDelay | null;
  /** Calls per committed batch during the run (from /metrics), the group commit's depth. */
  meanBatch: number | null;
  /** Connections of the run (the mixes: BENCH_CONNECTIONS; grant calls only: BENCH_GRANT_CONNECTIONS). */
  connections: number;
  ledger: LedgerCheck | null;
  skipped?: string;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const GENTLE_WARMUP_SECONDS = 2;
const GENTLE_WARMUP_CONNECTIONS = 4;
const CYCLES: Record<Exclude<Workload, "refresh">, Cycle> = { steady: STEADY, flapping: FLAPPING, grants: GRANTS };
export const WORKLOAD_NAMES: Record<Workload, string> = {
  steady: "appliance mix 80/10/10",
  flapping: "flapping mix ⅓ each",
  refresh: "refresh only",
  grants: "grant calls only (request 50 / release 50)",
};

interface RowPlan {
  workload: Workload;
  loop: "closed" | "open";
  /**
   * Grant calls only run at BENCH_GRANT_CONNECTIONS (20), so that batches hold about ten calls (one commits while the next fills):
   * the server's CPU per grant-changing call in a batch of 10 is its figure.
   */
  fewConnections?: true;
}

const DATABASES: Array<{ database: "sqlite" | "postgresql"; processes: number; rows: RowPlan[] }> = [
  {
    database: "sqlite",
    processes: 1,
    rows: [
      { workload: "steady", loop: "closed" },
      { workload: "flapping", loop: "closed" },
      { workload: "refresh", loop: "closed" },
      { workload: "grants", loop: "closed", fewConnections: true },
      { workload: "steady", loop: "open" },
    ],
  },
  {
    database: "postgresql",
    processes: 1,
    rows: [
      { workload: "steady", loop: "closed" },
      { workload: "flapping", loop: "closed" },
      { workload: "grants", loop: "closed", fewConnections: true },
      { workload: "steady", loop: "open" },
    ],
  },
  { database: "postgresql", processes: 2, rows: [{ workload: "steady", loop: "closed" }] },
];

export function source(
  workload: Workload,
  participants: SeededParticipant[],
): CallSource & { acknowledged?: () => Map<string, number> } {
  return workload === "refresh" ? new RefreshRotation(participants) : new ApplianceMix(participants, CYCLES[workload]);
}

/**
 * A warm-up (JIT, connection pools, page cache, leases; its figures are thrown away), then the
 * measured run. They use different participants: calls cut off at the end of the warm-up leave
 * their participant's grant unknown.
 */
export async function measure(
  warmup: CallSource,
  measured: CallSource,
  urls: string[],
  loop: "closed" | "open",
  pids: number[],
  lockSecondsOf?: (urls: string[]) => Promise<number>,
  connections = config.connections,
): Promise<{
  result: LoadResult;
  lockBusy: number | null;
  eventLoop: EventLoopDelay | null;
  cpuMsPerCall: number;
  meanBatch: number | null;
}> {
  // A few connections first: 64 cold calls at once all wait for the same first-use work (JIT,
  // Prisma's query plans, the database pool) and the warm-up would measure that instead.
  await runLoad(warmup, { urls, seconds: GENTLE_WARMUP_SECONDS, connections: GENTLE_WARMUP_CONNECTIONS });
  await runLoad(warmup, { urls, seconds: config.warmupSeconds, connections });
  const lockBefore = lockSecondsOf ? await lockSecondsOf(urls) : 0;
  const batchesBefore = lockSecondsOf ? await batchTotals(urls) : null;
  // The event-loop delay is reset by each scrape (prom-client), so this one starts the window.
  const watchLoop = lockSecondsOf !== undefined;
  if (watchLoop) await eventLoopDelay(urls);
  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const cpuBefore = cpu();
  const load = { urls, seconds: config.seconds, connections };
  const result =
    loop === "open"
      ? await runOpenLoop(measured, { ...load, rate: config.openLoopRate })
      : await runLoad(measured, load);
  const cpuMsPerCall = ((cpu() - cpuBefore) * 1000) / Math.max(1, result.calls);
  const eventLoop = watchLoop ? await eventLoopDelay(urls) : null;
  const lockBusy = lockSecondsOf ? ((await lockSecondsOf(urls)) - lockBefore) / result.seconds : null;
  const batchesAfter = batchesBefore ? await batchTotals(urls) : null;
  const meanBatch =
    batchesBefore && batchesAfter && batchesAfter.batches > batchesBefore.batches
      ? (batchesAfter.calls - batchesBefore.calls) / (batchesAfter.batches - batchesBefore.batches)
      : null;
  return { result, lockBusy, eventLoop, cpuMsPerCall, meanBatch };
}

/** Parts 1 and 2: the appliance workloads against bare node:http, SQLite, PostgreSQL with one and two processes. */
export async function runMixPart(): Promise<MixRow[]> {
  const rows: MixRow[] = [];

  say(`bare node:http, ${config.connections} connections, ${config.seconds} s`);
  const bare = await startBareServer();
  const fakeParticipants = Array.from({ length: config.mixParticipants }, (_, i) => ({
    serial: `B${i}`,
    token: `t${i}`,
  }));
  const bareRows: Partial<Record<"closed" | "open", LoadResult>> = {};
  try {
    for (const loop of ["closed", "open"] as const) {
      if (loop === "open") say(`bare node:http, open loop ${config.openLoopRate.toLocaleString("en-US")}/s`);
      const { result, cpuMsPerCall } = await measure(
        new ApplianceMix(fakeParticipants),
        new ApplianceMix(fakeParticipants),
        [bare.baseUrl],
        loop,
        [bare.pid],
      );
      bareRows[loop] = result;
      rows.push({
        target: `bare node:http (same body size)${loop === "open" ? `, open loop ${config.openLoopRate.toLocaleString("en-US")}/s` : ""}`,
        database: "none",
        processes: 1,
        workload: "steady",
        loop,
        result,
        ofBare: loop === "closed" ? 1 : null,
        p99OfBare: loop === "closed" ? 1 : null,
        lockBusy: null,
        cpuMsPerCall,
        eventLoop: null,
        meanBatch: null,
        connections: config.connections,
        ledger: null,
      });
    }
  } finally {
    await bare.stop();
  }
  const bareResult = bareRows.closed!;

  for (const { database, processes, rows: plans } of DATABASES.filter((d) =>
    config.mixDatabases.includes(d.database),
  )) {
    const label = `${database === "sqlite" ? "SQLite" : "PostgreSQL"}, ${processes} process${processes > 1 ? "es" : ""}`;
    const db: BenchDatabase | { unavailable: string } =
      database === "sqlite" ? freshSqlite(`mix${processes}`) : await freshPostgres(`mix${processes}`);
    if ("unavailable" in db) {
      say(`${label}: SKIPPED, PostgreSQL unreachable (${db.unavailable})`);
      for (const plan of plans) rows.push(skippedRow(plan, database, processes, label));
      continue;
    }
    const servers: ServerProcess[] = [];
    try {
      // One at a time: the first applies the migrations and seeds the settings.
      for (let i = 0; i < processes; i++)
        servers.push(await startLicenseServer(db.url, { SLS_SERVER_ID: `bench-${i + 1}` }));
      const urls = servers.map((s) => s.baseUrl);
      for (const [n, plan] of plans.entries()) {
        const target = `${WORKLOAD_NAMES[plan.workload]}, ${label}${plan.loop === "open" ? `, open loop ${config.openLoopRate.toLocaleString("en-US")}/s` : ""}`;
        const connections = plan.fewConnections ? config.grantConnections : config.connections;
        say(`${target}, ${connections} connections, ${config.seconds} s`);
        const seeded = await seedFleet(
          { databaseUrl: db.url },
          { count: 2 * config.mixParticipants, prefix: `M${n}X`, platformLimit: 1_000_000, localLimit: 0 },
        );
        const measured = source(plan.workload, seeded.slice(config.mixParticipants));
        const { result, lockBusy, eventLoop, cpuMsPerCall, meanBatch } = await measure(
          source(plan.workload, seeded.slice(0, config.mixParticipants)),
          measured,
          urls,
          plan.loop,
          servers.map((s) => s.pid),
          lockSeconds,
          connections,
        );
        const ledger = measured.acknowledged ? await checkLedger(db.url, measured.acknowledged()) : null;
        rows.push({
          target,
          database,
          processes,
          ...plan,
          result,
          ofBare: result.callsPerSec / bareResult.callsPerSec,
          p99OfBare: plan.loop === "closed" ? result.p99 / Math.max(1, bareResult.p99) : null,
          lockBusy,
          cpuMsPerCall,
          eventLoop,
          meanBatch,
          connections,
          ledger,
        });
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.drop();
    }
  }
  return rows;
}

function skippedRow(plan: RowPlan, database: "sqlite" | "postgresql", processes: number, label: string): MixRow {
  return {
    target: `${WORKLOAD_NAMES[plan.workload]}, ${label}`,
    database,
    processes,
    ...plan,
    result: null,
    ofBare: null,
    p99OfBare: null,
    lockBusy: null,
    cpuMsPerCall: 0,
    eventLoop: null,
    meanBatch: null,
    connections: plan.fewConnections ? config.grantConnections : config.connections,
    ledger: null,
    skipped: "PostgreSQL unreachable",
  };
}
