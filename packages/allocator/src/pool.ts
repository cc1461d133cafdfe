import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { reservedTotal } from "./groups";
import { serveQueue } from "./pending";
import type { AllocState, Outcome, PoolResult } from "./types";

export const MAX_POOL_SIZE = 1_000_000;

/**
 * The administrator resizes the pool. It cannot shrink below what is granted, nor below what the
 * policy's groups reserve; growing serves the queue.
 */
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
  const reserved = state.policy === undefined ? 0 : reservedTotal(state.policy);
  if (poolSize < reserved) {
    throw new AllocationError(
      "POOL_BELOW_RESERVED",
      `pool size ${poolSize} is below the ${reserved} sessions the policy's groups reserve; choose at least ${reserved}, or lower the reservations by ${reserved - poolSize} first`,
    );
  }
  const draft = new Draft(state);
  draft.pool.poolSize = poolSize;
  const served = serveQueue(draft);
  return draft.finish({ poolSize, available: draft.available, served });
}
