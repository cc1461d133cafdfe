import type { Db } from "../client.ts";
import { type AlertRow, alertSelect, toAlert } from "./alerts.ts";

export interface DeliveryRow {
  id: string;
  alertId: string;
  channel: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export const deliverySelect = {
  id: true,
  alertId: true,
  channel: true,
  status: true,
  attempts: true,
  lastError: true,
  nextAttemptAt: true,
  deliveredAt: true,
} as const;

/** The deliveries of raised alerts to their channels (`Store.alerts`), retried until done. */
export function alertDeliveries(db: Db) {
  return {
    /** Pending deliveries due at `now`, with their alerts. */
    async dueDeliveries(now: Date, limit: number): Promise<Array<{ delivery: DeliveryRow; alert: AlertRow }>> {
      const rows = await db.alertDelivery.findMany({
        where: { status: "pending", nextAttemptAt: { lte: now } },
        orderBy: { nextAttemptAt: "asc" },
        take: limit,
        select: { ...deliverySelect, alert: { select: alertSelect } },
      });
      return rows.map(({ alert, ...delivery }) => ({ delivery: delivery as DeliveryRow, alert: toAlert(alert) }));
    },

    async updateDelivery(id: string, data: Partial<Omit<DeliveryRow, "id" | "alertId" | "channel">>): Promise<void> {
      await db.alertDelivery.update({ where: { id }, data });
    },
  };
}
