import { Store } from "@sls/db";
import { applianceClient } from "./kit/clients.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers } from "./kit/databases.ts";
import { freshDatabase, registration, SECRET, type FreshDatabase, settle } from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { postTrpc } from "./kit/raw-http.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";

const PARTICIPANTS = 50;
const ASKS_EACH = 4;

/**
 * The burst meets a pool lock held by another connection, as a long transaction or a slow disk
 * would hold it: the calls cannot be served within the deadline however fast or slowly this
 * process sends them (a burst that relied on this process sending faster than the server serves
 * was served whole on a loaded machine). PostgreSQL, because there the server waits for the lock
 * without blocking its event loop, and so goes on reading, queueing and shedding calls.
 */
describe.runIf(providers().includes("postgresql"))("admission control under a burst", () => {
  let db: FreshDatabase;
  let server: ServerProcess;
  let tokens: string[];

  beforeAll(async () => {
    db = await freshDatabase("postgresql", "overload");
    server = await startServerProcess({
      DATABASE_URL: db.url,
      SLS_POOL_SIZE: "1000000",
      SLS_SHARED_SECRET: SECRET,
      // The shortest deadline allowed, so that the held lock exceeds it at once.
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
    const blocker = Store.open(db.url);
    let locked!: () => void;
    let release!: () => void;
    let firstShed!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const shedSeen = new Promise<void>((resolve) => (firstShed = resolve));
    const holding = blocker.inPoolTransaction(async () => {
      locked();
      await released;
    });
    await lockTaken;
    const answers = Promise.all(
      asks.map(async (ask) => {
        // Raw on purpose: the shed answers' 429 body (reason, retryAfterMs, message) is the contract.
        const answer = await postTrpc(
          server.baseUrl,
          "appliance.request",
          { sessions: 50, requestId: ask.requestId },
          ask.token,
        );
        if (!answer.ok) firstShed();
        return answer;
      }),
    );
    // Held until the server has shed a call (or for at most 30 s, after which the test fails below).
    await Promise.race([shedSeen, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    release();
    await holding;
    await blocker.close();
    const first = await answers;

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
    // In waves of ten, as clients that back off would come back: a second burst would only be
    // shed again and retried after retryAfterMs, round after round.
    const again: Array<Awaited<ReturnType<typeof settle>>> = [];
    for (let i = 0; i < asks.length; i += 10) {
      const wave = asks.slice(i, i + 10).map((ask) =>
        settle(
          applianceClient(server.baseUrl, { token: ask.token }).appliance.request.mutate({
            sessions: 50,
            requestId: ask.requestId,
          }),
        ),
      );
      again.push(...(await Promise.all(wave)));
    }
    for (const [i, result] of again.entries()) {
      expect(result.ok, JSON.stringify(result)).toBe(true);
      const before = first[i]!;
      if (before.ok && result.ok) expect(result.data).toEqual(before.data);
    }
    const ledger = await expectLedgerBalanced(db.url);
    expect(ledger.grantedSum).toBe(asks.length * 50);
    console.info(
      `burst of ${asks.length} requests with a 100 ms deadline against a held pool lock: ${shed.length} shed as OVERLOADED, ${accepted} served; after retries all ${asks.length} granted once`,
    );
  }, 120_000);
});
