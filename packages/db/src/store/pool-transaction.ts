import type { Db } from "../client.ts";
import type {
  AllocationWrite,
  AuditInput,
  NewParticipant,
  ParticipantRecord,
  ParticipantRow,
  ParticipantUpdate,
  PoolWrite,
  ServerRow,
  SettingsUpdate,
} from "./rows.ts";
import { participantSelect, recordSelect, serverSelect } from "./selects.ts";

export const SERVER_ROW_ID = 1;

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * The repository seen inside one allocation transaction. It is created only after the
 * server row has been locked, so everything read through it is current and nothing
 * another process does can interleave until commit.
 */
export class PoolTransaction {
  constructor(
    private readonly tx: Tx,
    readonly server: ServerRow,
  ) {}

  findParticipantById(id: string): Promise<ParticipantRow | null> {
    return this.tx.participant.findUnique({ where: { id }, select: participantSelect });
  }

  findParticipantBySerial(serial: string): Promise<ParticipantRow | null> {
    return this.tx.participant.findUnique({ where: { serial }, select: participantSelect });
  }

  findParticipantByTokenHash(tokenHash: string): Promise<ParticipantRow | null> {
    return this.tx.participant.findUnique({ where: { tokenHash }, select: participantSelect });
  }

  /** Every participant with pending demand, oldest ask first. */
  pendingQueue(): Promise<ParticipantRow[]> {
    return this.tx.participant.findMany({
      where: { pending: { gt: 0 } },
      orderBy: [{ pendingSeq: "asc" }, { id: "asc" }],
      select: participantSelect,
    });
  }

  /** Participants silent since before `cutoff` that still hold sessions or demand. */
  silentHolders(cutoff: Date, limit: number): Promise<ParticipantRow[]> {
    return this.tx.participant.findMany({
      where: { lastSeenAt: { lt: cutoff }, OR: [{ granted: { gt: 0 } }, { pending: { gt: 0 } }] },
      orderBy: { lastSeenAt: "asc" },
      take: limit,
      select: participantSelect,
    });
  }

  createParticipant(data: NewParticipant): Promise<ParticipantRow> {
    return this.tx.participant.create({ data, select: participantSelect });
  }

  updateParticipant(id: string, data: ParticipantUpdate): Promise<ParticipantRow> {
    return this.tx.participant.update({ where: { id }, data, select: participantSelect });
  }

  deleteParticipant(id: string): Promise<unknown> {
    return this.tx.participant.delete({ where: { id } });
  }

  async writeAllocations(rows: AllocationWrite[]): Promise<void> {
    for (const { id, granted, pending, pendingSeq } of rows) {
      await this.tx.participant.update({ where: { id }, data: { granted, pending, pendingSeq } });
    }
  }

  /**
   * Records the new pool counters. They are written once, when the transaction's work is done
   * (flushPool), however many calls of a batch changed them; later work in the same
   * transaction reads them from `server`.
   */
  async writePool(pool: PoolWrite): Promise<void> {
    Object.assign(this.server, pool);
    this.poolChanged = true;
  }

  async flushPool(): Promise<void> {
    if (!this.poolChanged) return;
    const { poolSize, grantedTotal, pendingTotal, pendingSeq } = this.server;
    await this.tx.server.update({ where: { id: SERVER_ROW_ID }, data: { poolSize, grantedTotal, pendingTotal, pendingSeq } });
    this.poolChanged = false;
  }

  private poolChanged = false;

  async writeSettings(settings: SettingsUpdate): Promise<void> {
    await this.tx.server.update({ where: { id: SERVER_ROW_ID }, data: settings });
    Object.assign(this.server, settings);
  }

  async audit(rows: AuditInput[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.auditEvent.createMany({
      data: rows.map(({ detail, ...row }) => ({ ...row, detail: detail ? JSON.stringify(detail) : null })),
    });
  }

  /** Every participant with its token hash (backup hand-back merges whole records). */
  async allParticipantRecords(): Promise<ParticipantRecord[]> {
    return this.tx.participant.findMany({ orderBy: { id: "asc" }, select: recordSelect });
  }

  async putParticipantRecord(record: ParticipantRecord): Promise<void> {
    await this.tx.participant.upsert({ where: { id: record.id }, create: record, update: record });
  }

  async readBackupRole(): Promise<{
    active: boolean;
    remainingMs: number;
    failedSyncs: number;
    lastSyncAt: Date | null;
    activeSince: Date | null;
  } | null> {
    return this.tx.backupRole.findUnique({
      where: { id: 1 },
      select: { active: true, remainingMs: true, failedSyncs: true, lastSyncAt: true, activeSince: true },
    });
  }

  async deactivateBackupRole(): Promise<void> {
    await this.tx.backupRole.update({
      where: { id: 1 },
      // lastSyncAt is cleared so the backup cannot take over again before it has synchronised anew.
      data: { active: false, activeSince: null, failedSyncs: 0, lastSyncAt: null, raisedAlerts: "" },
    });
  }

  /** Participants whose grant, demand or token changed here since `since` (per the audit history). */
  async participantsChangedSince(since: Date): Promise<string[]> {
    const rows = await this.tx.auditEvent.findMany({
      where: { at: { gte: since }, participantId: { not: null }, type: { not: "sync" } },
      distinct: ["participantId"],
      select: { participantId: true },
    });
    return rows.flatMap((row) => (row.participantId ? [row.participantId] : []));
  }

  auditOfTypeSince(type: string, since: Date): Promise<Array<{ at: Date; detail: string | null }>> {
    return this.tx.auditEvent.findMany({ where: { type, at: { gte: since } }, orderBy: { id: "asc" }, select: { at: true, detail: true } });
  }

  async activateBackupRole(at: Date): Promise<void> {
    await this.tx.backupRole.update({ where: { id: 1 }, data: { active: true, activeSince: at, raisedAlerts: "" } });
  }

  async findAppliedRequest(participantId: string, requestId: string): Promise<string | null> {
    const row = await this.tx.appliedRequest.findUnique({
      where: { participantId_requestId: { participantId, requestId } },
      select: { answer: true },
    });
    return row?.answer ?? null;
  }

  async saveAppliedRequest(participantId: string, requestId: string, answer: string, at: Date): Promise<void> {
    await this.tx.appliedRequest.create({ data: { participantId, requestId, answer, createdAt: at } });
  }
}

export async function lockServerRow(tx: Tx): Promise<ServerRow> {
  // An UPDATE as the first statement takes the row lock on PostgreSQL and the write lock on
  // SQLite, so concurrent allocations queue here instead of deciding on stale counters.
  return tx.server.update({
    where: { id: SERVER_ROW_ID },
    data: { lockVersion: { increment: 1 } },
    select: serverSelect,
  });
}
