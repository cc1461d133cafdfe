// The policy part of the bench output: the appliance workloads with and without a pool policy.
import type { PolicyPart } from "./parts/policy.ts";

/** Issue 21: throughput and p99 under the policy within 10 % of without. */
export const POLICY_TARGET = 0.1;

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (n: number) => n.toFixed(2);
const percent = (n: number) => `${n >= 0 ? "+" : ""}${(n * 100).toFixed(0)} %`;

export function policyTable(part: PolicyPart): string {
  const header = [
    "database",
    "pool",
    "workload",
    "calls/s without",
    "calls/s with",
    "ratio",
    "p99 ms without",
    "p99 ms with",
    "ratio",
    "CPU ms/call without / with",
  ];
  const body = part.rows.map((row) => [
    row.database === "sqlite" ? "SQLite" : "PostgreSQL",
    row.pool === "open" ? "open" : "taken, flood waiting, reservations unused",
    row.workload,
    int(row.without.callsPerSec),
    int(row.with.callsPerSec),
    ratio(row.callsPerSecRatio),
    int(row.without.p99),
    int(row.with.p99),
    ratio(row.p99Ratio),
    `${row.cpuMsPerCall.without.toFixed(3)} / ${row.cpuMsPerCall.with.toFixed(3)} (${percent(row.cpuMsPerCall.with / row.cpuMsPerCall.without - 1)})`,
  ]);
  const saves = Object.entries(part.saveMs).map(([database, ms]) => {
    const calls = part.callsDuringSave?.[database as keyof PolicyPart["saveMs"]];
    const during = calls
      ? `; ${int(calls.calls)} grant calls meanwhile (${int(calls.refused)} refused), p50 / p99 / max ${int(calls.p50Ms)} / ${int(calls.p99Ms)} / ${int(calls.maxMs)} ms${calls.failed ? `; under them the save failed (${calls.failed}) and was saved again without them` : ""}`
      : "";
    return `admin.policy.save over ${int(part.participants)} participants on ${database}: ${(ms / 1000).toFixed(2)} s${during}`;
  });
  return [
    [header, header.map(() => "---"), ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n"),
    "",
    ...saves,
  ].join("\n");
}

export function policyTargetLines(part: PolicyPart | null): string[] {
  if (!part) return [];
  return part.rows.map((row) => {
    const ok = row.callsPerSecRatio >= 1 - POLICY_TARGET && row.p99Ratio <= 1 + POLICY_TARGET;
    return `policy (${row.database}, ${row.pool} pool, ${row.workload}): calls/s ×${ratio(row.callsPerSecRatio)}, p99 ×${ratio(row.p99Ratio)} of without (target within ${POLICY_TARGET * 100} %): ${ok ? "yes" : "**no**"}`;
  });
}
