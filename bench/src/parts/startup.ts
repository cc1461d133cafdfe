import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { applyMigrations, Store } from "@sls/db";
import { addSilentParticipants } from "@sls/db/testing";
import { freePort, seedFleet } from "@sls/server/testing";
import { config } from "../config.ts";
import { freshSqlite } from "../databases.ts";
import { memoryMb } from "../proc.ts";

export interface StartupRow {
  participants: number;
  /** Spawn until GET /api/health first answers: the listeners are open. */
  listeningMs: number;
  /** Spawn until GET /api/ready first answers 200: leases loaded, console prepared. */
  readyMs: number;
  /** The server's own "leases loaded" log line: how many it keeps in memory, and how long they took. */
  leasesLoaded: { participants: number; ms: number } | null;
  /** VmRSS of the server process itself when it was first ready, and after SETTLE_MS idle. */
  rssAtReadyMb: number;
  rssIdleMb: number;
  /** VmHWM: the most it was resident, up to the idle reading. */
  peakRssMb: number;
}

const say = (line: string) => console.log(`[bench] ${line}`);
/** The production entry, as `npm start` and the archive run it (built by `pnpm turbo run build --filter=@sls/web...`). */
const BUILT_SERVER = path.resolve(import.meta.dirname, "../../../apps/web/dist/server.js");
/** Participants seeded with tokens the bench knows; the rest are copied from them in bulk (seeding is 0.6 ms a row). */
const WITH_TOKENS = 1_000;
const SETTLE_MS = 5_000;
const POLL_MS = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Start-up and resident memory of the built server (console and API, SQLite) over N registered
 * participants, up to `BENCH_STARTUP_RECENT` (100,000) of them seen a moment ago and the rest a
 * day ago (a million appliances all calling every 30 s would be 33,000 calls a second): spawn to
 * the first answer of /api/health (listening) and to /api/ready answering 200, VmRSS at ready and
 * after 5 s idle, read from /proc/<pid>/status of the server process itself.
 */
export async function runStartupPart(): Promise<StartupRow[]> {
  if (!existsSync(BUILT_SERVER))
    throw new Error(`${BUILT_SERVER} is missing: build it first (pnpm turbo run build --filter=@sls/web...)`);
  const rows: StartupRow[] = [];
  for (const participants of config.startupSizes) {
    const db = freshSqlite(`startup${participants}`);
    try {
      await applyMigrations(db.url, () => {});
      if (participants > 0) {
        say(`startup: seeding ${participants.toLocaleString("en-US")} participants`);
        await seedFleet(
          { databaseUrl: db.url },
          { count: Math.min(participants, WITH_TOKENS), prefix: "START", platformLimit: 1_000_000, localLimit: 0 },
        );
      }
      const store = Store.open(db.url);
      try {
        // A restart, not a first start: the settings row is there (a first start also hashes the secret).
        await store.seedServer({ poolSize: 1_000_000, refreshIntervalSec: 30, secretHash: null, at: new Date() });
        // Seen a moment ago, up to `startupRecent`; the rest last called a day ago.
        const withTokens = Math.min(participants, WITH_TOKENS);
        const recent = Math.min(participants, config.startupRecent);
        await addSilentParticipants(store, recent - withTokens);
        await addSilentParticipants(store, participants - recent, {
          from: Math.max(recent - withTokens, 0),
          lastSeenAt: new Date(Date.now() - DAY_MS),
        });
      } finally {
        await store.close();
      }
      say(`startup: the built server over ${participants.toLocaleString("en-US")} participants`);
      rows.push(await measureStart(db.url, participants));
    } finally {
      await db.drop();
    }
  }
  return rows;
}

async function measureStart(databaseUrl: string, participants: number): Promise<StartupRow> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  const child = spawn(process.execPath, [BUILT_SERVER], {
    cwd: path.dirname(path.dirname(BUILT_SERVER)),
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SLS_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    let listeningMs: number | null = null;
    let readyMs: number | null = null;
    while (readyMs === null) {
      if (child.exitCode !== null) throw new Error(`the server exited while starting:\n${output}`);
      if (performance.now() - spawned > 120_000) throw new Error(`not ready after 120 s:\n${output}`);
      if (listeningMs === null && (await status(`${baseUrl}/api/health`)) !== null)
        listeningMs = performance.now() - spawned;
      if (listeningMs !== null && (await status(`${baseUrl}/api/ready`)) === 200) readyMs = performance.now() - spawned;
      else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const atReady = memoryMb(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idle = memoryMb(child.pid!);
    return {
      participants,
      listeningMs: listeningMs ?? readyMs,
      readyMs,
      leasesLoaded: leasesLoadedOf(output),
      rssAtReadyMb: atReady.rss,
      rssIdleMb: idle.rss,
      peakRssMb: idle.peak,
    };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function status(url: string): Promise<number | null> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null; // not listening yet
  }
}

/** The "leases loaded" line the server logs at start (JSON lines). */
export function leasesLoadedOf(output: string): StartupRow["leasesLoaded"] {
  for (const line of output.split("\n")) {
    if (!line.includes('"leases loaded"')) continue;
    const { participants, ms } = JSON.parse(line) as { participants: number; ms: number };
    return { participants, ms };
  }
  return null;
}
