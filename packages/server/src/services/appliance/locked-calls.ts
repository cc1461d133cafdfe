import type { AllocState, Outcome } from "@sls/allocator";
import { isSilent } from "@sls/allocator";
import type { ParticipantRecord, PoolTransaction } from "@sls/db";
import { commitOutcome, loadState, reclaimIfSilent, toSnapshot } from "../pool/allocation.ts";
import type { Services } from "../context.ts";
import type { LockedCall } from "../pool/pool-queue.ts";
import { type AuthenticatedParticipant, badToken } from "./shared.ts";

/** A call a participant makes with its bearer token. */
export type ParticipantCall = LockedCall & { participant: AuthenticatedParticipant };

/** What a participant's call works on under the lock. */
export interface UnderLock {
  tx: PoolTransaction;
  /** The participant (and its peer, and the pending queue when the call may serve it), after any reclaim. */
  state: AllocState;
  now: number;
  /** The participant's row as this transaction reads it. */
  current: ParticipantRecord;
  /** Writes an allocator outcome from `state`, with audit rows in the participant's name. */
  commit(outcome: Outcome<unknown>): Promise<void>;
}

/**
 * Runs `apply` under the pool lock as the call's participant: checks that this server may serve
 * the call, checks the token again (a registration in another process may have superseded it),
 * loads the state, reclaims the participant first if it fell silent (which frees sessions for the
 * queue), applies, and renews the participant's lease.
 */
export function runAsParticipant<R>(
  services: Services,
  call: ParticipantCall,
  apply: (locked: UnderLock) => Promise<R>,
): Promise<R> {
  const now = services.now();
  const floor = services.leases.floor;
  const actor = `appliance:${call.participant.serial}`;
  return services.poolQueue.run(call, async (tx) => {
    const renewLease = await services.serving.guard(tx, now, call.grantsSessions ?? false);
    const current = await tx.findParticipantById(call.participant.id);
    if (!current || current.tokenHash !== call.participant.tokenHash) throw badToken();
    const peer = call.peerSerial ? await tx.findParticipantBySerial(call.peerSerial) : null;
    const actors = peer && peer.id !== current.id ? [current, peer] : [current];
    const reclaiming = isSilent(toSnapshot(current, floor), now, tx.server.refreshIntervalSec);
    const loaded = await loadState(tx, actors, reclaiming ? "always" : call.servesQueue, floor);
    const state = await reclaimIfSilent(tx, loaded, current, now, `appliance:${current.serial}`);
    const commit = (outcome: Outcome<unknown>) => commitOutcome(tx, state, outcome, new Date(now), actor);
    const result = await apply({ tx, state, now, current, commit });
    if (renewLease) await tx.updateParticipant(current.id, { lastSeenAt: new Date(now) });
    return result;
  });
}

/** Runs a registration under the pool lock, once this server may serve it. */
export function runRegistration<R>(
  services: Services,
  call: LockedCall & { registeringSerial: string },
  apply: (tx: PoolTransaction, now: number) => Promise<R>,
): Promise<R> {
  const now = services.now();
  return services.poolQueue.run(call, async (tx) => {
    await services.serving.guard(tx, now, false);
    return apply(tx, now);
  });
}
