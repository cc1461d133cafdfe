import { describe, expect, expectTypeOf, it } from "vitest";
import * as allocator from "./index";
import type { Outcome, RequestResult } from "./index";

describe("the package's public surface", () => {
  it("exports exactly these values", () => {
    expect(Object.keys(allocator).sort()).toEqual(
      [
        "ACTIVE_ALERT_DAYS",
        "ALLOCATION_ERROR_REASONS",
        "DAY_MS",
        "HOUR_MS",
        "MINUTE_MS",
        "INITIAL_LIMIT_DAYS",
        "MAX_LIMIT_DAYS",
        "advanceOperatingLimit",
        "canIssueSessions",
        "initialOperatingLimit",
        "remainingDays",
        "setActive",
        "AllocationError",
        "MAX_PLATFORM_LIMIT",
        "MAX_POOL_SIZE",
        "SESSION_BLOCK",
        "SILENT_AFTER_INTERVALS",
        "availableSessions",
        "checkInvariants",
        "enactPolicy",
        "figuresAfter",
        "headroom",
        "isSilent",
        "reclaim",
        "releaseSessions",
        "requestSessions",
        "servableGroups",
        "servePending",
        "setPoolSize",
        "transfer",
        "updateLimits",
        "DEFAULT_GROUP",
        "allowance",
        "applyPolicy",
        "assignMembership",
        "groupOf",
        "validatePolicy",
      ].sort(),
    );
  });

  it("types each operation as state in, Outcome out", () => {
    expectTypeOf(allocator.requestSessions).returns.toEqualTypeOf<Outcome<RequestResult>>();
    expectTypeOf(allocator.reclaim).parameter(2).toEqualTypeOf<"reclaim" | "force-release" | "remove">();
  });
});
