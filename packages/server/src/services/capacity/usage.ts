import { HOUR_MS, MINUTE_MS } from "@sls/allocator";
import type { UsageSampleRow } from "@sls/db";
import type { Services } from "../context.ts";
import { USAGE_RANGES, type UsageRange } from "./usage-sampler.ts";

export type UsagePointWithPool = UsageSampleRow & { inUseFromPool: number | null };

/**
 * Adds "in use from the pool" (sessions in use beyond each appliance's local limit) to the usage
 * chart's points, from the capacity minute rows (hour rows for the week): each point gets the
 * peak of the rows in its bucket, the last point (this instant) the live figure, and a point with
 * no capacity sample yet null (a gap in the line).
 */
export async function withInUseFromPool(
  services: Pick<Services, "store">,
  points: UsageSampleRow[],
  range: UsageRange,
): Promise<UsagePointWithPool[]> {
  if (points.length === 0) return [];
  const { bucketMs } = USAGE_RANGES[range];
  const resolution = bucketMs >= HOUR_MS ? "h" : "m";
  const width = Math.max(bucketMs, resolution === "h" ? HOUR_MS : MINUTE_MS);
  const floor = (ms: number) => ms - (ms % width);
  const first = points[0]!.at.getTime();
  const last = points[points.length - 1]!.at.getTime();
  const [rows, live] = await Promise.all([
    services.store.capacity.poolRows(resolution, new Date(floor(first)), new Date(last)),
    services.store.operations.inUseTotals(),
  ]);
  const peaks = new Map<number, number>();
  for (const row of rows) {
    const key = floor(row.at.getTime());
    peaks.set(key, Math.max(peaks.get(key) ?? 0, row.peakInUseFromPool));
  }
  return points.map((point, i) => ({
    ...point,
    inUseFromPool: i === points.length - 1 ? live.inUseFromPool : (peaks.get(floor(point.at.getTime())) ?? null),
  }));
}
