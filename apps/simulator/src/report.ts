import type { SimulatorConfig } from "./args.ts";
import type { FleetSimulator, FleetSnapshot } from "./simulator.ts";

const n = (value: number) => Math.round(value).toLocaleString("en-US");

/** One line: what the fleet holds right now. */
export function statusLine(s: FleetSnapshot): string {
  return [
    `${formatElapsed(s.elapsedSec)}`,
    `up ${n(s.up)}/${n(s.total)}`,
    `load ${n(s.load)}`,
    `granted ${n(s.granted)}`,
    `pending ${n(s.pending)}`,
    `${s.callsPerSec.toFixed(1)} calls/s`,
    `shed ${n(s.shed)}`,
    `errors ${n(s.errors)}`,
  ].join("  ");
}

function formatElapsed(seconds: number): string {
  const total = Math.floor(seconds);
  const mm = String(Math.floor(total / 60)).padStart(2, "0");
  const ss = String(total % 60).padStart(2, "0");
  return `${mm}:${ss}`;
}

/**
 * The closing summary: the run, calls and latency per verb, calls shed as OVERLOADED (per verb),
 * other errors by reason, client events.
 */
export function summary(config: SimulatorConfig, simulator: FleetSimulator): string {
  const s = simulator.snapshot();
  const { stats, events } = simulator;
  const lines = [
    "",
    `fleet summary: ${n(s.total)} appliances, ${config.curve} curve (period ${n(config.periodSec)} s), against ${config.url}`,
    `  ran ${formatElapsed(s.elapsedSec)}; ${n(s.up)} registered; ${n(s.calls)} calls (${(s.calls / Math.max(1, s.elapsedSec)).toFixed(1)}/s), ${n(s.shed)} shed as OVERLOADED, ${n(s.errors)} failed`,
    `  at the end: load ${n(s.load)}, granted ${n(s.granted)}, pending ${n(s.pending)}`,
    "  calls        count      p50 ms   p99 ms",
  ];
  for (const [verb, count] of [...stats.calls.entries()].sort()) {
    const p = stats.percentiles(verb);
    lines.push(
      `    ${verb.padEnd(10)} ${n(count).padStart(8)}  ${(p?.p50 ?? 0).toFixed(1).padStart(8)} ${(p?.p99 ?? 0).toFixed(1).padStart(8)}`,
    );
  }
  if (stats.shed.size > 0) lines.push(`  shed as OVERLOADED (retried after back-off): ${counts(stats.shed)}`);
  if (stats.errors.size > 0) lines.push(`  errors: ${counts(stats.errors)}`);
  for (const sample of simulator.errorSamples) lines.push(`    e.g. ${sample}`);
  lines.push(`  events: ${counts(Object.entries(events))}`);
  return lines.join("\n");
}

function counts(byName: Iterable<[string, number]>): string {
  return [...byName].map(([name, count]) => `${name} ${n(count)}`).join(", ");
}
