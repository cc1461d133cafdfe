import { DAY_MS } from "@sls/allocator";
import type { Services } from "../context.ts";

/** Minute rows serve two days of fine detail, hour rows a week, day rows the whole retention period. */
const KEEP_MINUTES_MS = 2 * DAY_MS;
const KEEP_HOURS_MS = 8 * DAY_MS;
/** Buckets deleted per resolution and run: small statements, never the pool lock. */
const BUCKETS_PER_RUN = 200;
/** Audit rows folded into one carry-forward row per statement. */
const AUDIT_BATCH = 1_000;
const AUDIT_BATCHES_PER_RUN = 20;

/**
 * Drops capacity rows past their resolution's age and audit history past the retention period.
 * Audit rows go in batches, each replaced in the same transaction by one `history-pruned` row
 * carrying their summed deltas, so Σ grantedDelta = Σ granted keeps holding.
 */
export async function pruneHistory(
  services: Pick<Services, "store" | "now" | "log">,
  retentionDays: number,
): Promise<{ capacityRows: number; auditRows: number }> {
  const now = services.now();
  const { capacity } = services.store;
  let capacityRows = 0;
  capacityRows += await capacity.prune("m", new Date(now - KEEP_MINUTES_MS), BUCKETS_PER_RUN);
  capacityRows += await capacity.prune("h", new Date(now - KEEP_HOURS_MS), BUCKETS_PER_RUN);
  capacityRows += await capacity.prune("d", new Date(now - retentionDays * DAY_MS), BUCKETS_PER_RUN);
  let auditRows = 0;
  const before = new Date(now - retentionDays * DAY_MS);
  for (let i = 0; i < AUDIT_BATCHES_PER_RUN; i += 1) {
    const pruned = await services.store.auditRetention.pruneBefore(before, AUDIT_BATCH, new Date(now));
    auditRows += pruned;
    if (pruned < AUDIT_BATCH) break;
  }
  await services.store.alerts.prune(before, AUDIT_BATCH);
  if (capacityRows + auditRows > 0) services.log.info("history pruned", { capacityRows, auditRows, retentionDays });
  return { capacityRows, auditRows };
}
