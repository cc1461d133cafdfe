import { describe, expect, expectTypeOf, it } from "vitest";
import { ALLOCATION_ERROR_REASONS, AllocationError, type AllocationErrorReason } from "./errors";

describe("AllocationError", () => {
  it("is an Error carrying a stable reason and the message given", () => {
    const error = new AllocationError("NOT_HA_PEER", "A and B are not one failover pair");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AllocationError");
    expect(error.reason).toBe("NOT_HA_PEER");
    expect(error.message).toBe("A and B are not one failover pair");
  });

  it("lists every reason in UPPER_SNAKE_CASE with a meaning", () => {
    for (const [reason, meaning] of Object.entries(ALLOCATION_ERROR_REASONS)) {
      expect(reason).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it("types the reason as the union of the table's keys", () => {
    expectTypeOf<AllocationErrorReason>().toEqualTypeOf<
      | "NOT_A_MULTIPLE_OF_50"
      | "RELEASE_EXCEEDS_GRANT"
      | "NOT_HA_PEER"
      | "POOL_SIZE_OUT_OF_RANGE"
      | "POOL_BELOW_GRANTED"
      | "LIMITS_OUT_OF_RANGE"
      | "UNKNOWN_PARTICIPANT"
      | "INCOMPLETE_STATE"
    >();
    expectTypeOf<AllocationError["reason"]>().toEqualTypeOf<AllocationErrorReason>();
  });
});
