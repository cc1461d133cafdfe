import { applianceClient } from "./kit/clients.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, providers, registration, SECRET, type FreshDatabase, settle } from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";

const PARTICIPANTS = 200;
const CALLS_PER_PARTICIPANT = 6;
const POOL_SIZE = 20_000;

/** A small deterministic PRNG so a failing run can be replayed with the same seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe.skipIf(!providers().includes("postgresql"))(
  "two server processes on one PostgreSQL database under a race",
  () => {
    let db: FreshDatabase;
    const servers: ServerProcess[] = [];

    beforeAll(async () => {
      db = await freshDatabase("postgresql", "race");
      const env = {
        DATABASE_URL: db.url,
        SLS_POOL_SIZE: String(POOL_SIZE),
        SLS_SHARED_SECRET: SECRET,
        SLS_DB_POOL_MAX: "8",
      };
      // Start one first so only one process runs the migrations and the seed; then the second.
      servers.push(await startServerProcess(env));
      servers.push(await startServerProcess(env));
    });
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await db?.drop();
    });

    it(`keeps every invariant through ${PARTICIPANTS * CALLS_PER_PARTICIPANT}+ concurrent request/release calls`, async () => {
      const seed = Number(process.env.RACE_SEED ?? Date.now() % 100_000);
      const random = rng(seed);
      const serverFor = (i: number) => servers[i % servers.length]!.baseUrl;

      const tokens = await Promise.all(
        Array.from({ length: PARTICIPANTS }, async (_, i) => {
          const platformLimit = 200 + Math.floor(random() * 1800);
          const result = await settle(
            applianceClient(serverFor(i)).appliance.register.mutate(
              registration(`RACE${String(i).padStart(4, "0")}`, {
                platformLimit,
                localLimit: Math.floor(random() * 100),
              }),
            ),
          );
          if (!result.ok) throw new Error(JSON.stringify(result.error));
          return result.data.token;
        }),
      );

      // Demand (up to 200 × 1,900) far beyond the pool: many asks end pending.
      const plans = tokens.map((token, i) =>
        Array.from({ length: CALLS_PER_PARTICIPANT }, (_, n) => ({
          token,
          server: serverFor(i + n),
          kind: random() < 0.7 ? ("request" as const) : ("release" as const),
          sessions: 50 * (1 + Math.floor(random() * 8)),
          requestId: `r-${i}-${n}`,
          duplicate: random() < 0.1,
        })),
      );

      const outcomes: Record<string, number> = {};
      const tally = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);
      let calls = 0;
      const started = Date.now();
      await Promise.all(
        plans.map(async (plan) => {
          for (const step of plan) {
            const send = (url: string) => {
              const { appliance } = applianceClient(url, { token: step.token });
              return settle<unknown>(
                step.kind === "request"
                  ? appliance.request.mutate({ sessions: step.sessions, requestId: step.requestId })
                  : appliance.release.mutate({ sessions: step.sessions }),
              );
            };
            const attempts =
              step.kind === "request" && step.duplicate
                ? [step.server, servers[0]!.baseUrl === step.server ? servers[1]!.baseUrl : servers[0]!.baseUrl]
                : [step.server];
            // A duplicated request goes to both processes at once with the same requestId.
            const results = await Promise.all(attempts.map(send));
            calls += results.length;
            for (const result of results)
              tally(result.ok ? `${step.kind}:ok` : `${step.kind}:${result.error.data.reason}`);
            if (results.length === 2 && results[0]!.ok && results[1]!.ok) {
              expect(results[1]!.data).toEqual(results[0]!.data);
            }
          }
        }),
      );
      const ms = Date.now() - started;
      console.info(
        `race: seed ${seed}, ${calls} calls in ${ms} ms (${Math.round((calls / ms) * 1000)}/s) over 2 processes`,
        outcomes,
      );

      expect(calls).toBeGreaterThanOrEqual(1000);
      expect(
        Object.keys(outcomes).filter((k) => !/^(request:ok|release:ok|release:RELEASE_EXCEEDS_GRANT)$/.test(k)),
      ).toEqual([]);

      const ledger = await expectLedgerBalanced(db.url);
      // The pool was oversubscribed, so whenever demand is still pending it must be handed out entirely.
      if (ledger.pendingSum > 0) expect(ledger.grantedSum).toBe(POOL_SIZE);
    }, 300_000);
  },
);
