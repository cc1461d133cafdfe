import type { BackupStore, ParticipantRow } from "@sls/db";
import { SlsError } from "../../errors.ts";
import type { Services } from "../context.ts";
import { snapshotToWire, type TWireSnapshot } from "./snapshot-wire.ts";

/** backup.sync on the main server: the configured backup gets the whole state to mirror. */
export async function syncForBackup(
  services: Services,
  backupStore: BackupStore,
  caller: ParticipantRow,
  report: { active: boolean; remainingMs: number },
): Promise<TWireSnapshot> {
  const now = services.now();
  const snapshot = await backupStore.exportSnapshot();
  if (!snapshot || snapshot.server.backupSerial !== caller.serial) {
    throw new SlsError(
      "NOT_BACKUP",
      `Serial ${caller.serial} is not the configured backup server; set it as the backup on the main server first.`,
    );
  }
  await Promise.all([
    backupStore.recordBackupReport({ at: new Date(now), active: report.active, remainingMs: report.remainingMs }),
    services.store.updateParticipant(caller.id, { lastSeenAt: new Date(now) }),
  ]);
  const counters = await services.store.serverCounters();
  return snapshotToWire(snapshot, counters);
}
