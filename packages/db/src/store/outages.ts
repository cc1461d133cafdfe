import type { Db } from "../client.ts";
import type { Tx } from "./pool-transaction.ts";

/** One backup outage as the main server recorded it at hand-back; lists are JSON text the server checks. */
export interface OutageRow {
  id: string;
  judgedDownAt: Date | null;
  lastSyncAt: Date | null;
  failedSyncs: string;
  firstServedAt: Date;
  handedBackAt: Date;
  events: string;
  eventCounts: string;
  changes: string;
  reconciled: string;
}

export type OutageSummaryRow = Omit<OutageRow, "events" | "failedSyncs">;

const summarySelect = {
  id: true,
  judgedDownAt: true,
  lastSyncAt: true,
  firstServedAt: true,
  handedBackAt: true,
  eventCounts: true,
  changes: true,
  reconciled: true,
} as const;

/** Outage reports (`Store.outages`): written in the hand-back's pool transaction, read by the console. */
export class OutageRepository {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  list(limit: number): Promise<OutageSummaryRow[]> {
    return this.db.outage.findMany({ orderBy: { handedBackAt: "desc" }, take: limit, select: summarySelect });
  }

  get(id: string): Promise<OutageRow | null> {
    return this.db.outage.findUnique({ where: { id } });
  }
}

export async function insertOutage(tx: Tx, row: OutageRow): Promise<void> {
  await tx.outage.create({ data: row });
}
