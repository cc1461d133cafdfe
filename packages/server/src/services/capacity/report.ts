import { DAY_MS } from "@sls/allocator";
import type { Store } from "@sls/db";
import { csvCell } from "../admin/audit.ts";
import type { Services } from "../context.ts";

type CapacityDay = Awaited<ReturnType<Store["capacity"]["poolDays"]>>[number];
type ParticipantCapacity = Awaited<ReturnType<Store["capacity"]["participantTotals"]>>[number];

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
}

/** Stores this minute's figures (once, whichever process gets there first). */
export async function sampleCapacity(services: Pick<Services, "store" | "now">): Promise<boolean> {
  const { pool, participants } = await services.store.capacity.currentFigures();
  if (!pool) return false;
  return services.store.capacity.record(new Date(services.now()), pool, participants);
}

/** The last `days` days (today included), from the day rows: per participant and in total. */
export async function capacityReport(
  services: Pick<Services, "store" | "now">,
  days: CapacityPeriod,
): Promise<CapacityReport> {
  const now = services.now();
  const from = new Date(now - (now % DAY_MS) - (days - 1) * DAY_MS);
  const [daily, participants] = await Promise.all([
    services.store.capacity.poolDays(from),
    services.store.capacity.participantTotals(from),
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
  };
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

/** The report as CSV: one line per participant, then the total (the only line with dry counts). */
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
  return `${lines.join("\r\n")}\r\n`;
}
