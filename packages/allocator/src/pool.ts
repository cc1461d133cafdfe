import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { serveQueue } from "./pending";
import type { AllocState, Outcome, PoolResult } from "./types";

export const MAX_POOL_SIZE = 1_000_000;

/** The administrator resizes the pool. It cannot shrink below what is granted; growing serves the queue. */
export function setPoolSize(state: AllocState, poolSize: number): Outcome<PoolResult> {
  if (!Number.isInteger(poolSize) || poolSize < 0 || poolSize > MAX_POOL_SIZE) {
    throw new AllocationError(
      "POOL_SIZE_OUT_OF_RANGE",
      `pool size must be a whole number from 0 to ${MAX_POOL_SIZE}; got ${quote(poolSize)}`,
    );
  }
  const { grantedTotal } = state.pool;
  if (poolSize < grantedTotal) {
    throw new AllocationError(
      "POOL_BELOW_GRANTED",
      `pool size ${poolSize} is below the ${grantedTotal} sessions granted now; choose at least ${grantedTotal}, or release or reclaim ${grantedTotal - poolSize} sessions first`,
    );
  }
  const draft = new Draft(state);
  draft.pool.poolSize = poolSize;
  const served = serveQueue(draft);
  return draft.finish({ poolSize, available: draft.available, served });
}
