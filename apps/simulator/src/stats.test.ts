import { ApplianceError, UnreachableError, type Transport } from "@sls/participant";
import { describe, expect, it } from "vitest";
import { CallStats } from "./stats.ts";

describe("CallStats", () => {
  it("counts calls by verb and failures by reason", async () => {
    let t = 0;
    const stats = new CallStats(() => t);
    const answers: Transport = {
      call: async (_url, verb) => {
        t += 10;
        if (verb === "request") throw new ApplianceError("BAD_REQUEST", "NOT_A_MULTIPLE_OF_50", "no", 400);
        if (verb === "release") throw new UnreachableError("http://x", "down");
        return {} as never;
      },
    };
    const transport = stats.wrap(answers);
    await transport.call("http://x", "refresh", { inUse: 1 });
    await transport.call("http://x", "request", { sessions: 70, requestId: "r" }).catch(() => {});
    await transport.call("http://x", "release", { sessions: 0 }).catch(() => {});
    expect(Object.fromEntries(stats.calls)).toEqual({ refresh: 1, request: 1, release: 1 });
    expect(Object.fromEntries(stats.errors)).toEqual({ NOT_A_MULTIPLE_OF_50: 1, UNREACHABLE: 1 });
    expect(stats.percentiles("refresh")).toEqual({ p50: 10, p99: 10 });
    expect(stats.rate()).toBeCloseTo(3 / 5);
  });

  it("counts calls shed as OVERLOADED as their own outcome, not as errors", async () => {
    const stats = new CallStats(() => 0);
    const shedding: Transport = {
      call: async () => {
        throw new ApplianceError("TOO_MANY_REQUESTS", "OVERLOADED", "busy", 429, { retryAfterMs: 500 });
      },
    };
    const transport = stats.wrap(shedding);
    await transport.call("http://x", "request", { sessions: 50, requestId: "r" }).catch(() => {});
    await transport.call("http://x", "request", { sessions: 50, requestId: "r" }).catch(() => {});
    await transport.call("http://x", "refresh", { inUse: 0 }).catch(() => {});
    expect(Object.fromEntries(stats.shed)).toEqual({ request: 2, refresh: 1 });
    expect(stats.totalShed).toBe(3);
    expect(stats.totalErrors).toBe(0);
    expect(stats.totalCalls).toBe(3);
  });
});
