import type { Db } from "../client.ts";
import { newId } from "../ids.ts";
import type { AuditInput } from "./rows.ts";

const ROW_ID = 1;

export interface AlertConfigRow {
  pendingAfterMinutes: number;
  /** Channel settings as JSON text (checked by the server); null when the channel is off. */
  webhook: string | null;
  syslog: string | null;
  email: string | null;
  updatedAt: Date;
}

export interface AlertEngineRow {
  auditCursor: number;
  utilisationRaisedAt: Date | null;
  pendingSince: Date | null;
  pendingRaisedAt: Date | null;
}

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

const deliverySelect = {
  id: true,
  alertId: true,
  channel: true,
  status: true,
  attempts: true,
  lastError: true,
  nextAttemptAt: true,
  deliveredAt: true,
} as const;

const alertSelect = { id: true, kind: true, severity: true, message: true, detail: true, raisedAt: true } as const;

/** Alert rules, channels, the engine's shared state, raised alerts and their deliveries. */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  readConfig(): Promise<AlertConfigRow | null> {
    return this.db.alertConfig.findUnique({
      where: { id: ROW_ID },
      select: { pendingAfterMinutes: true, webhook: true, syslog: true, email: true, updatedAt: true },
    });
  }

  /** Stores the configuration and its audit row in one transaction. */
  async writeConfig(config: Omit<AlertConfigRow, "updatedAt">, at: Date, audit: AuditInput): Promise<void> {
    const { detail, ...row } = audit;
    await this.db.$transaction([
      this.db.alertConfig.upsert({
        where: { id: ROW_ID },
        create: { id: ROW_ID, ...config, updatedAt: at },
        update: { ...config, updatedAt: at },
      }),
      this.db.auditEvent.create({ data: { ...row, detail: detail ? JSON.stringify(detail) : null } }),
    ]);
  }

  /**
   * Takes or renews the engine's lease for `holder`; false while another process holds an
   * unexpired one. A conditional update, so two processes cannot both win.
   */
  async claimEngine(holder: string, now: Date, leaseUntil: Date, startCursor: () => Promise<number>): Promise<boolean> {
    const { count } = await this.db.alertEngine.updateMany({
      where: { id: ROW_ID, OR: [{ holder }, { holder: null }, { leaseUntil: { lt: now } }] },
      data: { holder, leaseUntil },
    });
    if (count === 1) return true;
    if (await this.db.alertEngine.findUnique({ where: { id: ROW_ID }, select: { id: true } })) return false;
    try {
      await this.db.alertEngine.create({ data: { id: ROW_ID, holder, leaseUntil, auditCursor: await startCursor() } });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") return false;
      throw error;
    }
  }

  async releaseEngine(holder: string): Promise<void> {
    await this.db.alertEngine.updateMany({ where: { id: ROW_ID, holder }, data: { holder: null, leaseUntil: null } });
  }

  async readEngine(): Promise<AlertEngineRow | null> {
    const row = await this.db.alertEngine.findUnique({
      where: { id: ROW_ID },
      select: { auditCursor: true, utilisationRaisedAt: true, pendingSince: true, pendingRaisedAt: true },
    });
    return row ? { ...row, auditCursor: Number(row.auditCursor) } : null;
  }

  async writeEngine(data: Partial<AlertEngineRow>): Promise<void> {
    await this.db.alertEngine.update({ where: { id: ROW_ID }, data });
  }

  async lastAuditId(): Promise<number> {
    const row = await this.db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
    return row ? Number(row.id) : 0;
  }

  /**
   * Audit rows of `types` after `cursor` (by id), and the requests that left demand pending,
   * oldest first, and the id read up to.
   */
  async auditAfter(cursor: number, types: string[], limit: number): Promise<{ rows: AuditTailRow[]; readTo: number }> {
    const last = await this.lastAuditId();
    const upTo = Math.min(last, cursor + limit * 50);
    const rows = await this.db.auditEvent.findMany({
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
  }

  /** Records an alert and a pending delivery to each channel, in one transaction. */
  async raise(alert: NewAlert, channels: string[]): Promise<{ alert: AlertRow; deliveries: DeliveryRow[] }> {
    const id = newId("alr");
    const deliveries = channels.map((channel) => ({
      id: newId("dlv"),
      alertId: id,
      channel,
      status: "pending" as const,
      attempts: 0,
      lastError: null,
      nextAttemptAt: alert.raisedAt,
      deliveredAt: null,
    }));
    await this.db.$transaction([
      this.db.alert.create({ data: { id, ...alert, detail: alert.detail ? JSON.stringify(alert.detail) : null } }),
      this.db.alertDelivery.createMany({ data: deliveries }),
    ]);
    return { alert: { id, ...alert }, deliveries };
  }

  /** Pending deliveries due at `now`, with their alerts. */
  async dueDeliveries(now: Date, limit: number): Promise<Array<{ delivery: DeliveryRow; alert: AlertRow }>> {
    const rows = await this.db.alertDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: now } },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
      select: { ...deliverySelect, alert: { select: alertSelect } },
    });
    return rows.map(({ alert, ...delivery }) => ({ delivery: delivery as DeliveryRow, alert: toAlert(alert) }));
  }

  async updateDelivery(id: string, data: Partial<Omit<DeliveryRow, "id" | "alertId" | "channel">>): Promise<void> {
    await this.db.alertDelivery.update({ where: { id }, data });
  }

  /** The latest alerts, newest first, each with its deliveries. */
  async recent(limit: number): Promise<Array<AlertRow & { deliveries: DeliveryRow[] }>> {
    const rows = await this.db.alert.findMany({
      orderBy: { raisedAt: "desc" },
      take: limit,
      select: { ...alertSelect, deliveries: { select: deliverySelect, orderBy: { channel: "asc" } } },
    });
    return rows.map(({ deliveries, ...alert }) => ({ ...toAlert(alert), deliveries: deliveries as DeliveryRow[] }));
  }

  async prune(olderThan: Date, batch: number): Promise<number> {
    const old = await this.db.alert.findMany({
      where: { raisedAt: { lt: olderThan } },
      select: { id: true },
      take: batch,
    });
    if (old.length === 0) return 0;
    const { count } = await this.db.alert.deleteMany({ where: { id: { in: old.map((a) => a.id) } } });
    return count;
  }
}

function toAlert(row: {
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
