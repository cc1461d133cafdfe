import { describe, expect, it } from "vitest";
import { callAppliance, freshDatabase, providers, registration, SECRET } from "./harness.ts";
import { expectDatabaseInvariants } from "./invariants.ts";
import { startServerProcess } from "./processes.ts";

const PARTICIPANTS = 100;

describe.skipIf(!providers().includes("postgresql"))("a server pair on one PostgreSQL database", () => {
  it("keeps serving with nothing lost when one process is killed mid-load", async () => {
    const db = await freshDatabase("postgresql", "pair");
    const env = { DATABASE_URL: db.url, SLS_POOL_SIZE: "5000", SLS_SHARED_SECRET: SECRET };
    const a = await startServerProcess(env);
    const b = await startServerProcess(env);
    try {
      const tokens = await Promise.all(
        Array.from({ length: PARTICIPANTS }, async (_, i) => {
          const result = await callAppliance<{ token: string }>(
            a.baseUrl,
            "register",
            registration(`PAIR${String(i).padStart(3, "0")}`),
          );
          if (!result.ok) throw new Error(JSON.stringify(result.error));
          return result.data.token;
        }),
      );

      let killed = false;
      const afterKill = { ok: 0, refused: 0 };
      const loops = tokens.map(async (token, i) => {
        let server = i % 2 === 0 ? a : b;
        for (let n = 0; n < 12; n++) {
          const verb = n % 3 === 2 ? "release" : "request";
          const input = verb === "request" ? { sessions: 50, requestId: `pair-${n}` } : { sessions: 50 };
          let result: Awaited<ReturnType<typeof callAppliance>>;
          try {
            result = await callAppliance(server.baseUrl, verb, input, token);
          } catch {
            // The connection died with its server: fail over to the other one and retry.
            server = b;
            result = await callAppliance(server.baseUrl, verb, input, token);
          }
          if (killed) result.ok ? afterKill.ok++ : afterKill.refused++;
          if (!result.ok && result.error.data.reason !== "RELEASE_EXCEEDS_GRANT")
            throw new Error(JSON.stringify(result.error));
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 800));
      await a.crash();
      killed = true;
      await Promise.all(loops);

      expect(afterKill.ok).toBeGreaterThan(0);
      const ledger = await expectDatabaseInvariants(db.url);
      let reported = 0;
      for (const token of tokens) {
        const result = await callAppliance<{ granted: number }>(b.baseUrl, "refresh", { inUse: 0 }, token);
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        reported += result.data.granted;
      }
      expect(reported).toBe(ledger.grantedSum);
      console.info(
        `server pair: ${afterKill.ok} calls answered by the survivor after kill -9, ${ledger.grantedSum} sessions granted, invariants hold`,
      );
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  }, 180_000);
});
