import type { Db } from "../client.ts";
import { SERVER_ROW_ID } from "./pool-transaction.ts";

export interface BackupStatusRow {
  address: string | null;
  serial: string | null;
  peerSerial: string | null;
  lastSyncAt: Date | null;
  remainingMs: number | null;
  active: boolean;
  /** The backup's own participant record on this server, if it has registered. */
  registered: { approved: boolean; lastSeenAt: Date } | null;
}

/** Read-only figures for the admin overview that no other repository serves. */
export class OverviewQueries {
  constructor(private readonly db: Db) {}

  async backupStatus(): Promise<BackupStatusRow | null> {
    const server = await this.db.server.findUnique({
      where: { id: SERVER_ROW_ID },
      select: {
        backupAddress: true,
        backupSerial: true,
        backupPeerSerial: true,
        backupLastSyncAt: true,
        backupRemainingMs: true,
        backupActive: true,
      },
    });
    if (!server) return null;
    const registered = server.backupSerial
      ? await this.db.participant.findUnique({
          where: { serial: server.backupSerial },
          select: { approved: true, lastSeenAt: true },
        })
      : null;
    return {
      address: server.backupAddress,
      serial: server.backupSerial,
      peerSerial: server.backupPeerSerial,
      lastSyncAt: server.backupLastSyncAt,
      remainingMs: server.backupRemainingMs,
      active: server.backupActive,
      registered,
    };
  }
}
