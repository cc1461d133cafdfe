import type { Store } from "@sls/db";

type AuditTailRow = Awaited<ReturnType<Store["alerts"]["auditAfter"]>>["rows"][number];

/**
 * How long asks stay pending, read from the audit history by the alert engine's lease holder: a
 * participant's wait starts at the first row that leaves it demand (a request, pendingDelta > 0)
 * and ends at the row that takes its pending to zero; only a wait ended by the pool serving it
 * (`grant-pending`) is a wait served. Waits that began before this process held the lease are
 * not seen (a change of holder loses at most those).
 */
export class PendingWaits {
  private readonly since = new Map<string, number>();

  /** The seconds of every wait served among `rows`. */
  take(rows: AuditTailRow[]): number[] {
    const served: number[] = [];
    for (const row of rows) {
      if (!row.participantId) continue;
      const start = this.since.get(row.participantId);
      if (row.pendingDelta > 0 && start === undefined) this.since.set(row.participantId, row.at.getTime());
      if (row.pendingAfter === 0 && start !== undefined) {
        if (row.type === "grant-pending") served.push(Math.max(0, row.at.getTime() - start) / 1000);
        this.since.delete(row.participantId);
      }
    }
    return served;
  }
}
