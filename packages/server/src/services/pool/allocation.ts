import type { AllocState, Outcome, ParticipantSnapshot, PolicyState } from "@sls/allocator";
import { DEFAULT_GROUP, isSilent, reclaim, servableGroups } from "@sls/allocator";
import type { ParticipantRow, PoolTransaction } from "@sls/db";
import { heldOf, policyInForce, policyStateOf } from "./policy-in-force.ts";

/**
 * `floor` is the earliest instant silence may be counted from (see Leases.floor: a renewal
 * acknowledged but not written when a process died is not held against anyone).
 */
export function toSnapshot(row: ParticipantRow, floor = 0): ParticipantSnapshot {
  const snapshot: ParticipantSnapshot = {
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
  // Set only under a policy (registration and policy changes write them); the allocator reads them only then.
  if (row.policyGroup !== null) snapshot.group = row.policyGroup;
  if (row.maxGranted !== null) snapshot.maxGranted = row.maxGranted;
  return snapshot;
}

/**
 * When a call loads the pending queue, and so may serve it: always, or only while sessions are
 * idle (a request, which can serve the queue only then).
 */
export type QueueServing = "always" | "when-sessions-idle";

/**
 * The slice of state an allocation needs: the pool, the actors, the pending queue, and the pool
 * policy when one is in force. A call that serves the queue only when sessions are idle (a
 * request) loads only the part of the queue that could be served now (`servableGroups`): none
 * while the pool is exhausted (the usual case when anyone waits) or paused, only the groups short
 * of their reservation while the free sessions are all reserved (a reservation unused while the
 * others wait). Any other call loads all of it (under a policy it is served by priority).
 */
export async function loadState(
  tx: PoolTransaction,
  actors: ParticipantRow[],
  servesQueue: QueueServing = "always",
  floor = 0,
): Promise<AllocState> {
  const byId = new Map<string, ParticipantSnapshot>();
  for (const row of actors) byId.set(row.id, toSnapshot(row, floor));
  const { poolSize, grantedTotal, pendingTotal, pendingSeq } = tx.server;
  const state: AllocState = { pool: { poolSize, grantedTotal, pendingTotal, pendingSeq }, participants: [] };
  // Without a policy this is the one extra step: a comparison.
  if (tx.server.policyVersion !== null) state.policy = await loadPolicy(tx);
  if (pendingTotal > 0) {
    const servable = servesQueue === "always" ? "all" : servableGroups(state.pool, state.policy);
    if (servable !== "none") {
      const queue = servable === "all" ? await tx.pendingQueue() : await tx.pendingQueueOf(servable);
      for (const row of queue) if (!byId.has(row.id)) byId.set(row.id, toSnapshot(row, floor));
      if (servable !== "all") state.queueGroups = servable;
    }
  }
  state.participants = [...byId.values()];
  return state;
}

/** The policy in force with the groups' held counters as this transaction has them. */
export async function loadPolicy(tx: PoolTransaction): Promise<PolicyState | undefined> {
  const definition = await policyInForce(tx);
  return definition && policyStateOf(definition, tx.server.policyHeld ?? {});
}

/**
 * Writes an outcome's changes, the pool counters and one audit row per change; under a policy the
 * groups' held counters, and with `membership` (a registration or a policy change decided it anew)
 * each participant's group and cap where they changed.
 */
export async function commitOutcome(
  tx: PoolTransaction,
  before: AllocState,
  outcome: Outcome<unknown>,
  at: Date,
  actor: string,
  options: { membership?: boolean } = {},
): Promise<void> {
  if (options.membership) await writeMembership(tx, before, outcome.state);
  const policy = outcome.state.policy;
  if (policy !== undefined && !sameHeld(before.policy, policy)) tx.writePolicyHeld(heldOf(policy));
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

async function writeMembership(tx: PoolTransaction, before: AllocState, after: AllocState): Promise<void> {
  const was = new Map(before.participants.map((p) => [p.id, p]));
  for (const p of after.participants) {
    const old = was.get(p.id);
    const group = p.group ?? DEFAULT_GROUP;
    const maxGranted = p.maxGranted ?? null;
    if (old && (old.group ?? DEFAULT_GROUP) === group && (old.maxGranted ?? null) === maxGranted) continue;
    await tx.updateParticipant(p.id, { policyGroup: group === DEFAULT_GROUP ? null : group, maxGranted });
  }
}

function sameHeld(a: PolicyState | undefined, b: PolicyState): boolean {
  if (a === undefined) return false;
  const names = Object.keys(b.groups);
  return names.length === Object.keys(a.groups).length && names.every((n) => a.groups[n]?.held === b.groups[n]!.held);
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
