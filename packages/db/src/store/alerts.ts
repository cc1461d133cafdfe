import type { Db } from "../client.ts";
import { newId } from "../ids.ts";
import { type DeliveryRow, deliverySelect } from "./alert-deliveries.ts";

export interface NewAlert {
  kind: string;
  severity: "info" | "warning" | "critical";
  message: string;
  detail: Record<string, unknown> | null;
  raisedAt: Date;
}

export interface AlertRow extends Omit<NewAlert, "detail"> {
  id: string;
  detail: Record<string, unknown> | null;
}

export const alertSelect = {
  id: true,
  kind: true,
  severity: true,
  message: true,
  detail: true,
  raisedAt: true,
} as const;

/** Raised alerts (`Store.alerts`): each recorded with a pending delivery per channel, kept for the console. */
export function raisedAlerts(db: Db) {
  return {
    /**
     * Records an alert and a pending delivery to each channel, in one transaction. The deliveries
     * are due at once, or from `heldUntil` when the caller sends them itself: until then the alert
     * engine's delivery pass leaves them alone, and takes them up if the caller never finished.
     */
    async raise(
      alert: NewAlert,
      channels: string[],
      heldUntil?: Date,
    ): Promise<{ alert: AlertRow; deliveries: DeliveryRow[] }> {
      const id = newId("alr");
      const deliveries = channels.map((channel) => ({
        id: newId("dlv"),
        alertId: id,
        channel,
        status: "pending" as const,
        attempts: 0,
        lastError: null,
        nextAttemptAt: heldUntil ?? alert.raisedAt,
        deliveredAt: null,
      }));
      await db.$transaction([
        db.alert.create({ data: { id, ...alert, detail: alert.detail ? JSON.stringify(alert.detail) : null } }),
        db.alertDelivery.createMany({ data: deliveries }),
      ]);
      return { alert: { id, ...alert }, deliveries };
    },

    /** The latest alerts, newest first, each with its deliveries. */
    async recent(limit: number): Promise<Array<AlertRow & { deliveries: DeliveryRow[] }>> {
      const rows = await db.alert.findMany({
        orderBy: { raisedAt: "desc" },
        take: limit,
        select: { ...alertSelect, deliveries: { select: deliverySelect, orderBy: { channel: "asc" } } },
      });
      return rows.map(({ deliveries, ...alert }) => ({ ...toAlert(alert), deliveries: deliveries as DeliveryRow[] }));
    },

    async prune(olderThan: Date, batch: number): Promise<number> {
      const old = await db.alert.findMany({
        where: { raisedAt: { lt: olderThan } },
        select: { id: true },
        take: batch,
      });
      if (old.length === 0) return 0;
      const { count } = await db.alert.deleteMany({ where: { id: { in: old.map((a) => a.id) } } });
      return count;
    },
  };
}

export function toAlert(row: {
  id: string;
  kind: string;
  severity: string;
  message: string;
  detail: string | null;
  raisedAt: Date;
}): AlertRow {
  return {
    ...row,
    severity: row.severity as AlertRow["severity"],
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
  };
}
