import { ApplianceMix, type CallSource } from "../call-sources.ts";
import { config } from "../config.ts";
import { freshPostgres, freshSqlite, type BenchDatabase } from "../databases.ts";
import { checkLedger, type LedgerCheck } from "../ledger.ts";
import { runLoad, type LoadResult } from "../load.ts";
import { startBareServer, startLicenseServer, type ServerProcess } from "../processes.ts";
import { seedParticipants } from "../seed.ts";

export interface MixRow {
  target: string;
  result: LoadResult | null;
  /** calls/s as a share of bare node:http's, the headline. */
  ofBare: number | null;
  ledger: LedgerCheck | null;
  skipped?: string;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const GENTLE_WARMUP_SECONDS = 2;
const GENTLE_WARMUP_CONNECTIONS = 4;

/**
 * A warm-up (JIT, connection pools, page cache; its figures are thrown away), then the measured
 * run. They use different participants: calls cut off at the end of the warm-up leave their
 * participant's grant unknown.
 */
async function measure(warmup: CallSource, measured: CallSource, urls: string[]): Promise<LoadResult> {
  // A few connections first: 64 cold calls at once all wait for the same first-use work (JIT,
  // Prisma's query plans, the database pool) and the warm-up would measure that instead.
  await runLoad(warmup, { urls, seconds: GENTLE_WARMUP_SECONDS, connections: GENTLE_WARMUP_CONNECTIONS });
  await runLoad(warmup, { urls, seconds: config.warmupSeconds, connections: config.connections });
  return runLoad(measured, { urls, seconds: config.seconds, connections: config.connections });
}

/** Parts 1 and 2: the appliance mix against bare node:http, SQLite, PostgreSQL with one and two processes. */
export async function runMixPart(): Promise<MixRow[]> {
  const rows: MixRow[] = [];

  say(`bare node:http, ${config.connections} connections, ${config.seconds} s`);
  const bare = await startBareServer();
  const fakeParticipants = Array.from({ length: config.mixParticipants }, (_, i) => ({ serial: `B${i}`, token: `t${i}` }));
  const bareResult = await measure(new ApplianceMix(fakeParticipants), new ApplianceMix(fakeParticipants), [bare.baseUrl]).finally(() => bare.stop());
  rows.push({ target: "bare node:http (same body size)", result: bareResult, ofBare: 1, ledger: null });

  const targets: Array<{ target: string; processes: number; database: () => Promise<BenchDatabase | { unavailable: string }> }> = [
    { target: "appliance mix, SQLite, 1 process", processes: 1, database: async () => freshSqlite("mix") },
    { target: "appliance mix, PostgreSQL, 1 process", processes: 1, database: () => freshPostgres("mix1") },
    { target: "appliance mix, PostgreSQL, 2 processes", processes: 2, database: () => freshPostgres("mix2") },
  ];
  for (const { target, processes, database } of targets) {
    const db = await database();
    if ("unavailable" in db) {
      say(`${target}: SKIPPED, PostgreSQL unreachable (${db.unavailable})`);
      rows.push({ target, result: null, ofBare: null, ledger: null, skipped: "PostgreSQL unreachable" });
      continue;
    }
    say(`${target}, ${config.connections} connections, ${config.seconds} s`);
    const servers: ServerProcess[] = [];
    try {
      // One at a time: the first applies the migrations and seeds the settings.
      for (let i = 0; i < processes; i++) servers.push(await startLicenseServer(db.url, { SLS_SERVER_ID: `bench-${i + 1}` }));
      const seeded = await seedParticipants(db.url, 2 * config.mixParticipants, "MIX");
      const mix = new ApplianceMix(seeded.slice(config.mixParticipants));
      const result = await measure(new ApplianceMix(seeded.slice(0, config.mixParticipants)), mix, servers.map((s) => s.baseUrl));
      await Promise.all(servers.map((s) => s.stop()));
      const ledger = await checkLedger(db.url, mix.acknowledged());
      rows.push({ target, result, ofBare: result.callsPerSec / bareResult.callsPerSec, ledger });
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.drop();
    }
  }
  return rows;
}
