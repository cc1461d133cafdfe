import type { AllocState, Outcome, ParticipantSnapshot } from "@sls/allocator";
import { isSilent, reclaim } from "@sls/allocator";
import type { ParticipantRow, PoolTransaction } from "@sls/db";

/**
 * `floor` is the earliest instant silence may be counted from (see Leases.floor: a renewal
 * acknowledged but not written when a process died is not held against anyone).
 */
export function toSnapshot(row: ParticipantRow, floor = 0): ParticipantSnapshot {
  return {
    id: row.id,
    serial: row.serial,
    platformLimit: row.platformLimit,
    localLimit: row.localLimit,
    granted: row.granted,
    pending: row.pending,
    pendingSeq: row.pendingSeq,
    lastSeenAt: Math.max(row.lastSeenAt.getTime(), floor),
    haPeerSerial: row.haPeerSerial,
  };
}

/**
 * When a call loads the pending queue, and so may serve it: always, or only while sessions are
 * idle (a request, which can serve the queue only then).
 */
export type QueueServing = "always" | "when-sessions-idle";

/**
 * The slice of state an allocation needs: the pool, the actors and the pending queue. A call that
 * serves the queue only when sessions are idle skips loading it while the pool is exhausted (the
 * usual case when anyone waits).
 */
export async function loadState(
  tx: PoolTransaction,
  actors: ParticipantRow[],
  servesQueue: QueueServing = "always",
  floor = 0,
): Promise<AllocState> {
  const byId = new Map<string, ParticipantSnapshot>();
  for (const row of actors) byId.set(row.id, toSnapshot(row, floor));
  const couldServe = servesQueue === "always" || tx.server.poolSize > tx.server.grantedTotal;
  if (tx.server.pendingTotal > 0 && couldServe) {
    for (const row of await tx.pendingQueue()) if (!byId.has(row.id)) byId.set(row.id, toSnapshot(row, floor));
  }
  const { poolSize, grantedTotal, pendingTotal, pendingSeq } = tx.server;
  return { pool: { poolSize, grantedTotal, pendingTotal, pendingSeq }, participants: [...byId.values()] };
}

/** Writes an outcome's changes, the pool counters and one audit row per change. */
export async function commitOutcome(
  tx: PoolTransaction,
  before: AllocState,
  outcome: Outcome<unknown>,
  at: Date,
  actor: string,
): Promise<void> {
  if (outcome.changes.length === 0 && samePool(before, outcome.state)) return;
  const finalById = new Map(outcome.state.participants.map((p) => [p.id, p]));
  const changedIds = [...new Set(outcome.changes.map((c) => c.id))];
  await tx.writeAllocations(
    changedIds.flatMap((id) => {
      const p = finalById.get(id);
      return p ? [{ id, granted: p.granted, pending: p.pending, pendingSeq: p.pendingSeq }] : [];
    }),
  );
  const { poolSize, grantedTotal, pendingTotal, pendingSeq } = outcome.state.pool;
  await tx.writePool({ poolSize, grantedTotal, pendingTotal, pendingSeq });
  await tx.audit(
    outcome.changes.map((c) => ({
      at,
      type: c.cause,
      actor,
      participantId: c.id,
      serial: c.serial,
      grantedDelta: c.grantedDelta,
      pendingDelta: c.pendingDelta,
      grantedAfter: c.granted,
      pendingAfter: c.pending,
    })),
  );
}

function samePool(a: AllocState, b: AllocState): boolean {
  return (
    a.pool.poolSize === b.pool.poolSize &&
    a.pool.grantedTotal === b.pool.grantedTotal &&
    a.pool.pendingTotal === b.pool.pendingTotal &&
    a.pool.pendingSeq === b.pool.pendingSeq
  );
}

/**
 * A participant silent for 3 refresh intervals loses its grant and demand. The sweep does this
 * on a timer; calling here as well means a participant that comes back first sees `granted: 0`.
 * Returns the state after the reclaim (unchanged when the participant was not silent).
 */
export async function reclaimIfSilent(
  tx: PoolTransaction,
  state: AllocState,
  participant: ParticipantRow,
  now: number,
  actor: string,
): Promise<AllocState> {
  const snapshot = state.participants.find((p) => p.id === participant.id);
  if (!snapshot || !isSilent(snapshot, now, tx.server.refreshIntervalSec)) return state;
  if (snapshot.granted === 0 && snapshot.pending === 0) return state;
  const outcome = reclaim(state, participant.id, "reclaim");
  await commitOutcome(tx, state, outcome, new Date(now), actor);
  await tx.updateParticipant(participant.id, { reclaimedAt: new Date(now) });
  return outcome.state;
}
