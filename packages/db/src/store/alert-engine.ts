import type { Db } from "../client.ts";

const ROW_ID = 1;

export interface AlertEngineRow {
  auditCursor: number;
  utilisationRaisedAt: Date | null;
  pendingSince: Date | null;
  pendingRaisedAt: Date | null;
  /** JSON kept by the server's alert engine: per pool-policy group, its pending demand's start and alert. */
  groupPending: string | null;
  /** When the capacity forecast alert was raised and not yet cleared. */
  forecastRaisedAt: Date | null;
}

export interface AuditTailRow {
  id: number;
  at: Date;
  type: string;
  participantId: string | null;
  serial: string | null;
  pendingDelta: number;
  pendingAfter: number | null;
  detail: Record<string, unknown> | null;
}

/**
 * The alert engine's shared row (`Store.alerts`): the lease that lets one process run the engine,
 * the conditions it tracks and its cursor in the audit history, and the audit rows it reads.
 */
export function alertEngine(db: Db) {
  async function lastAuditId(): Promise<number> {
    const row = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
    return row ? Number(row.id) : 0;
  }

  /**
   * Creates the engine's row unless it exists, its cursor at the newest audit row: history from
   * before the engine existed is not alerted on, and whatever happens from here on is. A server
   * opens it as it starts, before it takes the pool back from a backup, so that the hand-back
   * is alerted even when it comes before the engine's first turn.
   */
  async function openEngine(): Promise<void> {
    if (await db.alertEngine.findUnique({ where: { id: ROW_ID }, select: { id: true } })) return;
    try {
      await db.alertEngine.create({
        data: { id: ROW_ID, holder: null, leaseUntil: null, auditCursor: await lastAuditId() },
      });
    } catch (error) {
      if ((error as { code?: unknown }).code !== "P2002") throw error;
    }
  }
  return {
    openEngine,

    /**
     * Takes or renews the engine's lease for `holder`; false while another process holds an
     * unexpired one. A conditional update, so two processes cannot both win.
     */
    async claimEngine(holder: string, now: Date, leaseUntil: Date): Promise<boolean> {
      const claim = () =>
        db.alertEngine.updateMany({
          where: { id: ROW_ID, OR: [{ holder }, { holder: null }, { leaseUntil: { lt: now } }] },
          data: { holder, leaseUntil },
        });
      if ((await claim()).count === 1) return true;
      await openEngine();
      return (await claim()).count === 1;
    },

    async releaseEngine(holder: string): Promise<void> {
      await db.alertEngine.updateMany({ where: { id: ROW_ID, holder }, data: { holder: null, leaseUntil: null } });
    },

    async readEngine(): Promise<AlertEngineRow | null> {
      const row = await db.alertEngine.findUnique({
        where: { id: ROW_ID },
        select: {
          auditCursor: true,
          utilisationRaisedAt: true,
          pendingSince: true,
          pendingRaisedAt: true,
          groupPending: true,
          forecastRaisedAt: true,
        },
      });
      return row ? { ...row, auditCursor: Number(row.auditCursor) } : null;
    },

    async writeEngine(data: Partial<AlertEngineRow>): Promise<void> {
      await db.alertEngine.update({ where: { id: ROW_ID }, data });
    },

    /**
     * Audit rows of `types` after `cursor` (by id), and the requests that left demand pending,
     * oldest first, and the id read up to.
     */
    async auditAfter(
      cursor: number,
      types: string[],
      limit: number,
    ): Promise<{ rows: AuditTailRow[]; readTo: number }> {
      const last = await lastAuditId();
      const upTo = Math.min(last, cursor + limit * 50);
      const rows = await db.auditEvent.findMany({
        where: {
          id: { gt: cursor, lte: upTo },
          OR: [{ type: { in: types } }, { type: "request", pendingDelta: { gt: 0 } }],
        },
        orderBy: { id: "asc" },
        take: limit,
        select: {
          id: true,
          at: true,
          type: true,
          participantId: true,
          serial: true,
          pendingDelta: true,
          pendingAfter: true,
          detail: true,
        },
      });
      const readTo = rows.length === limit ? Number(rows[rows.length - 1]!.id) : upTo;
      return {
        rows: rows.map((r) => ({
          ...r,
          id: Number(r.id),
          detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
        })),
        readTo: Math.max(cursor, readTo),
      };
    },
  };
}
