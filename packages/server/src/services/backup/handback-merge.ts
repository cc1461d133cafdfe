import { checkInvariants, type OperatingAlert, type PoolSnapshot, servePending } from "@sls/allocator";
import type { AuditInput, ParticipantRecord } from "@sls/db";
import { z } from "zod";
import { remoteText } from "../../http/remote-text.ts";
import { toSnapshot } from "../pool/allocation.ts";
import { poolViolations } from "./answer-checks.ts";
import { participantFromWire, type THandbackAnswer } from "./snapshot-wire.ts";

const ACTOR = "system:handback";

/** What the main server writes for a hand-back: nothing unless `violations` is empty. */
export interface HandbackPlan {
  violations: string[];
  /** Participants whose grant, pending, FCFS position or token changed, and the new ones: whole. */
  put: ParticipantRecord[];
  /** Participants the backup only saw renew their lease. */
  renewed: Array<{ id: string; lastSeenAt: Date }>;
  pool: PoolSnapshot;
  audits: AuditInput[];
  /** How many participants the backup listed as changed. */
  taken: number;
}

/**
 * The main server's own state with the backup's answer laid over it, checked against the main
 * server's own truth before anything is written:
 * - the backup's report must add up in itself (its counters and queue); the pool size it claims
 *   is used for nothing else;
 * - from each participant the backup changed, only what the backup decides is taken: granted,
 *   pending, the FCFS position, the token (an appliance that registered again on the backup holds a
 *   new one) and the lease and reclaim times; hostname, model, limits, HA peer and approval stay
 *   this server's;
 * - a participant this server does not know (it registered on the backup during the outage) is
 *   taken whole, approval and limits included: the backup registered it under this server's own
 *   synchronised settings, the appliance declared its limits as it would have here, and the
 *   invariants below bound its grant by them and by the pool; dropping it would take a grant away
 *   from an appliance that holds it;
 * - every date is clamped to now, the queue renumbered, idle sessions handed to the queue, and
 *   the invariants checked over the merged pool with this server's own pool size and limits
 *   (Σ granted ≤ this server's pool size, every participant within this server's limits for it);
 * - the backup's alerts are kept as known alerts with cleaned, capped text.
 */
export function planHandback(
  own: { poolSize: number; participants: ParticipantRecord[] },
  answer: THandbackAnswer,
  nowMs: number,
): HandbackPlan {
  const now = new Date(nowMs);
  const clamp = (date: Date) => (date.getTime() > nowMs ? now : date);
  const theirs = answer.participants.map(participantFromWire);
  const empty = { put: [], renewed: [], pool: { ...answer.pool, poolSize: own.poolSize }, audits: [], taken: 0 };
  // The backup's report must add up in itself (its counters, its queue); whether its grants fit
  // this server's pool is checked below, on the merged state.
  const backupViolations = poolViolations(answer.pool, theirs, answer.untouched);
  if (backupViolations.length > 0) {
    return { ...empty, violations: backupViolations.map((v) => `in the backup's own state: ${v}`) };
  }

  const before = new Map(own.participants.map((p) => [p.id, p]));
  const idOfSerial = new Map(own.participants.map((p) => [p.serial, p.id]));
  const merged = new Map(before);
  for (const [id, seenAt] of answer.seen) {
    const mine = merged.get(id);
    const lastSeenAt = clamp(new Date(seenAt));
    if (mine && lastSeenAt > mine.lastSeenAt) {
      merged.set(id, { ...mine, lastSeenAt });
    }
  }
  const fromBackup = new Set<string>();
  for (const record of theirs) {
    const id = before.has(record.id) ? record.id : (idOfSerial.get(record.serial) ?? record.id);
    const mine = merged.get(id);
    fromBackup.add(id);
    if (!mine) {
      merged.set(id, {
        ...record,
        registeredAt: clamp(record.registeredAt),
        lastSeenAt: clamp(record.lastSeenAt),
        reclaimedAt: record.reclaimedAt && clamp(record.reclaimedAt),
      });
      continue;
    }
    const lastSeenAt = clamp(record.lastSeenAt);
    const reclaimedAt = record.reclaimedAt && clamp(record.reclaimedAt);
    merged.set(id, {
      ...mine,
      granted: record.granted,
      pending: record.pending,
      pendingSeq: record.pendingSeq,
      tokenHash: record.tokenHash,
      lastSeenAt: later(lastSeenAt, mine.lastSeenAt),
      reclaimedAt:
        reclaimedAt && mine.reclaimedAt ? later(reclaimedAt, mine.reclaimedAt) : (reclaimedAt ?? mine.reclaimedAt),
    });
  }

  const audits: AuditInput[] = [];
  for (const id of fromBackup) {
    const after = merged.get(id)!;
    const was = before.get(id);
    const grantedDelta = after.granted - (was?.granted ?? 0);
    const pendingDelta = after.pending - (was?.pending ?? 0);
    if (grantedDelta === 0 && pendingDelta === 0 && was) continue;
    audits.push({
      at: now,
      type: "handback",
      actor: ACTOR,
      participantId: id,
      serial: after.serial,
      grantedDelta,
      pendingDelta,
      grantedAfter: after.granted,
      pendingAfter: after.pending,
      ...(was ? {} : { detail: { registeredOnBackup: true } }),
    });
  }

  // The two servers' FCFS positions may collide: renumber 1..n in their order, then hand any
  // idle sessions to the queue, as a release would have.
  const queue = [...merged.values()]
    .filter((p) => p.pending > 0)
    .sort((a, b) => (a.pendingSeq ?? 0) - (b.pendingSeq ?? 0) || a.id.localeCompare(b.id));
  for (const [i, p] of queue.entries()) merged.set(p.id, { ...p, pendingSeq: i + 1 });
  const all = [...merged.values()];
  const served = servePending({
    pool: {
      poolSize: own.poolSize,
      grantedTotal: all.reduce((sum, p) => sum + p.granted, 0),
      pendingTotal: all.reduce((sum, p) => sum + p.pending, 0),
      pendingSeq: queue.length,
    },
    participants: all.map((p) => toSnapshot(p)),
  });
  for (const p of served.state.participants) {
    const record = merged.get(p.id)!;
    merged.set(p.id, { ...record, granted: p.granted, pending: p.pending, pendingSeq: p.pendingSeq });
  }
  for (const change of served.changes) {
    audits.push({
      at: now,
      type: change.cause,
      actor: ACTOR,
      participantId: change.id,
      serial: change.serial,
      grantedDelta: change.grantedDelta,
      pendingDelta: change.pendingDelta,
      grantedAfter: change.granted,
      pendingAfter: change.pending,
    });
  }

  const violations = checkInvariants(served.state.pool, served.state.participants);
  if (violations.length > 0) return { ...empty, violations: violations.map((v) => `after the merge: ${v}`) };

  const put: ParticipantRecord[] = [];
  const renewed: HandbackPlan["renewed"] = [];
  for (const record of merged.values()) {
    const was = before.get(record.id);
    if (!was || allocationOrTokenDiffers(was, record)) put.push(record);
    else if (record.lastSeenAt.getTime() !== was.lastSeenAt.getTime())
      renewed.push({ id: record.id, lastSeenAt: record.lastSeenAt });
  }
  for (const alert of answer.alerts) {
    audits.push({
      at: clamp(new Date(alert.at)),
      type: "backup-alert",
      actor: "system:backup",
      detail: alertDetail(alert.detail),
    });
  }
  return { violations: [], put, renewed, pool: served.state.pool, audits, taken: theirs.length };
}

const later = (a: Date, b: Date) => (a > b ? a : b);

function allocationOrTokenDiffers(a: ParticipantRecord, b: ParticipantRecord): boolean {
  return (
    a.granted !== b.granted ||
    a.pending !== b.pending ||
    a.pendingSeq !== b.pendingSeq ||
    a.tokenHash !== b.tokenHash ||
    a.reclaimedAt?.getTime() !== b.reclaimedAt?.getTime()
  );
}

const OPERATING_ALERTS = ["ACTIVE_15_DAYS", "LIMIT_REACHED"] as const satisfies readonly OperatingAlert[];
const ZBackupAlert = z.object({
  alert: z.enum(OPERATING_ALERTS),
  message: z.string().optional(),
  operatingDaysLeft: z.number().finite().optional(),
});

/**
 * A backup's alert as the main server's audit history keeps it: one of the operating-limit
 * alerts with its text cleaned and capped, or else the cleaned, capped text alone.
 */
export function alertDetail(detail: string | null): Record<string, unknown> | null {
  if (detail === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return { text: remoteText(detail) };
  }
  const known = ZBackupAlert.safeParse(parsed);
  if (!known.success) return { text: remoteText(detail) };
  const { alert, message, operatingDaysLeft } = known.data;
  return {
    alert,
    ...(message === undefined ? {} : { message: remoteText(message) }),
    ...(operatingDaysLeft === undefined ? {} : { operatingDaysLeft }),
  };
}
