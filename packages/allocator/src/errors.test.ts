import { describe, expect, expectTypeOf, it } from "vitest";
import { ALLOCATION_ERROR_REASONS, AllocationError, type AllocationErrorReason, quote } from "./errors";

describe("AllocationError", () => {
  it("names itself AllocationError, so a log or stack trace tells it from other errors", () => {
    const error = new AllocationError("NOT_HA_PEER", "A and B are not one failover pair");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AllocationError");
    expect(String(error)).toBe("AllocationError: A and B are not one failover pair");
  });

  it("lists every reason in UPPER_SNAKE_CASE with a meaning", () => {
    for (const [reason, meaning] of Object.entries(ALLOCATION_ERROR_REASONS)) {
      expect(reason).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it("quotes a caller's string as JSON, and any other value as it prints", () => {
    expect(quote("50")).toBe('"50"');
    expect(quote('a "b"')).toBe('"a \\"b\\""');
    expect(quote(50)).toBe("50");
    expect(quote(Number.NaN)).toBe("NaN");
    expect(quote(null)).toBe("null");
    expect(quote(undefined)).toBe("undefined");
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
      | "BAD_GROUP_NAME"
      | "DUPLICATE_GROUP"
      | "RESERVE_OUT_OF_RANGE"
      | "MAX_BELOW_RESERVE"
      | "PRIORITY_NOT_INTEGER"
      | "RESERVES_EXCEED_POOL"
      | "POOL_BELOW_RESERVED"
      | "BAD_SERIAL"
      | "SERIAL_IN_TWO_GROUPS"
      | "BAD_PATTERN"
      | "CAP_OUT_OF_RANGE"
      | "UNKNOWN_GROUP"
    >();
    expectTypeOf<AllocationError["reason"]>().toEqualTypeOf<AllocationErrorReason>();
  });
});
