import { headroom } from "./capacity";
import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { serveQueue } from "./pending";
import type { AllocState, Outcome, RequestResult } from "./types";

export const SESSION_BLOCK = 50;

/**
 * A participant asks for more sessions. The ask is clipped to its headroom; what the pool (and
 * the policy, when there is one) lets it take is granted now, the rest waits in the queue. A participant already waiting keeps its older
 * position for the whole of its pending demand.
 */
export function requestSessions(state: AllocState, participantId: string, sessions: number): Outcome<RequestResult> {
  if (!Number.isInteger(sessions) || sessions <= 0 || sessions % SESSION_BLOCK !== 0) {
    throw new AllocationError(
      "NOT_A_MULTIPLE_OF_50",
      `sessions must be a positive multiple of ${SESSION_BLOCK}; got ${quote(sessions)}`,
    );
  }
  const draft = new Draft(state);
  const p = draft.participant(participantId);
  // Normally nothing is available while anyone waits; should sessions be idle anyway, those
  // already waiting get them first, so a newcomer never overtakes the queue.
  serveQueue(draft);
  const ask = Math.min(sessions, Math.max(0, headroom(p)));
  const added = Math.min(ask, draft.grantRoom(p));
  draft.apply(p, "request", added, ask - added);
  return draft.finish({ granted: p.granted, added, pending: p.pending });
}
