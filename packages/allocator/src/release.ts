import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { serveQueue } from "./pending";
import type { AllocState, Outcome, ReleaseResult } from "./types";

/**
 * Load went down: `sessions` return to the pool, the participant's own pending demand is
 * withdrawn (before the queue is served, so it cannot take back what it just gave), and the
 * freed sessions go to the queue.
 */
export function releaseSessions(state: AllocState, participantId: string, sessions: number): Outcome<ReleaseResult> {
  const draft = new Draft(state);
  const p = draft.participant(participantId);
  if (!Number.isInteger(sessions) || sessions < 0 || sessions > p.granted) {
    throw new AllocationError(
      "RELEASE_EXCEEDS_GRANT",
      `sessions to release must be a whole number from 0 to ${p.granted}, the grant of ${p.serial}; got ${quote(sessions)}`,
    );
  }
  draft.apply(p, "release", -sessions, 0);
  draft.apply(p, "withdraw-pending", 0, -p.pending);
  serveQueue(draft);
  return draft.finish({ granted: p.granted, pending: p.pending });
}
