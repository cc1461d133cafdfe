import type { Db } from "../client.ts";
import { ROLE_ROW_ID, SyncRefused } from "./backup-transaction.ts";
import type { Dialect } from "./dialect.ts";
import { SERVER_ROW_ID, type PoolTransaction } from "./pool-transaction.ts";
import type { AuditInput, ParticipantRecord, PolicyVersionRow, ServerRow } from "./rows.ts";
import { recordSelect, serverSelect, toRecord, toServerRow } from "./selects.ts";

/**
 * What the backup applies from one backup.sync: a full snapshot (`full`: exactly these
 * participants, any other is deleted) or the changes after a sequence number (these
 * participants are created or replaced, `removed` are deleted, the others stay).
 */
export interface StateChanges {
  full: boolean;
  /** `server.policyVersion` and `server.policyHeld` are the pool policy in force; `policy` its version. */
  server: ServerRow;
  policy: PolicyVersionRow | null;
  participants: ParticipantRecord[];
  removed: string[];
}

/** What the main server answers backup.sync with, read in one consistent snapshot. */
export interface ExportedChanges extends StateChanges {
  /** The database's identity (when its settings row was created): another one means it was replaced. */
  epoch: string;
  /** Server.lockVersion at the read: every change up to it is included. */
  seq: bigint;
}

export interface Sums {
  granted: number;
  pending: number;
}

export type ApplyOutcome =
  | { applied: true }
  | { applied: false; why: "active" }
  | { applied: false; why: "refused"; violations: string[] };

export interface ApplyHooks {
  /** Run before anything is written, with the sums of the participants the changes leave alone; violations refuse the whole sync. */
  check(untouched: Sums): string[];
  /** The audit row for one participant's change of grant or demand (null when there is none). */
  audit(before: ParticipantRecord | null, after: ParticipantRecord | null): AuditInput | null;
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

/** The main server's record of its last hand-back attempts (audit rows, written when the outcome changes). */
export const HANDBACK_FAILED = "backup.handback-failed";
export const HANDBACK_RECOVERED = "backup.handback-recovered";

/** `Store.inPoolTransaction`, the one way into the pool lock. */
export type PoolLockRunner = <R>(work: (pool: PoolTransaction) => Promise<R>) => Promise<R>;

/** Data access for the backup role: the changes exchanged with the main server, and the role row. */
export class BackupStore {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly inPoolTransaction: PoolLockRunner,
  ) {}

  /**
   * On the main server: the changes after `after` (participants with a greater changeSeq and the
   * removals), or every participant when `after` is null, names another database, or is ahead
   * of this one (the database was replaced or restored).
   */
  async exportChanges(after: bigint | null, epoch: string | null): Promise<ExportedChanges | null> {
    // PostgreSQL's default isolation gives each statement its own snapshot; the counters and the
    // rows must come from one. SQLite's transactions are serializable already.
    return this.db.$transaction(async (tx) => {
      const row = await tx.server.findUnique({
        where: { id: SERVER_ROW_ID },
        select: { ...serverSelect, lockVersion: true, createdAt: true },
      });
      if (!row) return null;
      const { lockVersion, createdAt, ...server } = toServerRow(row);
      const mine = createdAt.toISOString();
      const full = after === null || epoch !== mine || after > lockVersion;
      const participants = await tx.participant.findMany({
        where: full ? {} : { changeSeq: { gt: after } },
        orderBy: { id: "asc" },
        select: recordSelect,
      });
      const removed = full
        ? []
        : (
            await tx.removedParticipant.findMany({
              where: { changeSeq: { gt: after } },
              select: { participantId: true },
            })
          ).map((r) => r.participantId);
      const policy =
        server.policyVersion === null
          ? null
          : await tx.policyVersion.findUnique({ where: { version: server.policyVersion } });
      return { full, epoch: mine, seq: lockVersion, server, policy, participants: participants.map(toRecord), removed };
    }, this.dialect.snapshotRead as never);
  }

  /**
   * On the backup: applies one sync in one pool transaction (the backup's own pool lock, so its
   * serving path never reads half a sync; the transaction's lockVersion stamps the rows it writes,
   * for this database's change feed), writing an audit row for every change of granted or pending
   * so the ledger stays balanced. `hooks.check` runs before any write; a violation leaves the
   * database as it was. Never applied once this backup is serving: its own state is newer then.
   * The participants are written in bulk beside the PoolTransaction, so they reach the lease
   * table through the change feed, as another process's changes do.
   */
  async applyChanges(changes: StateChanges, at: Date, hooks: ApplyHooks): Promise<ApplyOutcome> {
    try {
      return await this.inPoolTransaction((pool) => pool.backup.applySync(changes, at, hooks));
    } catch (error) {
      if (error instanceof SyncRefused) return { applied: false, why: "refused", violations: error.violations };
      throw error;
    }
  }

  /**
   * Lease renewals are written behind the pool lock and carry no change sequence number, so the
   * backup's lastSeenAt of an unchanged participant is as old as its last change. Before the
   * backup serves, silence is counted from `at` at the earliest.
   */
  async touchLeasesFrom(at: Date): Promise<number> {
    const { count } = await this.db.participant.updateMany({
      where: { lastSeenAt: { lt: at } },
      data: { lastSeenAt: at },
    });
    return count;
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

  /** The latest hand-back outcome recorded on the main server (failed, or recovered after a failure). */
  async lastHandbackOutcome(): Promise<{ failed: boolean; at: Date; detail: Record<string, unknown> } | null> {
    const row = await this.db.auditEvent.findFirst({
      where: { type: { in: [HANDBACK_FAILED, HANDBACK_RECOVERED] } },
      orderBy: { id: "desc" },
      select: { type: true, at: true, detail: true },
    });
    return row
      ? { failed: row.type === HANDBACK_FAILED, at: row.at, detail: row.detail ? JSON.parse(row.detail) : {} }
      : null;
  }

  async audit(rows: AuditInput[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.auditEvent.createMany({
      data: rows.map(({ detail, ...row }) => ({ ...row, detail: detail ? JSON.stringify(detail) : null })),
    });
  }
}
