import type { Db } from "../client.ts";
import { SERVER_ROW_ID } from "./pool-transaction.ts";
import type { AuditInput, ParticipantRecord, ServerRow } from "./rows.ts";
import { recordSelect, serverSelect } from "./selects.ts";

const ROLE_ROW_ID = 1;

export interface StateSnapshot {
  server: ServerRow;
  participants: ParticipantRecord[];
}

export interface BackupRoleRow {
  mainUrl: string;
  active: boolean;
  lastSyncAt: Date | null;
  failedSyncs: number;
  remainingMs: number;
  activeSince: Date | null;
  accountedAt: Date;
  raisedAlerts: string;
}

export interface BackupReport {
  at: Date;
  active: boolean;
  remainingMs: number;
}

/** Data access for the backup role: the snapshot exchanged with the main server, and the role row. */
export class BackupStore {
  constructor(private readonly db: Db) {}

  async exportSnapshot(): Promise<StateSnapshot | null> {
    return this.db.$transaction(async (tx) => {
      const server = await tx.server.findUnique({ where: { id: SERVER_ROW_ID }, select: serverSelect });
      if (!server) return null;
      const participants = await tx.participant.findMany({ orderBy: { id: "asc" } });
      return { server, participants: participants.map(toRecord) };
    });
  }

  /**
   * Makes this database hold exactly `snapshot` (pool, settings and participants), writing an
   * audit row for every change of granted or pending so the ledger stays balanced.
   */
  async replaceState(
    snapshot: StateSnapshot,
    audit: (before: ParticipantRecord | null, after: ParticipantRecord | null) => AuditInput | null,
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      // Under the pool lock, and never once this backup is serving: its own state is newer then.
      await tx.server.updateMany({ where: { id: SERVER_ROW_ID }, data: { lockVersion: { increment: 1 } } });
      const role = await tx.backupRole.findUnique({ where: { id: ROLE_ROW_ID }, select: { active: true } });
      if (role?.active) return false;
      const current = new Map((await tx.participant.findMany()).map((p) => [p.id, toRecord(p)]));
      const audits: AuditInput[] = [];
      const incoming = new Set(snapshot.participants.map((p) => p.id));
      for (const [id, before] of current) {
        if (incoming.has(id)) continue;
        await tx.participant.delete({ where: { id } });
        const row = audit(before, null);
        if (row) audits.push(row);
      }
      // Free the unique token and serial slots first: a participant may have changed either.
      for (const p of snapshot.participants) {
        const before = current.get(p.id);
        if (before && (before.tokenHash !== p.tokenHash || before.serial !== p.serial)) {
          await tx.participant.update({ where: { id: p.id }, data: { tokenHash: null, serial: `~${p.id}` } });
        }
      }
      for (const p of snapshot.participants) {
        const before = current.get(p.id) ?? null;
        if (!before) await tx.participant.create({ data: p });
        else if (!sameRecord(before, p)) await tx.participant.update({ where: { id: p.id }, data: p });
        const row = audit(before, p);
        if (row) audits.push(row);
      }
      const { poolSize, grantedTotal, pendingTotal, pendingSeq, ...settings } = snapshot.server;
      const data = { poolSize, grantedTotal, pendingTotal, pendingSeq, ...settings };
      await tx.server.upsert({ where: { id: SERVER_ROW_ID }, create: { id: SERVER_ROW_ID, ...data }, update: data });
      if (audits.length > 0) {
        await tx.auditEvent.createMany({
          data: audits.map(({ detail, ...row }) => ({ ...row, detail: detail ? JSON.stringify(detail) : null })),
        });
      }
      return true;
    });
  }

  readRole(): Promise<BackupRoleRow | null> {
    return this.db.backupRole.findUnique({ where: { id: ROLE_ROW_ID } });
  }

  async initRole(mainUrl: string, remainingMs: number, at: Date): Promise<BackupRoleRow> {
    return this.db.backupRole.upsert({
      where: { id: ROLE_ROW_ID },
      create: { id: ROLE_ROW_ID, mainUrl, remainingMs, accountedAt: at },
      update: { mainUrl },
    });
  }

  async writeRole(data: Partial<BackupRoleRow>): Promise<BackupRoleRow> {
    return this.db.backupRole.update({ where: { id: ROLE_ROW_ID }, data });
  }

  /** The main server's record of what its backup last reported. */
  async recordBackupReport(report: BackupReport): Promise<void> {
    await this.db.server.update({
      where: { id: SERVER_ROW_ID },
      data: { backupLastSyncAt: report.at, backupActive: report.active, backupRemainingMs: report.remainingMs },
    });
  }

  async audit(rows: AuditInput[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.auditEvent.createMany({
      data: rows.map(({ detail, ...row }) => ({ ...row, detail: detail ? JSON.stringify(detail) : null })),
    });
  }
}

function toRecord(p: ParticipantRecord): ParticipantRecord {
  return Object.fromEntries(Object.keys(recordSelect).map((key) => [key, p[key as keyof ParticipantRecord]])) as unknown as ParticipantRecord;
}

function sameRecord(a: ParticipantRecord, b: ParticipantRecord): boolean {
  return (Object.keys(a) as Array<keyof ParticipantRecord>).every((key) => {
    const x = a[key];
    const y = b[key];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}
