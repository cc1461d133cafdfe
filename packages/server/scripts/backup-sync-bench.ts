/**
 * Backup sync at fleet scale: 100,000 participants seeded straight into the main server's
 * database, 1 % of them changing per sync interval, a real main server process and a real backup
 * process. Measures the bytes of each backup.sync answer and the backup's CPU time per sync (from
 * the backup's own debug log line "backup sync applied"), then kills the main server with SIGKILL
 * and measures how long until the backup serves an appliance.
 *
 *   node --import tsx packages/server/scripts/backup-sync-bench.ts
 *   (BENCH_PARTICIPANTS=100000 BENCH_SYNC_MS=10000 BENCH_INTERVALS=5 are the defaults)
 *
 * The changes are written by this script's own pool transactions on the main database while its
 * server runs, so that server's own reclaim sweep must stay idle: the seeded leases are renewed
 * BENCH_SEEN_AHEAD_MS (1 h) ahead.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations, Store } from "@sls/db";
import { insertParticipants } from "@sls/db/testing";
import { hashSharedSecret } from "../src/auth/secret.ts";
import { hashToken } from "../src/auth/token.ts";
import { waitFor } from "../test/kit/wait-for.ts";
import { freePort, startServerProcess, type ServerProcess } from "../test/kit/processes.ts";

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 100_000);
const SYNC_MS = Number(process.env.BENCH_SYNC_MS ?? 10_000);
const INTERVALS = Number(process.env.BENCH_INTERVALS ?? 5);
const CHANGING = Math.round(PARTICIPANTS / 100);
const KEY = "bench-backup-link-key-0123456789abcdefghijkl";
const SECRET = "bench-shared-secret";
const GRANT = 10;

interface SyncLine {
  full: boolean;
  participants: number;
  removed: number;
  bytes: number;
  cpuMs: number;
  ms: number;
  seq: string;
}

const idOf = (i: number) => `ptc_bench${String(i).padStart(7, "0")}`;
const tokenOf = (i: number) => `bench-token-${i}`;

async function seedMain(url: string, backupPort: number): Promise<void> {
  await applyMigrations(url);
  const store = Store.open(url);
  const at = new Date();
  // Leases renewed an hour ahead: the main server's reclaim sweep must not take the idle seeded
  // fleet's grants while the changes below are measured.
  const seenAt = new Date(at.getTime() + Number(process.env.BENCH_SEEN_AHEAD_MS ?? 3600_000));
  await store.seedServer({
    poolSize: 1_000_000,
    refreshIntervalSec: 30,
    secretHash: await hashSharedSecret(SECRET),
    at,
  });
  const rows = Array.from({ length: PARTICIPANTS }, (_, i) => ({
    id: idOf(i),
    serial: `BENCH${String(i).padStart(7, "0")}`,
    hostname: `asa-${i}.fleet.example.net`,
    model: "ASA5585-X",
    platformLimit: 1000,
    localLimit: 100,
    approved: true,
    tokenHash: hashToken(tokenOf(i)),
    granted: i % 2 === 0 ? GRANT : 0,
    registeredAt: at,
    lastSeenAt: seenAt,
  }));
  await insertParticipants(store, rows);
  await store.inPoolTransaction(async (pool) => {
    await pool.writeSettings({ backupAddress: `127.0.0.1:${backupPort}`, backupSerial: "BENCHBACKUP" });
    await pool.writePool({ ...pool.server, grantedTotal: (PARTICIPANTS / 2) * GRANT });
  });
  await store.close();
}

/** One interval's worth of changes in one pool transaction: 1 % of the fleet swaps its grant, the rest bump a lease figure. */
async function changeOnePercent(store: Store, round: number): Promise<void> {
  const first = (round * CHANGING) % PARTICIPANTS;
  const ids = Array.from({ length: CHANGING }, (_, k) => idOf((first + k) % PARTICIPANTS));
  await store.inPoolTransaction(async (pool) => {
    await pool.preload({ participantIds: ids, appliedRequests: [] });
    const current = [];
    for (const id of ids) {
      const participant = await pool.findParticipantById(id);
      if (participant) current.push(participant);
    }
    const holders = current.filter((p) => p.granted > 0);
    const free = current.filter((p) => p.granted === 0);
    const pairs = Math.min(holders.length, free.length);
    const swapped = [...holders.slice(0, pairs), ...free.slice(0, pairs)];
    await pool.writeAllocations(
      swapped.map((p) => ({
        id: p.id,
        granted: p.granted > 0 ? 0 : GRANT,
        pending: p.pending,
        pendingSeq: p.pendingSeq,
      })),
    );
    const rest = current.filter((p) => !swapped.includes(p));
    for (const p of rest) await pool.updateParticipant(p.id, { highWater: p.highWater + 1 });
  });
}

function syncLines(backup: ServerProcess): SyncLine[] {
  return backup
    .output()
    .split("\n")
    .filter((line) => line.includes('"backup sync applied"'))
    .map((line) => JSON.parse(line) as SyncLine);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sls-backup-bench-"));
  const mainUrl = `file:${path.join(dir, "main.db")}`;
  const backupUrl = `file:${path.join(dir, "backup.db")}`;
  const [mainPort, backupPort] = [await freePort(), await freePort()];
  const seedStart = performance.now();
  await seedMain(mainUrl, backupPort);
  console.log(`seeded ${PARTICIPANTS} participants in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const mainEnv = {
    PORT: String(mainPort),
    DATABASE_URL: mainUrl,
    SLS_BACKUP_KEY: KEY,
    SLS_SYNC_INTERVAL_MS: String(SYNC_MS),
    SLS_LOG_LEVEL: "warn",
  };
  const mainProcess = await startServerProcess(mainEnv);
  const backup = await startServerProcess({
    PORT: String(backupPort),
    DATABASE_URL: backupUrl,
    SLS_ROLE: "backup",
    SLS_MAIN_URL: `127.0.0.1:${mainPort}`,
    SLS_BACKUP_SERIAL: "BENCHBACKUP",
    SLS_BACKUP_KEY: KEY,
    SLS_SYNC_INTERVAL_MS: String(SYNC_MS),
    SLS_LOG_LEVEL: "debug",
  });
  const mainStore = Store.open(mainUrl);
  try {
    const full = await waitFor(async () => syncLines(backup).find((s) => s.full), {
      what: "the first full snapshot",
      timeoutMs: 1_200_000,
    });
    console.log(
      `full snapshot: ${full.participants} participants, ${kb(full.bytes)}, backup CPU ${full.cpuMs} ms, ${full.ms} ms`,
    );
    const deltas: SyncLine[] = [];
    for (let round = 0; round < INTERVALS; round++) {
      const seen = syncLines(backup).length;
      await changeOnePercent(mainStore, round);
      const line = await waitFor(
        async () =>
          syncLines(backup)
            .slice(seen)
            .find((s) => !s.full && s.participants >= CHANGING),
        { what: "the delta", timeoutMs: 5 * SYNC_MS + 60_000 },
      );
      deltas.push(line);
      console.log(
        `delta ${round + 1}: ${line.participants} participants, ${kb(line.bytes)}, backup CPU ${line.cpuMs} ms, ${line.ms} ms`,
      );
    }
    const idle = syncLines(backup).filter((s) => !s.full && s.participants < CHANGING);

    // Takeover: kill -9 the main server; an appliance keeps calling the backup until it serves.
    const holder = 0;
    const killedAt = performance.now();
    await mainProcess.crash();
    let calls = 0;
    await waitFor(
      async () => {
        calls += 1;
        const response = await fetch(`http://127.0.0.1:${backupPort}/api/trpc/appliance.refresh`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(holder)}` },
          body: JSON.stringify({ inUse: 1 }),
        });
        const body = (await response.json()) as { result?: { data: { granted: number } } };
        return body.result?.data.granted === GRANT || (body.result && body.result.data.granted >= 0);
      },
      { what: "the backup to serve", timeoutMs: 10 * SYNC_MS + 60_000 },
    );
    const takeoverMs = performance.now() - killedAt;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const summary = {
      participants: PARTICIPANTS,
      changingPerInterval: CHANGING,
      syncIntervalMs: SYNC_MS,
      fullSnapshot: { bytes: full.bytes, backupCpuMs: full.cpuMs, ms: full.ms },
      delta: {
        bytesMedian: median(deltas.map((d) => d.bytes)),
        bytesMax: Math.max(...deltas.map((d) => d.bytes)),
        backupCpuMsMedian: median(deltas.map((d) => d.cpuMs)),
        backupCpuMsMax: Math.max(...deltas.map((d) => d.cpuMs)),
        msMedian: median(deltas.map((d) => d.ms)),
      },
      idleSync:
        idle.length > 0
          ? { bytesMedian: median(idle.map((d) => d.bytes)), backupCpuMsMedian: median(idle.map((d) => d.cpuMs)) }
          : null,
      takeover: {
        ms: Math.round(takeoverMs),
        syncIntervals: Number((takeoverMs / SYNC_MS).toFixed(2)),
        appliancePolls: calls,
      },
    };
    console.log(JSON.stringify(summary, null, 2));
  } catch (error) {
    console.error(`backup log (last lines):\n${backup.output().split("\n").slice(-15).join("\n")}`);
    throw error;
  } finally {
    await mainStore.close();
    await backup.stop();
    await mainProcess.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
