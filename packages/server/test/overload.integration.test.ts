import { applianceClient } from "./kit/clients.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, registration, SECRET, type FreshDatabase, settle } from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { postTrpc } from "./kit/raw-http.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";

const PARTICIPANTS = 100;
const ASKS_EACH = 4;

describe("admission control under a burst (issue 9)", () => {
  let db: FreshDatabase;
  let server: ServerProcess;
  let tokens: string[];

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "overload");
    server = await startServerProcess({
      DATABASE_URL: db.url,
      SLS_POOL_SIZE: "1000000",
      SLS_SHARED_SECRET: SECRET,
      // The shortest deadline allowed: a burst of 400 grant calls cannot all be served within it.
      SLS_CALL_DEADLINE_MS: "100",
    });
    // Registered a few at a time, so that setting up does not itself meet the deadline.
    tokens = [];
    for (let i = 0; i < PARTICIPANTS; i++) {
      const result = await settle(
        applianceClient(server.baseUrl).appliance.register.mutate(
          registration(`OVER${String(i).padStart(3, "0")}`, { platformLimit: 100_000, localLimit: 0 }),
        ),
      );
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      tokens.push(result.data.token);
    }
  });

  afterAll(async () => {
    if (server && (server.child.exitCode !== null || server.child.signalCode !== null))
      console.error(`server exited:\n${server.output()}`);
    await server?.stop();
    await db?.drop();
  });

  it("sheds what it cannot serve in time with OVERLOADED and retryAfterMs, half-does nothing, and answers a retried requestId once", async () => {
    const asks = tokens.flatMap((token, p) =>
      Array.from({ length: ASKS_EACH }, (_, k) => ({ token, requestId: `burst-${p}-${k}` })),
    );
    const first = await Promise.all(
      asks.map((ask) =>
        // Raw on purpose: the shed answers' 429 body (reason, retryAfterMs, message) is the contract.
        postTrpc(server.baseUrl, "appliance.request", { sessions: 50, requestId: ask.requestId }, ask.token),
      ),
    );

    const shed = first.filter((r) => !r.ok);
    expect(shed.length).toBeGreaterThan(0);
    for (const refusal of shed) {
      if (refusal.ok) continue;
      expect(refusal.status).toBe(429);
      expect(refusal.error.data).toMatchObject({ code: "TOO_MANY_REQUESTS", reason: "OVERLOADED" });
      expect((refusal.error.data as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
      expect(refusal.error.message).toMatch(/overloaded.*nothing was done/i);
    }
    // What was refused changed nothing: the granted sum is exactly the accepted asks.
    const accepted = first.filter((r) => r.ok).length;
    expect((await expectLedgerBalanced(db.url)).grantedSum).toBe(accepted * 50);

    // Every ask sent again with its requestId (shed or not, as a client that lost the answer
    // would): each is granted exactly once.
    const again = await Promise.all(
      asks.map((ask) =>
        settle(
          applianceClient(server.baseUrl, { token: ask.token }).appliance.request.mutate({
            sessions: 50,
            requestId: ask.requestId,
          }),
        ),
      ),
    );
    for (const [i, result] of again.entries()) {
      expect(result.ok, JSON.stringify(result)).toBe(true);
      const before = first[i]!;
      if (before.ok && result.ok) expect(result.data).toEqual(before.data);
    }
    const ledger = await expectLedgerBalanced(db.url);
    expect(ledger.grantedSum).toBe(asks.length * 50);
    console.info(
      `burst of ${asks.length} requests with a 100 ms deadline: ${shed.length} shed as OVERLOADED, ${accepted} served; after retries all ${asks.length} granted once`,
    );
  }, 120_000);
});
