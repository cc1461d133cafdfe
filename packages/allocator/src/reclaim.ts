import { Draft } from "./draft";
import { serveQueue } from "./pending";
import type { AllocState, Outcome, ParticipantSnapshot, ReclaimCause, ReclaimResult } from "./types";

/** A participant silent for more than this many refresh intervals loses its grant and pending. */
export const SILENT_AFTER_INTERVALS = 3;

export function isSilent(p: Pick<ParticipantSnapshot, "lastSeenAt">, now: number, refreshIntervalSec: number): boolean {
  return now - p.lastSeenAt > SILENT_AFTER_INTERVALS * refreshIntervalSec * 1000;
}

/**
 * Takes a participant's grant and pending back: after silence ("reclaim"), by the administrator
 * ("force-release"), or before deleting it ("remove"; the participant stays in the returned state
 * with nothing, the caller deletes the row). The freed sessions serve the queue.
 */
export function reclaim(state: AllocState, participantId: string, cause: ReclaimCause): Outcome<ReclaimResult> {
  const draft = new Draft(state);
  const p = draft.participant(participantId);
  const freed = p.granted;
  const withdrawn = p.pending;
  draft.apply(p, cause, -freed, -withdrawn);
  serveQueue(draft);
  return draft.finish({ freed, withdrawn });
}
