import { DAY_MS, HOUR_MS, MINUTE_MS } from "@sls/allocator";
import type { UsageSampleRow } from "@sls/db";
import { USAGE_RANGE_SPANS, type TUsageRange } from "../../contracts/usage-ranges.ts";
import type { Services } from "../context.ts";

type UsageServices = Pick<Services, "store" | "now" | "leases">;
export const SAMPLE_EVERY_MS = 15_000;
/** A little over the longest range shown. */
const KEEP_SAMPLES_MS = 8 * DAY_MS;

export const USAGE_RANGES = {
  hour: { spanMs: USAGE_RANGE_SPANS.hour, bucketMs: SAMPLE_EVERY_MS },
  day: { spanMs: USAGE_RANGE_SPANS.day, bucketMs: 15 * MINUTE_MS },
  week: { spanMs: USAGE_RANGE_SPANS.week, bucketMs: HOUR_MS },
} as const satisfies Record<TUsageRange, unknown>;
export type UsageRange = TUsageRange;

/** Stores this interval's sample (once, whichever process gets there first). */
export async function sampleUsage(services: UsageServices): Promise<void> {
  // In-use figures and leases are renewed in memory and written behind: show the latest.
  await services.leases.flush();
  const now = services.now();
  const sample = await services.store.usage.current(new Date(now - (now % SAMPLE_EVERY_MS)));
  if (sample) await services.store.usage.record(sample);
}

export async function pruneUsage(services: Pick<Services, "store" | "now">): Promise<number> {
  return services.store.usage.prune(new Date(services.now() - KEEP_SAMPLES_MS));
}

/**
 * Samples over `range`, one point per bucket holding the bucket's peaks (a minute at the pool's
 * limit should not be averaged away), ending with the figures of this instant.
 */
export async function usageHistory(services: UsageServices, range: UsageRange): Promise<UsageSampleRow[]> {
  // In-use figures and leases are renewed in memory and written behind: show the latest.
  await services.leases.flush();
  const { spanMs, bucketMs } = USAGE_RANGES[range];
  const now = services.now();
  const [samples, current] = await Promise.all([
    services.store.usage.samples(new Date(now - spanMs), new Date(now)),
    services.store.usage.current(new Date(now)),
  ]);
  const buckets = new Map<number, UsageSampleRow>();
  for (const sample of samples) {
    const key = sample.at.getTime() - (sample.at.getTime() % bucketMs);
    const seen = buckets.get(key);
    buckets.set(key, seen ? peak(seen, sample) : { ...sample, at: new Date(key) });
  }
  const points = [...buckets.values()];
  if (current) points.push(current);
  return points;
}

function peak(a: UsageSampleRow, b: UsageSampleRow): UsageSampleRow {
  return {
    at: a.at,
    poolSize: b.poolSize,
    granted: Math.max(a.granted, b.granted),
    pending: Math.max(a.pending, b.pending),
    inUse: Math.max(a.inUse, b.inUse),
    participants: Math.max(a.participants, b.participants),
  };
}
