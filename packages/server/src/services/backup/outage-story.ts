// The backup's side of the outage report: what it recorded of the outage, read at hand-back.
// The main server's side, recording the report, is outage-record.ts.
import type { PoolTransaction } from "@sls/db";
import { z } from "zod";
import {
  MAX_OUTAGE_EVENTS,
  OUTAGE_EVENT_TYPES,
  type TOutageEvent,
  type TOutageStory,
  ZFailedSync,
} from "./outage-wire.ts";

const ZMainDown = z.object({ lastSyncAt: z.string().nullable().optional(), failedSyncs: z.array(ZFailedSync) });

/**
 * When this backup judged the main server down and by which failed syncs (its backup.main-down
 * audit row before `since`), and every registration, grant change, release and reclaim it made
 * from `since` (when it became active) on: its own audit rows.
 */
export async function outageStory(tx: PoolTransaction, since: Date): Promise<TOutageStory> {
  const [latestDown, { rows, counts }] = await Promise.all([
    tx.backup.lastAuditOfTypeUpTo("backup.main-down", since),
    tx.backup.auditRowsSince(since, OUTAGE_EVENT_TYPES, MAX_OUTAGE_EVENTS),
  ]);
  // A takeover between that row and this one's start means the row told an earlier outage (this
  // backup restarted while armed this time, and judged without writing one).
  const earlierTakeovers = latestDown
    ? (await tx.backup.auditOfTypeSince("backup-takeover", latestDown.at)).filter((t) => t.at < since)
    : [];
  const down = earlierTakeovers.length === 0 ? latestDown : null;
  const detail = down?.detail ? ZMainDown.safeParse(JSON.parse(down.detail)) : null;
  return {
    judgedDownAt: down ? down.at.toISOString() : null,
    lastSyncAt: detail?.success ? (detail.data.lastSyncAt ?? null) : null,
    failedSyncs: detail?.success ? detail.data.failedSyncs : [],
    firstServedAt: since.toISOString(),
    events: rows.map(
      (row): TOutageEvent => ({
        at: row.at.toISOString(),
        type: row.type as TOutageEvent["type"],
        serial: row.serial,
        grantedDelta: row.grantedDelta,
        pendingDelta: row.pendingDelta,
        grantedAfter: row.grantedAfter,
        pendingAfter: row.pendingAfter,
      }),
    ),
    eventCounts: counts,
  };
}
