import { config } from "./config.ts";
import type { LoadResult } from "./load.ts";
import type { LightRow } from "./parts/light.ts";
import type { MixRow } from "./parts/mix.ts";
import type { ScaleRow } from "./parts/scale.ts";

/** The targets for this machine (2 cores shared by load and server). */
export const TARGETS = {
  /** The steady mix on SQLite, one process, of bare node:http's calls/s. */
  sqliteShareOfBare: 0.25,
  /** The flapping mix (⅓ each request, release, refresh) on SQLite, one process. */
  flappingShareOfBare: 0.25,
  /** The steady mix on PostgreSQL, one process. */
  postgresShareOfBare: 0.15,
  refreshShareOfBare: 0.4,
  /** Closed-loop p99 as a multiple of bare node:http's p99 in the same run. */
  p99OfBare: 4,
  /** Open loop at the offered rate, against bare node:http's open-loop row at the same rate. */
  openLoopP50OverBareMs: 3,
  openLoopP99OfBare: 1.5,
  twoProcessRatio: 1.3,
  lockBusy: 0.5,
  /** `request` p99 at the appliance under the demo's light load, on a quiet machine. */
  lightRequestP99Ms: 10,
  scaleParticipants: 100_000,
  scaleRssMb: 300,
  scaleCpuShare: 0.25,
  /** Server CPU per grant-changing call when batches hold about ten calls (the grant-calls-only rows). */
  grantCpuMsPerCall: 0.3,
};

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "yes" : "**no**");

function errorsCell(result: LoadResult): string {
  const kinds = Object.entries(result.errorKinds).map(([kind, count]) => `${int(count)} ${kind}`);
  return kinds.length ? `${int(result.errors)} (${kinds.join(", ")})` : int(result.errors);
}

function table(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => "---"), ...rows];
  return lines.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

const pct = (share: number | null) => (share === null ? "-" : `${(share * 100).toFixed(1)} %`);

export function mixTable(rows: MixRow[]): string {
  return table(
    [
      "target",
      "calls/s",
      "p50 ms",
      "p99 ms",
      "p99 ÷ bare p99",
      "errors",
      "of bare",
      "pool lock busy",
      "server CPU ms per call",
      "event-loop delay p99 / max ms",
      "connections / mean batch",
      "grants committed",
    ],
    rows.map((row) => {
      if (!row.result) return [row.target, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", `skipped: ${row.skipped}`];
      const { result, ledger } = row;
      const committed =
        ledger && ledger.compared > 0
          ? `${verdict(ledger.mismatches === 0 && ledger.ledgersAgree && ledger.violations.length === 0)} (${int(ledger.compared)} participants)`
          : "n/a";
      return [
        row.target,
        int(result.callsPerSec),
        String(result.p50),
        String(result.p99),
        row.p99OfBare === null ? "-" : `${row.p99OfBare.toFixed(1)}×`,
        errorsCell(result),
        pct(row.ofBare),
        pct(row.lockBusy),
        row.cpuMsPerCall.toFixed(3),
        row.eventLoop === null ? "-" : `${row.eventLoop.p99Ms.toFixed(1)} / ${row.eventLoop.maxMs.toFixed(1)}`,
        `${row.connections} / ${row.meanBatch === null ? "-" : row.meanBatch.toFixed(1)}`,
        committed,
      ];
    }),
  );
}

export function scaleTable(rows: ScaleRow[]): string {
  return table(
    [
      "participants",
      "start-up s",
      "refresh calls/s (target)",
      "p50 ms",
      "p99 ms",
      "errors",
      "server CPU",
      "RSS MB (peak)",
      "participants page p50 / p99",
    ],
    rows.map((row) => [
      int(row.participants),
      (row.startupMs / 1000).toFixed(1),
      `${int(row.refresh.callsPerSec)} (${int(row.targetCallsPerSec)})`,
      String(row.refresh.p50),
      String(row.refresh.p99),
      errorsCell(row.refresh),
      `${(row.cpuShare * 100).toFixed(0)} % of a core`,
      `${int(row.rssMb)} (${int(row.peakRssMb)})`,
      "unavailable" in row.participantsPage ? "n/a" : `${row.participantsPage.p50} / ${row.participantsPage.p99} ms`,
    ]),
  );
}

/** Each target with the figure measured against it. */
export function targetLines(mix: MixRow[], scale: ScaleRow[]): string[] {
  const lines: string[] = [];
  const find = (database: MixRow["database"], processes: number, workload: MixRow["workload"], loop: MixRow["loop"]) =>
    mix.find(
      (r) =>
        r.database === database && r.processes === processes && r.workload === workload && r.loop === loop && r.result,
    );
  const share = (row: MixRow | undefined, target: number, what: string) => {
    if (row)
      lines.push(
        `${what}: ${pct(row.ofBare)} of bare node:http (target ≥ ${target * 100} %): ${verdict((row.ofBare ?? 0) >= target)}`,
      );
  };
  share(find("sqlite", 1, "steady", "closed"), TARGETS.sqliteShareOfBare, "appliance mix, SQLite, 1 process");
  share(find("sqlite", 1, "flapping", "closed"), TARGETS.flappingShareOfBare, "flapping mix ⅓ each, SQLite, 1 process");
  share(find("postgresql", 1, "steady", "closed"), TARGETS.postgresShareOfBare, "appliance mix, PostgreSQL, 1 process");
  share(find("sqlite", 1, "refresh", "closed"), TARGETS.refreshShareOfBare, "refresh only, SQLite");
  const one = find("postgresql", 1, "steady", "closed");
  const two = find("postgresql", 2, "steady", "closed");
  if (one?.result && two?.result) {
    const ratio = two.result.callsPerSec / one.result.callsPerSec;
    lines.push(
      `PostgreSQL, 2 processes ÷ 1 process: ${ratio.toFixed(2)}× (target ≥ ${TARGETS.twoProcessRatio}×): ${verdict(ratio >= TARGETS.twoProcessRatio)}; ` +
        `pool lock busy ${pct(two.lockBusy)} of the run (target ≤ ${TARGETS.lockBusy * 100} %): ${verdict((two.lockBusy ?? 1) <= TARGETS.lockBusy)}`,
    );
  }
  for (const row of mix) {
    if (!row.result || row.loop !== "closed" || row.database === "none" || row.p99OfBare === null) continue;
    lines.push(
      `${row.target}: p99 ${row.result.p99} ms = ${row.p99OfBare.toFixed(1)}× bare's (target ≤ ${TARGETS.p99OfBare}×): ${verdict(row.p99OfBare <= TARGETS.p99OfBare)}`,
    );
  }
  for (const row of mix) {
    if (!row.result || row.workload !== "grants") continue;
    lines.push(
      `${row.target}: server CPU ${row.cpuMsPerCall.toFixed(3)} ms per grant-changing call, mean batch ${row.meanBatch?.toFixed(1) ?? "-"} ` +
        `(target ≤ ${TARGETS.grantCpuMsPerCall} ms in a batch of about 10): ${verdict(row.cpuMsPerCall <= TARGETS.grantCpuMsPerCall)}`,
    );
  }
  const bareOpen = find("none", 1, "steady", "open")?.result;
  for (const row of mix) {
    if (!row.result || row.loop !== "open" || row.database === "none" || !bareOpen) continue;
    const p50Limit = bareOpen.p50 + TARGETS.openLoopP50OverBareMs;
    const p99Limit = TARGETS.openLoopP99OfBare * bareOpen.p99;
    const sustained = row.result.callsPerSec >= 0.95 * config.openLoopRate && row.result.errors === 0;
    const met = row.result.p50 <= p50Limit && row.result.p99 <= p99Limit && sustained;
    lines.push(
      `${row.target}: p50 / p99 ${row.result.p50} / ${row.result.p99} ms against bare's ${bareOpen.p50} / ${bareOpen.p99} ms at the same rate ` +
        `(target p50 ≤ ${p50Limit} ms, p99 ≤ ${p99Limit.toFixed(0)} ms): ${verdict(met)}` +
        (sustained
          ? ""
          : ` — rate not sustained: ${int(row.result.callsPerSec)} calls/s, ${int(row.result.errors)} errors`),
    );
  }
  const big = scale.find((row) => row.participants === TARGETS.scaleParticipants);
  if (big) {
    const keptUp = big.refresh.callsPerSec >= 0.95 * big.targetCallsPerSec;
    lines.push(
      `${int(big.participants)} participants: RSS ${int(big.peakRssMb)} MB peak (target ≤ ${TARGETS.scaleRssMb}): ${verdict(big.peakRssMb <= TARGETS.scaleRssMb)}; ` +
        `refreshes ${(big.cpuShare * 100).toFixed(0)} % of a core (target ≤ ${TARGETS.scaleCpuShare * 100} %): ${verdict(big.cpuShare <= TARGETS.scaleCpuShare && keptUp)}` +
        (keptUp
          ? ""
          : ` — the server kept up with only ${int(big.refresh.callsPerSec)} of ${int(big.targetCallsPerSec)} refreshes/s`),
    );
  }
  return lines;
}

export function lightTable(row: LightRow): string {
  return table(
    ["verb", "calls", "p50 ms", "p99 ms", "server's own clock: p99 at most ms / within 10 ms"],
    Object.entries(row.latency)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([verb, { count, p50, p99 }]) => {
        const server = row.server?.[verb];
        return [
          verb,
          int(count),
          p50.toFixed(1),
          p99.toFixed(1),
          server ? `${server.p99AtMostMs ?? "-"} / ${pct(server.within10Ms)}` : "-",
        ];
      }),
  ).concat(
    `\n\n${row.callsPerSec.toFixed(1)} calls/s in all; ${int(row.shed)} shed, ${int(row.errors)} failed; the server's event-loop delay p99 ${row.eventLoopP99Ms.toFixed(1)} ms`,
  );
}

export function lightTargetLines(row: LightRow | null): string[] {
  const request = row?.latency.request;
  if (!request) return [];
  return [
    `light load (the demo's fleet): request p99 at the appliance ${request.p99.toFixed(1)} ms (target ≤ ${TARGETS.lightRequestP99Ms} ms on a quiet machine): ${verdict(request.p99 <= TARGETS.lightRequestP99Ms)}`,
  ];
}
