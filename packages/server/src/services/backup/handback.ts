import type { AuditInput, ParticipantRecord, PoolTransaction } from "@sls/db";
import { callMutation } from "../../http/trpc-call.ts";
import type { Services } from "../context.ts";
import { handbackProof } from "./handback-proof.ts";
import type { BackupServing } from "./serving.ts";
import { participantFromWire, participantToWire, type TWireSnapshot } from "./snapshot-wire.ts";

export interface HandbackAnswer {
  wasActive: boolean;
  /** Participants the backup changed (granted, pending, token) while it served. */
  changedIds: string[];
  participants: TWireSnapshot["participants"];
  alerts: Array<{ at: string; detail: string | null }>;
}

/**
 * The main server takes its state back from a backup that served during its absence: calls
 * backup.handback (which makes the backup inactive in the same step) and merges the answer
 * before serving again. Returns the number of participants taken over, or null when the backup
 * was not active (or not reachable).
 */
export async function takeBackFromBackup(services: Services, timeoutMs: number): Promise<number | null> {
  const server = await services.store.readServer();
  if (!server?.backupAddress || !server.secretHash) return null;
  const at = services.now();
  let answer: HandbackAnswer;
  try {
    answer = await callMutation<HandbackAnswer>(
      server.backupAddress,
      "backup.handback",
      { at, proof: handbackProof(server.secretHash, at) },
      { timeoutMs },
    );
  } catch (error) {
    services.log.debug("backup not reachable for hand-back", { address: server.backupAddress, error: (error as Error).message });
    return null;
  }
  if (!answer.wasActive) return null;
  const merged = await mergeHandback(services, answer);
  services.log.warn("took the pool back from the backup server", { address: server.backupAddress, participants: merged });
  return merged;
}

async function mergeHandback(services: Services, answer: HandbackAnswer): Promise<number> {
  const now = new Date(services.now());
  const changed = new Set(answer.changedIds);
  return services.store.inPoolTransaction(async (tx) => {
    const mine = new Map((await tx.allParticipantRecords()).map((p) => [p.id, p]));
    const mineBySerial = new Map([...mine.values()].map((p) => [p.serial, p]));
    const audits: AuditInput[] = [];
    let taken = 0;
    for (const wire of answer.participants) {
      const theirs = participantFromWire(wire);
      const own = mine.get(theirs.id) ?? mineBySerial.get(theirs.serial);
      if (own && !changed.has(theirs.id)) {
        // Untouched by the backup: the main server's record may be newer than the last sync.
        if (theirs.lastSeenAt > own.lastSeenAt) await tx.updateParticipant(own.id, { lastSeenAt: theirs.lastSeenAt });
        continue;
      }
      const record: ParticipantRecord = { ...theirs, id: own?.id ?? theirs.id };
      await tx.putParticipantRecord(record);
      mine.set(record.id, record);
      taken += 1;
      const grantedDelta = record.granted - (own?.granted ?? 0);
      const pendingDelta = record.pending - (own?.pending ?? 0);
      if (grantedDelta !== 0 || pendingDelta !== 0) {
        audits.push({
          at: now,
          type: "handback",
          actor: "system:handback",
          participantId: record.id,
          serial: record.serial,
          grantedDelta,
          pendingDelta,
          grantedAfter: record.granted,
          pendingAfter: record.pending,
        });
      }
    }
    for (const alert of answer.alerts) {
      audits.push({ at: new Date(alert.at), type: "backup-alert", actor: "system:backup", detail: alert.detail ? JSON.parse(alert.detail) : null });
    }
    await renumberQueue(tx, [...mine.values()]);
    await tx.audit(audits);
    return taken;
  });
}

/**
 * The FCFS positions of both servers' queues may collide after a merge; renumber them 1..n in
 * their existing order and recompute the pool counters from the participants.
 */
async function renumberQueue(tx: PoolTransaction, participants: ParticipantRecord[]): Promise<void> {
  const queue = participants
    .filter((p) => p.pending > 0)
    .sort((a, b) => (a.pendingSeq ?? 0) - (b.pendingSeq ?? 0) || a.id.localeCompare(b.id));
  await tx.writeAllocations(queue.map((p, i) => ({ id: p.id, granted: p.granted, pending: p.pending, pendingSeq: i + 1 })));
  await tx.writePool({
    poolSize: tx.server.poolSize,
    grantedTotal: participants.reduce((sum, p) => sum + p.granted, 0),
    pendingTotal: participants.reduce((sum, p) => sum + p.pending, 0),
    pendingSeq: queue.length,
  });
}

/** backup.handback on the backup server: go inactive and hand the state over, in one step. */
export async function handBack(services: Services, serving: BackupServing): Promise<HandbackAnswer> {
  const answer = await services.store.inPoolTransaction(async (tx): Promise<HandbackAnswer> => {
    const role = await tx.readBackupRole();
    if (!role?.active || !role.activeSince) {
      return { wasActive: false, changedIds: [], participants: [], alerts: [] };
    }
    const [participants, changedIds, alerts] = await Promise.all([
      tx.allParticipantRecords(),
      tx.participantsChangedSince(role.activeSince),
      tx.auditOfTypeSince("backup-alert", role.activeSince),
    ]);
    await tx.deactivateBackupRole();
    return {
      wasActive: true,
      changedIds,
      participants: participants.map(participantToWire),
      alerts: alerts.map((a) => ({ at: a.at.toISOString(), detail: a.detail })),
    };
  });
  if (answer.wasActive) {
    serving.state = "inactive";
    services.log.warn("handed the pool back to the main server; this backup is inactive again", { changed: answer.changedIds.length });
  }
  return answer;
}
