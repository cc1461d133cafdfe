import { fitWithinLimits } from "./capacity";
import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { serveQueue } from "./pending";
import { capRoom, groupName } from "./groups";
import type { AllocState, Outcome, ParticipantSnapshot, TransferResult } from "./types";

/**
 * After a switchover the newly active unit (`toId`) takes over everything its peer holds. Both
 * must be the two units of one failover pair: each names the other as `haPeerSerial`. One-sided
 * naming is not enough: the shared secret is fleet-wide, so any unit could name any other and
 * take its sessions.
 * The state must hold the participant with `fromSerial` whenever it is registered: when it is
 * absent and `to` names it, it is taken as unregistered and nothing moves.
 */
export function transfer(state: AllocState, toId: string, fromSerial: string): Outcome<TransferResult> {
  const draft = new Draft(state);
  const to = draft.participant(toId);
  const from = fromSerial === to.serial ? undefined : draft.findBySerial(fromSerial);

  if (from === undefined) {
    // The peer this unit names is not registered (never was, or was removed): nothing to move.
    if (fromSerial !== to.serial && to.haPeerSerial === fromSerial) {
      return draft.finish({ granted: to.granted, pending: to.pending });
    }
    throw notPeers(to, { serial: fromSerial, haPeerSerial: null });
  }
  if (to.haPeerSerial !== from.serial || from.haPeerSerial !== to.serial) {
    throw notPeers(to, from);
  }

  const movedGranted = from.granted;
  const movedPending = from.pending;
  const movedSeq = from.pendingSeq;
  draft.apply(from, "transfer-out", -movedGranted, -movedPending);

  // Invariant 2 binds the receiving unit too, and its limits may be smaller than its peer's.
  // What does not fit is given up pending first: pending is only a wish the unit can ask for
  // again, while granted sessions carry the pair's live connections. A grant that still does not
  // fit returns to the pool (and serves the queue). The moved pending keeps its queue position:
  // it is the same pair's demand, already waiting that long. One "transfer-in" records the net.
  const kept = fitWithinLimits(to, to.granted + movedGranted, to.pending + movedPending);
  // Under a policy the receiving unit keeps of the moved grant only what its rules let it take
  // (spec rule 6); the rest stays its demand, pending, and the sessions go back to the pool.
  const received = kept.granted - to.granted;
  const allowed = Math.min(received, receivingRoom(draft, to, from));
  draft.apply(
    to,
    "transfer-in",
    allowed,
    kept.pending + received - allowed - to.pending,
    movedPending > 0 ? movedSeq : null,
  );
  serveQueue(draft);
  return draft.finish({ granted: to.granted, pending: to.pending });
}

/**
 * Within one group the pair's sessions stay in the group: only the receiver's own cap applies.
 * Between groups they are new to the receiving group, so they must fit every rule a grant meets.
 */
function receivingRoom(draft: Draft, to: ParticipantSnapshot, from: ParticipantSnapshot): number {
  if (draft.policy === undefined) return Number.POSITIVE_INFINITY;
  if (groupName(to) === groupName(from)) return Math.max(0, capRoom(to));
  return draft.grantRoom(to);
}

type Unit = { serial: string; haPeerSerial: string | null };

function notPeers(to: Unit, from: Unit): AllocationError {
  const names = (unit: Unit) =>
    `${quote(unit.serial)} ${unit.haPeerSerial === null ? "names no failover peer" : `names ${quote(unit.haPeerSerial)} as its failover peer`}`;
  // Say what is wrong on the side that is wrong: the caller's own naming first.
  const wrong = to.haPeerSerial !== from.serial ? names(to) : names(from);
  return new AllocationError(
    "NOT_HA_PEER",
    `${quote(to.serial)} cannot take sessions from ${quote(from.serial)}: they are not one failover pair (${wrong}); register each unit with the other's serial as haPeerSerial`,
  );
}
