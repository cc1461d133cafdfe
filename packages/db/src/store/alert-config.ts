import type { Db } from "../client.ts";
import type { AuditInput } from "./rows.ts";

const ROW_ID = 1;

export interface AlertConfigRow {
  pendingAfterMinutes: number;
  /** Channel settings as JSON text (checked by the server); null when the channel is off. */
  webhook: string | null;
  syslog: string | null;
  email: string | null;
  updatedAt: Date;
  /** Days left of the capacity forecast below which it alerts. */
  forecastDays: number;
}

/** The alert rules and channels (`Store.alerts`): one row. */
export function alertConfig(db: Db) {
  return {
    readConfig(): Promise<AlertConfigRow | null> {
      return db.alertConfig.findUnique({
        where: { id: ROW_ID },
        select: {
          pendingAfterMinutes: true,
          webhook: true,
          syslog: true,
          email: true,
          updatedAt: true,
          forecastDays: true,
        },
      });
    },

    /** Stores the configuration and its audit row in one transaction. */
    async writeConfig(config: Omit<AlertConfigRow, "updatedAt">, at: Date, audit: AuditInput): Promise<void> {
      const { detail, ...row } = audit;
      await db.$transaction([
        db.alertConfig.upsert({
          where: { id: ROW_ID },
          create: { id: ROW_ID, ...config, updatedAt: at },
          update: { ...config, updatedAt: at },
        }),
        db.auditEvent.create({ data: { ...row, detail: detail ? JSON.stringify(detail) : null } }),
      ]);
    },
  };
}
