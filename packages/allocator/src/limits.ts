import { fitWithinLimits } from "./capacity";
import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { serveQueue } from "./pending";
import type { AllocState, LimitsResult, Outcome } from "./types";

export const MAX_PLATFORM_LIMIT = 1_000_000;

/**
 * Re-registration with new limits. When granted + pending no longer fit, pending is trimmed
 * first (it is only a wish), then the excess grant returns to the pool and serves the queue.
 */
export function updateLimits(
  state: AllocState,
  participantId: string,
  platformLimit: number,
  localLimit: number,
): Outcome<LimitsResult> {
  if (!Number.isInteger(platformLimit) || platformLimit < 1 || platformLimit > MAX_PLATFORM_LIMIT) {
    throw new AllocationError(
      "LIMITS_OUT_OF_RANGE",
      `platformLimit must be a whole number from 1 to ${MAX_PLATFORM_LIMIT}; got ${quote(platformLimit)}`,
    );
  }
  if (!Number.isInteger(localLimit) || localLimit < 0 || localLimit > platformLimit) {
    throw new AllocationError(
      "LIMITS_OUT_OF_RANGE",
      `localLimit must be a whole number from 0 to the platform limit ${platformLimit}; got ${quote(localLimit)}`,
    );
  }
  const draft = new Draft(state);
  const p = draft.participant(participantId);
  p.platformLimit = platformLimit;
  p.localLimit = localLimit;
  const { granted, pending } = fitWithinLimits(p, p.granted, p.pending);
  draft.apply(p, "limits", granted - p.granted, pending - p.pending);
  serveQueue(draft);
  return draft.finish({ granted: p.granted, pending: p.pending });
}
