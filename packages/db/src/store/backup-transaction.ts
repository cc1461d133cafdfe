import type { ApplyHooks, ApplyOutcome, StateChanges } from "./backup-store.ts";
import { chunked } from "./bulk-sql.ts";
import type { PoolTransaction, Tx } from "./pool-transaction.ts";
import type { AuditInput, AuditRow, ParticipantRecord } from "./rows.ts";
import { insertOutage, type OutageRow } from "./outages.ts";
import { recordSelect, toRecord } from "./selects.ts";

export const ROLE_ROW_ID = 1;

/** A participant's audit row as an outage report lists it. */
export type OutageEventRow = Omit<AuditRow, "id" | "actor" | "detail">;

/** Ids per IN (…) list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ID_CHUNK = 500;

/** Thrown inside the pool transaction so that a refused sync writes nothing. */
export class SyncRefused extends Error {
  constructor(readonly violations: string[]) {
    super("sync refused");
  }
}

/**
 * The backup role's writes under the pool lock (`PoolTransaction.backup`): taking over and
 * handing back, and the backup's apply of a sync. These whole-record reads and writes go to the
 * database at once, after the unit of work has flushed what it keeps.
 */
export class BackupTransaction {
  constructor(
    private readonly tx: Tx,
    private readonly pool: PoolTransaction,
    /** Tells the unit of work a participant was written here, for the lease caches after commit. */
    private readonly written: (record: ParticipantRecord) => void,
  ) {}

  async readRole(): Promise<{
    active: boolean;
    remainingMs: number;
    failedSyncs: number;
    lastSyncAt: Date | null;
    activeSince: Date | null;
  } | null> {
    return this.tx.backupRole.findUnique({
      where: { id: ROLE_ROW_ID },
      select: { active: true, remainingMs: true, failedSyncs: true, lastSyncAt: true, activeSince: true },
    });
  }

  async deactivateRole(): Promise<void> {
    await this.tx.backupRole.update({
      where: { id: ROLE_ROW_ID },
      // lastSyncAt is cleared so the backup cannot take over again before it has synchronised anew.
      data: { active: false, activeSince: null, failedSyncs: 0, lastSyncAt: null, raisedAlerts: "" },
    });
  }

  async activateRole(at: Date): Promise<void> {
    await this.tx.backupRole.update({
      where: { id: ROLE_ROW_ID },
      data: { active: true, activeSince: at, raisedAlerts: "" },
    });
  }

  /** Every participant with its token hash (backup hand-back merges whole records). */
  async allParticipantRecords(): Promise<ParticipantRecord[]> {
    await this.pool.flush();
    return this.tx.participant.findMany({ orderBy: { id: "asc" }, select: recordSelect });
  }

  async putParticipantRecord(record: ParticipantRecord): Promise<void> {
    await this.pool.flush();
    const row = { ...record, changeSeq: BigInt(this.pool.version) };
    await this.tx.participant.upsert({ where: { id: record.id }, create: row, update: row });
    this.written(record);
  }

  /** Participants whose grant, demand or token changed here since `since` (per the audit history). */
  async participantsChangedSince(since: Date): Promise<string[]> {
    await this.pool.flush();
    const rows = await this.tx.auditEvent.findMany({
      where: { at: { gte: since }, participantId: { not: null }, type: { not: "sync" } },
      distinct: ["participantId"],
      select: { participantId: true },
    });
    return rows.flatMap((row) => (row.participantId ? [row.participantId] : []));
  }

  async auditOfTypeSince(type: string, since: Date): Promise<Array<{ at: Date; detail: string | null }>> {
    await this.pool.flush();
    return this.tx.auditEvent.findMany({
      where: { type, at: { gte: since } },
      orderBy: { id: "asc" },
      select: { at: true, detail: true },
    });
  }

  /** The newest audit row of `type` at or before `at`. */
  async lastAuditOfTypeUpTo(type: string, at: Date): Promise<{ at: Date; detail: string | null } | null> {
    await this.pool.flush();
    return this.tx.auditEvent.findFirst({
      where: { type, at: { lte: at } },
      orderBy: { id: "desc" },
      select: { at: true, detail: true },
    });
  }

  /** Audit rows of `types` from `since` on, oldest first: the first `limit`, and how many there are of each type. */
  async auditRowsSince(
    since: Date,
    types: readonly string[],
    limit: number,
  ): Promise<{ rows: OutageEventRow[]; counts: Record<string, number> }> {
    await this.pool.flush();
    const where = { at: { gte: since }, type: { in: [...types] } };
    const [rows, groups] = await Promise.all([
      this.tx.auditEvent.findMany({
        where,
        orderBy: { id: "asc" },
        take: limit,
        select: {
          at: true,
          type: true,
          participantId: true,
          serial: true,
          grantedDelta: true,
          pendingDelta: true,
          grantedAfter: true,
          pendingAfter: true,
        },
      }),
      this.tx.auditEvent.groupBy({ by: ["type"], where, _count: { _all: true } }),
    ]);
    return { rows, counts: Object.fromEntries(groups.map((g) => [g.type, g._count._all])) };
  }

  /** Participants with rows of `types` in this server's audit from `since` on (the main server's own changes). */
  async participantsWithAuditSince(since: Date, types: readonly string[], ids: string[]): Promise<string[]> {
    await this.pool.flush();
    const found = new Set<string>();
    for (const chunk of chunked(ids, ID_CHUNK)) {
      const rows = await this.tx.auditEvent.findMany({
        where: { at: { gte: since }, type: { in: [...types] }, participantId: { in: chunk } },
        distinct: ["participantId"],
        select: { participantId: true },
      });
      for (const row of rows) if (row.participantId) found.add(row.participantId);
    }
    return [...found];
  }

  async recordOutage(row: OutageRow): Promise<void> {
    await this.pool.flush();
    await insertOutage(this.tx, row);
  }

  /** The backup's apply of one sync (`BackupStore.applyChanges`); throws SyncRefused when `hooks.check` finds violations. */
  async applySync(changes: StateChanges, at: Date, hooks: ApplyHooks): Promise<ApplyOutcome> {
    const tx = this.tx;
    const role = await tx.backupRole.findUnique({ where: { id: ROLE_ROW_ID }, select: { active: true } });
    if (role?.active) return { applied: false, why: "active" };
    const touched = changes.full ? null : [...changes.participants.map((p) => p.id), ...changes.removed];
    const current = new Map<string, ParticipantRecord>();
    for (const ids of touched === null ? [null] : chunked(touched, ID_CHUNK)) {
      const rows = await tx.participant.findMany({ where: ids ? { id: { in: ids } } : {}, select: recordSelect });
      for (const row of rows) current.set(row.id, toRecord(row));
    }
    const untouched = { granted: 0, pending: 0 };
    if (!changes.full) {
      const all = await tx.participant.aggregate({ _sum: { granted: true, pending: true } });
      untouched.granted = (all._sum.granted ?? 0) - sum(current.values(), "granted");
      untouched.pending = (all._sum.pending ?? 0) - sum(current.values(), "pending");
    }
    const violations = hooks.check(untouched);
    if (violations.length > 0) throw new SyncRefused(violations);

    const changeSeq = BigInt(this.pool.version);
    const incoming = new Map(changes.participants.map((p) => [p.id, p]));
    const deleted = changes.full
      ? [...current.keys()].filter((id) => !incoming.has(id))
      : changes.removed.filter((id) => current.has(id));
    const audits: AuditInput[] = [];
    for (const ids of chunked(deleted, ID_CHUNK)) {
      await tx.participant.deleteMany({ where: { id: { in: ids } } });
      await tx.removedParticipant.deleteMany({ where: { participantId: { in: ids } } });
      await tx.removedParticipant.createMany({
        data: ids.map((id) => ({ participantId: id, serial: current.get(id)!.serial, changeSeq, removedAt: at })),
      });
    }
    for (const id of deleted) pushAudit(audits, hooks.audit(current.get(id)!, null));
    // Free the unique token and serial slots first: a participant may have changed either.
    for (const p of changes.participants) {
      const before = current.get(p.id);
      if (before && (before.tokenHash !== p.tokenHash || before.serial !== p.serial)) {
        await tx.participant.update({ where: { id: p.id }, data: { tokenHash: null, serial: `~${p.id}` } });
      }
    }
    const created = changes.participants.filter((p) => !current.has(p.id));
    for (const rows of chunked(created, ID_CHUNK))
      await tx.participant.createMany({ data: rows.map((p) => ({ ...p, changeSeq })) });
    for (const p of changes.participants) {
      const before = current.get(p.id) ?? null;
      if (before && !sameRecord(before, p))
        await tx.participant.update({ where: { id: p.id }, data: { ...p, changeSeq } });
      pushAudit(audits, hooks.audit(before, p));
    }
    // The settings and the pool counters as the main server has them; the audit rows and the
    // counters are written with the transaction's other kept writes when the work is done.
    const { poolSize, grantedTotal, pendingTotal, pendingSeq, policyVersion, policyHeld, ...settings } = changes.server;
    await this.pool.writeSettings(settings);
    // The main server's policy in force, under its own version number (this database mirrors its versions).
    if (changes.policy)
      await this.tx.policyVersion.upsert({
        where: { version: changes.policy.version },
        create: changes.policy,
        update: changes.policy,
      });
    this.pool.putPolicyInForce(changes.policy ? policyVersion : null, changes.policy ? policyHeld : null);
    await this.pool.writePool({ poolSize, grantedTotal, pendingTotal, pendingSeq });
    await this.pool.audit(audits);
    return { applied: true };
  }
}

function sameRecord(a: ParticipantRecord, b: ParticipantRecord): boolean {
  return (Object.keys(a) as Array<keyof ParticipantRecord>).every((key) => {
    const x = a[key];
    const y = b[key];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}

function sum(rows: Iterable<ParticipantRecord>, key: "granted" | "pending"): number {
  let total = 0;
  for (const row of rows) total += row[key];
  return total;
}

function pushAudit(audits: AuditInput[], row: AuditInput | null): void {
  if (row) audits.push(row);
}
