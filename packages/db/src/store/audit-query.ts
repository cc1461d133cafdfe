import type { Db } from "../client.ts";
import type { AuditFilter, AuditRow } from "./rows.ts";

const auditSelect = {
  id: true,
  at: true,
  type: true,
  participantId: true,
  serial: true,
  grantedDelta: true,
  pendingDelta: true,
  grantedAfter: true,
  pendingAfter: true,
  actor: true,
  detail: true,
} as const;

/**
 * The id is BIGINT on PostgreSQL (a bigint at run time, whatever the SQLite client's type says)
 * and a number past this package: JSON cannot carry a bigint, and a double is exact up to 2^53.
 */
function toAuditRow(row: AuditRow): AuditRow {
  return { ...row, id: Number(row.id) };
}

/** Read-only queries over the audit history. */
export class AuditQueries {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  async page(filter: AuditFilter, offset: number, limit: number): Promise<{ rows: AuditRow[]; total: number }> {
    const where = auditWhere(filter);
    const [rows, total] = await Promise.all([
      this.db.auditEvent.findMany({
        where,
        orderBy: [{ at: "desc" }, { id: "desc" }],
        skip: offset,
        take: limit,
        select: auditSelect,
      }),
      this.db.auditEvent.count({ where }),
    ]);
    return { rows: rows.map(toAuditRow), total };
  }

  /** Oldest first, at most `limit` rows; `more` tells whether the filter matched more. */
  async export(filter: AuditFilter, limit: number): Promise<{ rows: AuditRow[]; more: boolean }> {
    const rows = await this.db.auditEvent.findMany({
      where: auditWhere(filter),
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: limit + 1,
      select: auditSelect,
    });
    return { rows: rows.slice(0, limit).map(toAuditRow), more: rows.length > limit };
  }

  /** A participant's granted and pending after each change, oldest first. */
  grantHistory(
    serial: string,
    from: Date,
  ): Promise<Array<{ at: Date; grantedAfter: number | null; pendingAfter: number | null }>> {
    return this.db.auditEvent.findMany({
      where: { serial, at: { gte: from }, grantedAfter: { not: null } },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      select: { at: true, grantedAfter: true, pendingAfter: true },
    });
  }

  /** The participant's last change before `before`, the starting point of its chart. */
  lastGrantBefore(
    serial: string,
    before: Date,
  ): Promise<{ grantedAfter: number | null; pendingAfter: number | null } | null> {
    return this.db.auditEvent.findFirst({
      where: { serial, at: { lt: before }, grantedAfter: { not: null } },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      select: { grantedAfter: true, pendingAfter: true },
    });
  }
}

function auditWhere(filter: AuditFilter) {
  return {
    ...(filter.serial ? { serial: filter.serial } : {}),
    ...(filter.types && filter.types.length > 0 ? { type: { in: filter.types } } : {}),
    ...(filter.actor ? { actor: { startsWith: filter.actor } } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) } }
      : {}),
  };
}
