// The wave part of the bench output: admission under a wave of requests and a connection storm.
import type { WaveRow } from "./parts/wave.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (Number.isNaN(n) ? "-" : n.toFixed(1));
const verdict = (ok: boolean) => (ok ? "yes" : "**no**");

function markdown(header: string[], rows: string[][]): string {
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function errorsCell(row: WaveRow): string {
  const kinds = Object.entries(row.errorKinds).map(([kind, count]) => `${int(count)} ${kind}`);
  return kinds.length ? `${int(row.errors)} (${kinds.join(", ")})` : int(row.errors);
}

function ledgerCell(row: WaveRow): string {
  const { ledger } = row;
  if (!ledger) return "n/a";
  const sound = ledger.mismatches === 0 && ledger.ledgersAgree && ledger.violations.length === 0;
  return `${verdict(sound)} (${int(ledger.compared)} participants)`;
}

export function waveTable(rows: WaveRow[]): string {
  return markdown(
    [
      "target",
      "served",
      "OVERLOADED (without retryAfterMs)",
      "timed out at the client",
      "errors",
      "served p50 / max ms",
      "wave s",
      "granted after the caller gave up",
      "ledger agrees",
    ],
    rows.map((row) =>
      row.skipped
        ? [row.target, "-", "-", "-", "-", "-", "-", "-", `skipped: ${row.skipped}`]
        : [
            row.target,
            int(row.served),
            `${int(row.overloaded)} (${int(row.overloadedWithoutRetry)})`,
            int(row.timedOut),
            errorsCell(row),
            `${ms(row.servedP50)} / ${ms(row.servedMax)}`,
            row.waveSec.toFixed(2),
            row.grantedAfterGiveUp === null ? "n/a" : int(row.grantedAfterGiveUp),
            ledgerCell(row),
          ],
    ),
  );
}

/** The goals for the waves: nothing refused that could be served in time; every call answered before its caller gives up. */
export function waveTargetLines(rows: WaveRow[]): string[] {
  return rows
    .filter((row) => !row.skipped && row.database !== "none")
    .map((row) =>
      row.connections === "kept-alive"
        ? `${row.target}: ${int(row.overloaded)} refused OVERLOADED, served max ${ms(row.servedMax)} ms, wave ${row.waveSec.toFixed(2)} s ` +
          `(nothing refused when the wave drains inside the 3 s deadline): ${verdict(row.overloaded === 0 || row.waveSec > 3)}`
        : `${row.target}: ${int(row.served + row.overloaded)} of ${int(row.calls)} answered in time, ${int(row.timedOut)} timed out, ` +
          `${int(row.grantedAfterGiveUp ?? 0)} granted after their caller gave up (target: all answered, none granted late): ` +
          verdict(row.timedOut === 0 && row.errors === 0 && (row.grantedAfterGiveUp ?? 0) === 0),
    );
}
