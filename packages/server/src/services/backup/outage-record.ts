// The main server's side of the outage report: recorded in the hand-back's pool transaction from
// the backup's account (outage-story.ts on the backup) and what the merge changed here.
import { newId, type AuditInput, type ParticipantRecord, type PoolTransaction } from "@sls/db";
import { GRANT_EVENT_TYPES, RECLAIM_EVENT_TYPES, REGISTRATION_EVENT_TYPES } from "@sls/db/vocabulary";
import type { TOutageChange, TOutageReconciled } from "../../contracts/admin/outages.ts";
import type { TOutageStory } from "./outage-wire.ts";
import type { THandbackAnswer } from "./snapshot-wire.ts";

/** This server's own changes to a participant: what makes one the backup also changed "changed on both sides". */
const OWN_CHANGE_TYPES = [...REGISTRATION_EVENT_TYPES, ...GRANT_EVENT_TYPES, ...RECLAIM_EVENT_TYPES] as const;

/**
 * Writes the outage report and its `backup.outage-recorded` audit row (which the alert engine's
 * hand-back alert links to). Participants changed on both sides: those the backup changed that
 * also have changes of this server's own in its audit history since the backup's last sync
 * (else since it judged the main server down, else since it served first).
 */
export async function recordOutage(
  tx: PoolTransaction,
  story: TOutageStory,
  answer: THandbackAnswer,
  own: ParticipantRecord[],
  merged: ParticipantRecord[],
  audits: AuditInput[],
  at: Date,
): Promise<string> {
  const byId = new Map(own.map((p) => [p.id, p]));
  const idOfSerial = new Map(own.map((p) => [p.serial, p.id]));
  const takenIds = answer.participants.flatMap((p) => {
    const id = byId.has(p.id) ? p.id : idOfSerial.get(p.serial);
    return id ? [id] : [];
  });
  const since = new Date(story.lastSyncAt ?? story.judgedDownAt ?? story.firstServedAt);
  const bothSides = new Set(await tx.backup.participantsWithAuditSince(since, OWN_CHANGE_TYPES, takenIds));
  const after = new Map(merged.map((p) => [p.id, p]));
  const reconciled: TOutageReconciled[] = [...bothSides].map((id) => {
    const mine = byId.get(id)!;
    const now = after.get(id) ?? mine;
    return {
      serial: mine.serial,
      mainGranted: mine.granted,
      mainPending: mine.pending,
      grantedAfter: now.granted,
      pendingAfter: now.pending,
    };
  });
  const changes: TOutageChange[] = audits
    .filter((a) => a.participantId && a.serial)
    .map((a) => ({
      serial: a.serial!,
      type: a.type,
      grantedDelta: a.grantedDelta ?? 0,
      pendingDelta: a.pendingDelta ?? 0,
      grantedAfter: a.grantedAfter ?? 0,
      pendingAfter: a.pendingAfter ?? 0,
      registeredOnBackup: a.detail?.registeredOnBackup === true,
    }));
  const id = newId("out");
  await tx.backup.recordOutage({
    id,
    judgedDownAt: story.judgedDownAt ? new Date(story.judgedDownAt) : null,
    lastSyncAt: story.lastSyncAt ? new Date(story.lastSyncAt) : null,
    failedSyncs: JSON.stringify(story.failedSyncs),
    firstServedAt: new Date(story.firstServedAt),
    handedBackAt: at,
    events: JSON.stringify(story.events),
    eventCounts: JSON.stringify(story.eventCounts),
    changes: JSON.stringify(changes),
    reconciled: JSON.stringify(reconciled),
  });
  await tx.audit([
    {
      at,
      type: "backup.outage-recorded",
      actor: "system:handback",
      detail: {
        outageId: id,
        changedGrants: changes.length,
        backupEvents: Object.values(story.eventCounts).reduce((s, n) => s + (n ?? 0), 0),
        reconciled: reconciled.length,
      },
    },
  ]);
  return id;
}
