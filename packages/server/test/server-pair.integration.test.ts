import { describe, expect, it } from "vitest";
import { freshDatabase, providers, SECRET, settle, waitFor } from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { applianceClient } from "./kit/clients.ts";
import { seedFleet } from "./kit/fleet.ts";
import { type ServerProcess, startServerProcess } from "./kit/processes.ts";

const PARTICIPANTS = 100;
const CALLS_EACH = 12;
const KILL_AFTER_ANSWERS = (PARTICIPANTS * CALLS_EACH) / 3;

describe.skipIf(!providers().includes("postgresql"))("a server pair on one PostgreSQL database", () => {
  it("keeps serving with nothing lost when one process is killed mid-load", async () => {
    const db = await freshDatabase("postgresql", "pair");
    const env = { DATABASE_URL: db.url, SLS_POOL_SIZE: "5000", SLS_SHARED_SECRET: SECRET };
    const a = await startServerProcess(env);
    const b = await startServerProcess(env);
    try {
      const tokens = (
        await seedFleet({ baseUrl: a.baseUrl, secret: SECRET }, { count: PARTICIPANTS, prefix: "PAIR" })
      ).map((p) => p.token);

      let killed = false;
      let answered = 0;
      const afterKill = { ok: 0, refused: 0 };
      // Each participant's n-th call: a request of 50 twice, then a release of 50.
      const send = (server: ServerProcess, token: string, n: number) => {
        const { appliance } = applianceClient(server.baseUrl, { token });
        return settle<unknown>(
          n % 3 === 2
            ? appliance.release.mutate({ sessions: 50 })
            : appliance.request.mutate({ sessions: 50, requestId: `pair-${n}` }),
        );
      };
      const loops = tokens.map(async (token, i) => {
        let server = i % 2 === 0 ? a : b;
        for (let n = 0; n < CALLS_EACH; n++) {
          let result: Awaited<ReturnType<typeof send>>;
          try {
            result = await send(server, token, n);
          } catch {
            // The connection died with its server: fail over to the other one and retry.
            server = b;
            result = await send(server, token, n);
          }
          answered += 1;
          if (killed) result.ok ? afterKill.ok++ : afterKill.refused++;
          if (!result.ok && result.error.data.reason !== "RELEASE_EXCEEDS_GRANT")
            throw new Error(JSON.stringify(result.error));
        }
      });
      // Killed mid-load: once a third of the calls are answered, so two thirds meet the kill.
      await waitFor(() => answered >= KILL_AFTER_ANSWERS, { what: `${KILL_AFTER_ANSWERS} answered calls` });
      await a.crash();
      killed = true;
      await Promise.all(loops);

      expect(afterKill.ok).toBeGreaterThan(0);
      const ledger = await expectLedgerBalanced(db.url);
      let reported = 0;
      for (const token of tokens) {
        const result = await settle(applianceClient(b.baseUrl, { token }).appliance.refresh.mutate({ inUse: 0 }));
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
