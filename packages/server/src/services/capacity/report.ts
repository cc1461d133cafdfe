import { DAY_MS, DEFAULT_GROUP } from "@sls/allocator";
import type { Store } from "@sls/db";
import { csvCell } from "../admin/audit.ts";
import type { Services } from "../context.ts";
import { definitionOf } from "../pool/policy-in-force.ts";

type CapacityDay = Awaited<ReturnType<Store["capacity"]["poolDays"]>>[number];
type ParticipantCapacity = Awaited<ReturnType<Store["capacity"]["participantTotals"]>>[number];
type GroupCapacity = Awaited<ReturnType<Store["capacity"]["groupTotals"]>>[number];

export const CAPACITY_PERIODS = [7, 30, 90] as const;
export type CapacityPeriod = (typeof CAPACITY_PERIODS)[number];

export interface CapacityReport {
  days: CapacityPeriod;
  from: Date;
  to: Date;
  total: {
    minutesSampled: number;
    poolSize: number;
    peakGranted: number;
    peakInUse: number;
    peakInUseFromPool: number;
    unmetSessionMinutes: number;
    dryEvents: number;
    /** The largest granted + pending seen: a pool this size would have met every demand. */
    poolSizeNeeded: number;
  };
  daily: CapacityDay[];
  participants: Array<ParticipantCapacity & { poolSizeNeeded: number }>;
  /** Per pool-policy group, over the minutes sampled while a policy was in force. */
  groups: GroupCapacity[];
}

/** Stores this minute's figures (once, whichever process gets there first). */
export async function sampleCapacity(services: Pick<Services, "store" | "now">): Promise<boolean> {
  const figures = await services.store.capacity.currentFigures();
  if (!figures) return false;
  return services.store.capacity.record(new Date(services.now()), figures);
}

/** The last `days` days (today included), from the day rows: per participant and in total. */
export async function capacityReport(
  services: Pick<Services, "store" | "now">,
  days: CapacityPeriod,
): Promise<CapacityReport> {
  const now = services.now();
  const from = new Date(now - (now % DAY_MS) - (days - 1) * DAY_MS);
  const [daily, participants, groups, policy] = await Promise.all([
    services.store.capacity.poolDays(from),
    services.store.capacity.participantTotals(from),
    services.store.capacity.groupTotals(from),
    services.store.policyInForce(),
  ]);
  const peak = (pick: (d: CapacityDay) => number) => daily.reduce((m, d) => Math.max(m, pick(d)), 0);
  const sum = (pick: (d: CapacityDay) => number) => daily.reduce((s, d) => s + pick(d), 0);
  return {
    days,
    from,
    to: new Date(now),
    total: {
      minutesSampled: sum((d) => d.minutes),
      poolSize: peak((d) => d.poolSize),
      peakGranted: peak((d) => d.peakGranted),
      peakInUse: peak((d) => d.peakInUse),
      peakInUseFromPool: peak((d) => d.peakInUseFromPool),
      unmetSessionMinutes: sum((d) => d.unmetSessionMinutes),
      dryEvents: sum((d) => d.dryEvents),
      poolSizeNeeded: peak((d) => d.peakDemand),
    },
    daily,
    participants: participants.map((p) => ({ ...p, poolSizeNeeded: p.peakDemand })),
    groups: inPolicyOrder(groups, policy ? definitionOf(policy).groups.map((g) => g.name) : []),
  };
}

/** The policy in force's order, then groups it no longer has by name, `default` last. */
function inPolicyOrder(groups: GroupCapacity[], order: string[]): GroupCapacity[] {
  const rank = (name: string) => {
    if (name === DEFAULT_GROUP) return Number.MAX_SAFE_INTEGER;
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  return [...groups].sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group));
}

const CSV_HEADER = [
  "serial",
  "peak granted",
  "peak in use",
  "peak in use from pool",
  "unmet session-minutes",
  "times the pool ran dry",
  "pool size needed",
];

const GROUP_CSV_HEADER = [
  "group",
  "minutes sampled",
  "peak held",
  "peak pending",
  "peak in use",
  "unmet session-minutes",
];

/**
 * The report as CSV: one line per participant, then the total (the only line with dry counts);
 * then, when any minute was sampled under a pool policy, an empty line and a second table with
 * one line per group.
 */
export function capacityCsv(report: CapacityReport): string {
  const lines = [CSV_HEADER.join(",")];
  for (const p of report.participants) {
    lines.push(
      [p.serial, p.peakGranted, p.peakInUse, p.peakInUseFromPool, p.unmetSessionMinutes, "", p.poolSizeNeeded]
        .map(csvCell)
        .join(","),
    );
  }
  const t = report.total;
  lines.push(
    ["TOTAL", t.peakGranted, t.peakInUse, t.peakInUseFromPool, t.unmetSessionMinutes, t.dryEvents, t.poolSizeNeeded]
      .map(csvCell)
      .join(","),
  );
  if (report.groups.length > 0) {
    lines.push("", GROUP_CSV_HEADER.join(","));
    for (const g of report.groups) {
      lines.push(
        [g.group, g.minutes, g.peakHeld, g.peakPending, g.peakInUse, g.unmetSessionMinutes].map(csvCell).join(","),
      );
    }
  }
  return `${lines.join("\r\n")}\r\n`;
}
