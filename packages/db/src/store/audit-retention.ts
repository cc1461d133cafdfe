import type { Db } from "../client.ts";
import type { AuditEventType } from "../vocabulary.ts";

const HISTORY_PRUNED = "history-pruned" satisfies AuditEventType;

/** Removes old audit history without unbalancing the ledger (see pruneBefore). */
export class AuditRetention {
  constructor(private readonly db: Db) {}

  /**
   * Deletes up to `batch` of the oldest audit rows before `before` and, in the same transaction,
   * writes one `history-pruned` row carrying their summed grant and demand deltas, so that
   * Σ grantedDelta still equals Σ granted. Plain deletes by id: no pool lock. Returns the rows removed.
   */
  async pruneBefore(before: Date, batch: number, at: Date): Promise<number> {
    const rows = await this.db.auditEvent.findMany({
      where: { at: { lt: before } },
      orderBy: { id: "asc" },
      take: batch,
      select: { id: true, grantedDelta: true, pendingDelta: true },
    });
    if (rows.length === 0) return 0;
    const grantedDelta = rows.reduce((s, r) => s + r.grantedDelta, 0);
    const pendingDelta = rows.reduce((s, r) => s + r.pendingDelta, 0);
    await this.db.$transaction([
      this.db.auditEvent.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } }),
      this.db.auditEvent.create({
        data: {
          at,
          type: HISTORY_PRUNED,
          actor: "system:retention",
          grantedDelta,
          pendingDelta,
          detail: JSON.stringify({ rows: rows.length, before: before.toISOString() }),
        },
      }),
    ]);
    return rows.length;
  }
}
