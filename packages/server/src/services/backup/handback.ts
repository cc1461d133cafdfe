import {
  HANDBACK_FAILED,
  HANDBACK_RECOVERED,
  type AuditInput,
  type ParticipantRecord,
  type PoolTransaction,
} from "@sls/db";
import { callMutation, RemoteCallError } from "../../http/trpc-call.ts";
import type { Services } from "../context.ts";
import { normaliseServerAddress } from "./address.ts";
import { poolViolations } from "./answer-checks.ts";
import { LinkRefusal } from "./link-key.ts";
import type { BackupServing } from "./serving.ts";
import { participantFromWire, participantToWire, ZHandbackAnswer, type THandbackAnswer } from "./snapshot-wire.ts";

/** A hand-back call that did not go through: why, for the log and the overview's backup card. */
class HandbackFailure extends Error {}

/**
 * The main server takes its state back from a backup that served during its absence: calls
 * backup.handback (which makes the backup inactive in the same step), checks the sealed answer
 * (link key, schema, pool invariants) and merges it before serving again. Returns the number of
 * participants taken over, or null when there was nothing to take (no backup configured, the
 * backup not active, or the call failed: a failure is a warning in the log and a line on the
 * overview's backup card).
 */
export async function takeBackFromBackup(
  services: Services,
  outcomes: HandbackOutcomes,
  timeoutMs: number,
): Promise<number | null> {
  const server = await services.store.readServer();
  if (!server?.backupAddress) return null;
  const address = normaliseServerAddress(server.backupAddress) ?? server.backupAddress;
  let answer: THandbackAnswer;
  try {
    answer = await callHandback(services, address, timeoutMs);
  } catch (error) {
    if (!(error instanceof HandbackFailure) && !(error instanceof RemoteCallError)) throw error;
    await outcomes.failed(address, error.message);
    return null;
  }
  const participants = answer.participants.map(participantFromWire);
  const violations = answer.wasActive ? poolViolations(answer.pool, participants, answer.untouched) : [];
  if (violations.length > 0) {
    await refuseAnswer(services, address, violations);
    await outcomes.failed(address, `the backup's answer breaks the pool invariants: ${violations[0]}`);
    return null;
  }
  await outcomes.succeeded(address);
  if (!answer.wasActive) return null;
  const merged = await mergeHandback(services, answer, participants);
  services.log.warn("took the pool back from the backup server", { address, participants: merged });
  return merged;
}

async function callHandback(services: Services, address: string, timeoutMs: number): Promise<THandbackAnswer> {
  const link = services.serving.link;
  if (!link)
    throw new HandbackFailure(
      "SLS_BACKUP_KEY is not set on this main server, so it cannot authenticate backup.handback; set the same key on both servers",
    );
  const request = link.seal("handback-request", { handback: true });
  const raw = await callMutation<unknown>(address, "backup.handback", request, { timeoutMs });
  try {
    return link.open(`handback-answer:${request.nonce}`, raw, ZHandbackAnswer);
  } catch (error) {
    if (!(error instanceof LinkRefusal)) throw error;
    await refuseAnswer(services, address, [error.message]);
    throw new HandbackFailure(`the backup's answer was refused: ${error.message}`);
  }
}

async function refuseAnswer(services: Services, address: string, reasons: string[]): Promise<void> {
  services.log.error("hand-back answer refused; nothing of it was merged", { address, reasons: reasons.slice(0, 10) });
  await services.store.backup.audit([
    {
      at: new Date(services.now()),
      type: "backup.handback-refused",
      actor: "system:handback",
      detail: { address, reasons: reasons.slice(0, 10) },
    },
  ]);
}

/**
 * The last hand-back outcome, kept in the audit history (a row when it changes: failing, or
 * working again) so the overview can show it; every failed call is also a warning in the log.
 */
export class HandbackOutcomes {
  private lastFailure: string | null | undefined;

  constructor(private readonly services: Services) {}

  async failed(address: string, cause: string): Promise<void> {
    this.services.log.warn("hand-back call to the backup server failed", { address, cause });
    if ((await this.last()) === cause) return;
    this.lastFailure = cause;
    await this.services.store.backup.audit([
      {
        at: new Date(this.services.now()),
        type: HANDBACK_FAILED,
        actor: "system:handback",
        detail: { address, cause },
      },
    ]);
  }

  async succeeded(address: string): Promise<void> {
    if ((await this.last()) === null) return;
    this.lastFailure = null;
    this.services.log.info("hand-back calls to the backup server work again", { address });
    await this.services.store.backup.audit([
      { at: new Date(this.services.now()), type: HANDBACK_RECOVERED, actor: "system:handback", detail: { address } },
    ]);
  }

  private async last(): Promise<string | null> {
    if (this.lastFailure === undefined) {
      const outcome = await this.services.store.backup.lastHandbackOutcome();
      this.lastFailure = outcome?.failed ? String(outcome.detail.cause ?? "") : null;
    }
    return this.lastFailure;
  }
}

async function mergeHandback(
  services: Services,
  answer: THandbackAnswer,
  participants: ParticipantRecord[],
): Promise<number> {
  const now = new Date(services.now());
  return services.store.inPoolTransaction(async (tx) => {
    const mine = new Map((await tx.allParticipantRecords()).map((p) => [p.id, p]));
    const mineBySerial = new Map([...mine.values()].map((p) => [p.serial, p]));
    const audits: AuditInput[] = [];
    // Untouched by the backup: the main server's record stands (it may be newer than the last
    // sync), with the lease renewed if the appliance called the backup more recently.
    for (const [id, seenAt] of answer.seen) {
      const own = mine.get(id);
      const lastSeenAt = new Date(seenAt);
      if (own && lastSeenAt > own.lastSeenAt) await tx.updateParticipant(own.id, { lastSeenAt });
    }
    let taken = 0;
    for (const theirs of participants) {
      const own = mine.get(theirs.id) ?? mineBySerial.get(theirs.serial);
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
      audits.push({
        at: new Date(alert.at),
        type: "backup-alert",
        actor: "system:backup",
        detail: alertDetail(alert.detail),
      });
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
  await tx.writeAllocations(
    queue.map((p, i) => ({ id: p.id, granted: p.granted, pending: p.pending, pendingSeq: i + 1 })),
  );
  await tx.writePool({
    poolSize: tx.server.poolSize,
    grantedTotal: participants.reduce((sum, p) => sum + p.granted, 0),
    pendingTotal: participants.reduce((sum, p) => sum + p.pending, 0),
    pendingSeq: queue.length,
  });
}

/** backup.handback on the backup server: go inactive and hand the state over, in one step. */
export async function handBack(services: Services, serving: BackupServing): Promise<THandbackAnswer> {
  const answer = await services.store.inPoolTransaction(async (tx): Promise<THandbackAnswer> => {
    const { poolSize, grantedTotal, pendingTotal, pendingSeq } = tx.server;
    const pool = { poolSize, grantedTotal, pendingTotal, pendingSeq };
    const role = await tx.readBackupRole();
    if (!role?.active || !role.activeSince) {
      return { wasActive: false, pool, participants: [], untouched: { granted: 0, pending: 0 }, seen: [], alerts: [] };
    }
    const since = role.activeSince;
    const [all, changedIds, alerts] = await Promise.all([
      tx.allParticipantRecords(),
      tx.participantsChangedSince(since),
      tx.auditOfTypeSince("backup-alert", since),
    ]);
    await tx.deactivateBackupRole();
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

function alertDetail(detail: string | null): Record<string, unknown> | null {
  if (detail === null) return null;
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { text: detail };
  } catch {
    return { text: detail };
  }
}
