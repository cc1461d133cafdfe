import type { LoadResult } from "./load.ts";
import type { MixRow } from "./parts/mix.ts";
import type { ScaleRow } from "./parts/scale.ts";

/** The targets for this machine (2 cores shared by load and server). */
export const TARGETS = {
  shareOfBare: 0.25,
  p99Ms: 10,
  scaleParticipants: 100_000,
  scaleRssMb: 300,
  scaleCpuShare: 0.5,
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

export function mixTable(rows: MixRow[]): string {
  return table(
    ["target", "calls/s", "p50 ms", "p99 ms", "errors", "of bare", "grants committed"],
    rows.map((row) => {
      if (!row.result) return [row.target, "-", "-", "-", "-", "-", `skipped: ${row.skipped}`];
      const { result, ledger } = row;
      const committed = ledger && ledger.compared > 0 ? `${verdict(ledger.mismatches === 0 && ledger.ledgersAgree)} (${int(ledger.compared)} participants)` : "n/a";
      return [row.target, int(result.callsPerSec), String(result.p50), String(result.p99), errorsCell(result), `${((row.ofBare ?? 0) * 100).toFixed(1)} %`, committed];
    }),
  );
}

export function scaleTable(rows: ScaleRow[]): string {
  return table(
    ["participants", "refresh calls/s (target)", "p50 ms", "p99 ms", "errors", "server CPU", "RSS MB (peak)", "participants page p50 / p99"],
    rows.map((row) => [
      int(row.participants),
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
  for (const row of mix.slice(1)) {
    if (!row.result) continue;
    lines.push(
      `${row.target}: ${((row.ofBare ?? 0) * 100).toFixed(1)} % of bare (target ≥ ${TARGETS.shareOfBare * 100} %): ${verdict((row.ofBare ?? 0) >= TARGETS.shareOfBare)}; ` +
        `p99 ${row.result.p99} ms (target ≤ ${TARGETS.p99Ms} ms): ${verdict(row.result.p99 <= TARGETS.p99Ms)}`,
    );
  }
  const big = scale.find((row) => row.participants === TARGETS.scaleParticipants);
  if (big) {
    const keptUp = big.refresh.callsPerSec >= 0.95 * big.targetCallsPerSec;
    lines.push(
      `${int(big.participants)} participants: RSS ${int(big.peakRssMb)} MB peak (target ≤ ${TARGETS.scaleRssMb}): ${verdict(big.peakRssMb <= TARGETS.scaleRssMb)}; ` +
        `refreshes ${(big.cpuShare * 100).toFixed(0)} % of a core (target ≤ ${TARGETS.scaleCpuShare * 100} %): ${verdict(big.cpuShare <= TARGETS.scaleCpuShare && keptUp)}` +
        (keptUp ? "" : ` — the server kept up with only ${int(big.refresh.callsPerSec)} of ${int(big.targetCallsPerSec)} refreshes/s`),
    );
  }
  return lines;
}
