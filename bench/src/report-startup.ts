// The start-up part of the bench output: spawn to ready, and the server process's resident memory.
import type { StartupRow } from "./parts/startup.ts";

/** The issue's targets for a starting server (SQLite; memory of the process alone). */
export const STARTUP_TARGETS = {
  idleRssMb: 150,
  /** Resident memory by participants registered. */
  rssMbAt: { 100000: 250, 1000000: 800 } as Record<number, number>,
  /** Spawn to /api/ready answering 200, by participants registered. */
  readyMsAt: { 10000: 2_000, 1000000: 5_000 } as Record<number, number>,
};

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? "yes" : "**no**");

export function startupTable(rows: StartupRow[]): string {
  const header = [
    "participants",
    "listening after",
    "ready (200) after",
    "leases kept (loaded in)",
    "RSS at ready MB",
    "RSS idle 5 s later MB",
    "peak MB",
  ];
  const body = rows.map((row) => [
    int(row.participants),
    sec(row.listeningMs),
    sec(row.readyMs),
    row.leasesLoaded ? `${int(row.leasesLoaded.participants)} (${sec(row.leasesLoaded.ms)})` : "n/a",
    int(row.rssAtReadyMb),
    int(row.rssIdleMb),
    int(row.peakRssMb),
  ]);
  return [header, header.map(() => "---"), ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** Each start-up target the run has a row for, with its figure. */
export function startupTargetLines(rows: StartupRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const rssTarget = row.participants === 0 ? STARTUP_TARGETS.idleRssMb : STARTUP_TARGETS.rssMbAt[row.participants];
    if (rssTarget !== undefined)
      lines.push(
        `${row.participants === 0 ? "idle server" : `${int(row.participants)} participants`}: RSS ${int(row.rssIdleMb)} MB idle, ${int(row.peakRssMb)} MB peak (target ≤ ${rssTarget} MB): ${verdict(row.rssIdleMb <= rssTarget)} idle, ${verdict(row.peakRssMb <= rssTarget)} peak`,
      );
    const readyTarget = STARTUP_TARGETS.readyMsAt[row.participants];
    if (readyTarget !== undefined)
      lines.push(
        `${int(row.participants)} participants: ready after ${sec(row.readyMs)} (target ≤ ${sec(readyTarget)}): ${verdict(row.readyMs <= readyTarget)}`,
      );
  }
  return lines;
}
