import { ApplianceError, UnreachableError, type Transport } from "@sls/participant";
import { describe, expect, it } from "vitest";
import { parseSimulatorArgs } from "./args.ts";
import { statusLine, summary } from "./report.ts";
import { FleetSimulator } from "./simulator.ts";

const config = parseSimulatorArgs(["--secret", "s3cret", "-n", "3", "--url", "http://127.0.0.1:9"])!;

/** A server that sheds the first two calls, is unreachable for the third, then answers. */
function sheddingServer(): Transport {
  let calls = 0;
  return {
    call: async (baseUrl) => {
      calls += 1;
      if (calls <= 2)
        throw new ApplianceError("TOO_MANY_REQUESTS", "OVERLOADED", "The server is overloaded.", 429, {
          retryAfterMs: 800,
        });
      if (calls === 3) throw new UnreachableError(baseUrl, "connection refused");
      return { granted: 0, pending: 0, refreshIntervalSec: 30, backup: null } as never;
    },
  };
}

describe("the simulator's report", () => {
  it("shows calls shed as OVERLOADED as their own outcome, apart from the errors", async () => {
    const simulator = new FleetSimulator(config);
    const transport = simulator.stats.wrap(sheddingServer());
    for (let i = 0; i < 4; i++) await transport.call(config.url, "refresh", { inUse: 0 }).catch(() => undefined);

    expect(statusLine(simulator.snapshot())).toMatch(/shed 2 {2}errors 1$/);
    const text = summary(config, simulator);
    expect(text).toContain("4 calls");
    expect(text).toContain("2 shed as OVERLOADED, 1 failed");
    expect(text).toContain("  shed as OVERLOADED (retried after back-off): refresh 2");
    expect(text).toContain("  errors: UNREACHABLE 1");
    expect(text).toMatch(/events: .*retrying 0/);
  });
});
