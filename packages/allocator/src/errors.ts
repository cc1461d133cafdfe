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
  BAD_GROUP_NAME: "a policy group's name is not 1–40 characters of a–z, 0–9 and -, or is the implicit `default`",
  DUPLICATE_GROUP: "two policy groups have the same name",
  RESERVE_OUT_OF_RANGE: "a group's reserve is not a whole number from 0 to the pool size",
  MAX_BELOW_RESERVE: "a group's max is neither none nor a whole number from its reserve to 1,000,000",
  PRIORITY_NOT_INTEGER: "a group's priority is not a whole number from -1,000,000 to 1,000,000",
  RESERVES_EXCEED_POOL: "the groups' reservations add up to more than the pool size",
  POOL_BELOW_RESERVED: "the pool size is below the sessions the policy's groups reserve",
  BAD_SERIAL: "a serial named in the policy is not 1–64 characters of A–Z a–z 0–9 . _ -",
  SERIAL_IN_TWO_GROUPS: "a serial is named explicitly by two policy groups",
  BAD_PATTERN: "a membership pattern is empty, longer than 253 characters, or holds a space or control character",
  CAP_OUT_OF_RANGE: "a participant cap is not a whole number from 0 to 1,000,000",
  UNKNOWN_GROUP: "a participant names a group the policy state handed to the allocator lacks (a caller bug)",
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
