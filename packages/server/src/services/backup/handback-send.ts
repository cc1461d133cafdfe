// The backup server's side of the hand-back: answering backup.handback. The main server's side,
// calling it and merging the answer, is handback-receive.ts.
import type { Services } from "../context.ts";
import { outageStory } from "./outage-story.ts";
import type { BackupServing } from "./serving.ts";
import { participantToWire, type THandbackAnswer } from "./snapshot-wire.ts";

/** backup.handback on the backup server: go inactive and hand the state over, in one step. */
export async function handBack(
  services: Pick<Services, "store" | "log">,
  serving: BackupServing,
): Promise<THandbackAnswer> {
  const answer = await services.store.inPoolTransaction(async (tx): Promise<THandbackAnswer> => {
    const { poolSize, grantedTotal, pendingTotal, pendingSeq } = tx.server;
    const pool = { poolSize, grantedTotal, pendingTotal, pendingSeq };
    const role = await tx.backup.readRole();
    if (!role?.active || !role.activeSince) {
      return { wasActive: false, pool, participants: [], untouched: { granted: 0, pending: 0 }, seen: [], alerts: [] };
    }
    const since = role.activeSince;
    const [all, changedIds, alerts, outage] = await Promise.all([
      tx.backup.allParticipantRecords(),
      tx.backup.participantsChangedSince(since),
      tx.backup.auditOfTypeSince("backup-alert", since),
      outageStory(tx, since),
    ]);
    await tx.backup.deactivateRole();
    const changed = new Set(changedIds);
    const others = all.filter((p) => !changed.has(p.id));
    return {
      wasActive: true,
      pool,
      participants: all.filter((p) => changed.has(p.id)).map(participantToWire),
      untouched: {
        granted: others.reduce((sum, p) => sum + p.granted, 0),
        pending: others.reduce((sum, p) => sum + p.pending, 0),
      },
      // Only leases renewed while this backup served: what it set when it took over is no news.
      seen: others
        .filter((p) => p.lastSeenAt >= since)
        .map((p) => [p.id, p.lastSeenAt.toISOString()] as [string, string]),
      alerts: alerts.map((a) => ({ at: a.at.toISOString(), detail: a.detail })),
      outage,
    };
  });
  if (answer.wasActive) {
    serving.state = "inactive";
    services.log.warn("handed the pool back to the main server; this backup is inactive again", {
      changed: answer.participants.length,
      seen: answer.seen.length,
    });
  }
  return answer;
}
