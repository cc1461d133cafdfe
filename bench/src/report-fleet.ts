// The fleet-scale parts of the bench output: the registration storm and the million participants.
import type { FloodRow } from "./parts/flood.ts";
import type { MillionRow } from "./parts/million.ts";
import type { StormRow } from "./parts/storm.ts";

/** The issues' targets for these rows (issue 8). */
export const FLEET_TARGETS = {
  stormAllRegisteredSec: 20,
  millionStartupSec: 30,
  millionRssMb: 1024,
  /** A participant's request+release p99 while another address floods random tokens. */
  floodP99Ms: 50,
};

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (Number.isNaN(n) ? "-" : n.toFixed(1));
const verdict = (ok: boolean) => (ok ? "yes" : "**no**");
const share = (cpu: number) => `${(cpu * 100).toFixed(0)} % of a core`;

function markdown(header: string[], rows: string[][]): string {
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function kinds(total: number, byKind: Record<string, number>): string {
  const named = Object.entries(byKind).map(([kind, count]) => `${int(count)} ${kind}`);
  return named.length ? `${int(total)} (${named.join(", ")})` : int(total);
}

export function stormTable(row: StormRow): string {
  return markdown(
    [
      "appliances",
      "all registered after",
      "calls answered",
      "p50 / p99 ms (all)",
      "p50 / p99 ms (accepted)",
      "OVERLOADED",
      "RATE_LIMITED",
      "errors",
      "server CPU (per call)",
      "server RSS peak MB",
    ],
    [
      [
        `${int(row.appliances)} (${int(row.inDatabase)} in the database)`,
        row.allRegisteredSec === null
          ? `**${int(row.registered)} registered**`
          : `${row.allRegisteredSec.toFixed(1)} s`,
        int(row.calls),
        `${ms(row.p50)} / ${ms(row.p99)}`,
        `${ms(row.acceptedP50)} / ${ms(row.acceptedP99)}`,
        int(row.overloaded),
        int(row.rateLimited),
        kinds(row.errors, row.errorKinds),
        `${share(row.cpuShare)} (${row.cpuMsPerCall.toFixed(1)} ms)`,
        int(row.peakRssMb),
      ],
    ],
  );
}

export function millionTable(row: MillionRow): string {
  const loaded = row.leasesLoaded
    ? `${int(row.leasesLoaded.participants)} in ${(row.leasesLoaded.ms / 1000).toFixed(1)} s`
    : "n/a";
  return markdown(
    [
      "participants",
      "seeded in",
      "start-up (leases loaded)",
      "RSS after start / peak MB",
      "refreshing",
      "refresh calls/s (target)",
      "p50 / p99 ms",
      "errors",
      "server CPU",
    ],
    [
      [
        int(row.participants),
        `${row.seedSeconds.toFixed(0)} s`,
        `${row.startupSeconds.toFixed(1)} s (${loaded})`,
        `${int(row.rssAfterStartMb)} / ${int(row.peakRssMb)}`,
        int(row.refreshing),
        `${int(row.refresh.callsPerSec)} (${int(row.targetCallsPerSec)})`,
        `${row.refresh.p50} / ${row.refresh.p99}`,
        kinds(row.refresh.errors, row.refresh.errorKinds),
        share(row.cpuShare),
      ],
    ],
  );
}

/** Each fleet target with the figure measured against it. */
export function fleetTargetLines(storm: StormRow | null, million: MillionRow | null): string[] {
  const lines: string[] = [];
  if (storm) {
    const sec = storm.allRegisteredSec;
    lines.push(
      `registration storm of ${int(storm.appliances)}: ${sec === null ? `only ${int(storm.registered)} registered` : `all registered in ${sec.toFixed(1)} s`} ` +
        `(target ≤ ${FLEET_TARGETS.stormAllRegisteredSec} s): ${verdict(sec !== null && sec <= FLEET_TARGETS.stormAllRegisteredSec)}; accepted p99 ${ms(storm.acceptedP99)} ms`,
    );
  }
  if (million) {
    lines.push(
      `${int(million.participants)} participants: start-up ${million.startupSeconds.toFixed(1)} s (target ≤ ${FLEET_TARGETS.millionStartupSec} s): ` +
        `${verdict(million.startupSeconds <= FLEET_TARGETS.millionStartupSec)}; RSS ${int(million.peakRssMb)} MB peak (target ≤ ${int(FLEET_TARGETS.millionRssMb)}): ` +
        verdict(million.peakRssMb <= FLEET_TARGETS.millionRssMb),
    );
  }
  return lines;
}

export function floodTable(rows: FloodRow[]): string {
  return markdown(
    [
      "database",
      "flood calls/s",
      "flood answers",
      "pairs (quiet / flooded)",
      "p50 / p99 ms without the flood",
      "p50 / p99 ms under the flood",
      "participant refused",
    ],
    rows.map((row) => [
      row.database,
      int(row.flood.perSecond),
      Object.entries(row.flood.byStatus)
        .map(([status, count]) => `${int(count)} × ${status}`)
        .join(", "),
      `${int(row.quiet.pairs)} / ${int(row.flooded.pairs)}`,
      `${ms(row.quiet.p50)} / ${ms(row.quiet.p99)}`,
      `${ms(row.flooded.p50)} / ${ms(row.flooded.p99)}`,
      int(row.refused),
    ]),
  );
}

export function floodTargetLines(rows: FloodRow[]): string[] {
  return rows.map(
    (row) =>
      `random-token flood, ${row.database}: participant's request+release p99 ${ms(row.flooded.p99)} ms (target ≤ ${FLEET_TARGETS.floodP99Ms} ms): ${verdict(row.flooded.p99 <= FLEET_TARGETS.floodP99Ms)}; refused ${int(row.refused)} times (target 0): ${verdict(row.refused === 0)}`,
  );
}
