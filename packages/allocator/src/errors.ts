/** Every reason an operation can be refused for, with what it means. Reasons are stable. */
export const ALLOCATION_ERROR_REASONS = {
  NOT_A_MULTIPLE_OF_50: "the sessions asked for are not a positive multiple of 50",
  RELEASE_EXCEEDS_GRANT: "the sessions to release are not a whole number from 0 to the participant's grant",
  NOT_HA_PEER: "the two units are not the two units of one failover pair",
  POOL_SIZE_OUT_OF_RANGE: "the pool size is not a whole number from 0 to 1,000,000",
  POOL_BELOW_GRANTED: "the pool size is below the sessions currently granted",
  LIMITS_OUT_OF_RANGE: "the platform limit is not 1 to 1,000,000, or the local limit not 0 to the platform limit",
  UNKNOWN_PARTICIPANT: "the acting participant is not in the state handed to the allocator (a caller bug)",
  INCOMPLETE_STATE:
    "the state handed to the allocator lacks part of the pending queue or repeats a participant (a caller bug)",
} as const;

export type AllocationErrorReason = keyof typeof ALLOCATION_ERROR_REASONS;

export class AllocationError extends Error {
  override readonly name = "AllocationError";

  constructor(
    readonly reason: AllocationErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Quotes a caller's value for an error message, whatever its type. */
export function quote(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
