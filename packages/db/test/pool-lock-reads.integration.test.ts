// Issue 19: on PostgreSQL the pool lock and a batch's reads are one call (decision 0005). A batch
// that waited for the lock must read what the holder committed, not what its own statement saw
// when it started waiting: the participants by id and by serial, and the applied requestIds.
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/migrate.ts";
import { Store } from "../src/store/store.ts";
import { sampleParticipant } from "../src/testing.ts";
import { freshDatabase } from "./kit/databases.ts";

const AT = new Date("2026-01-05T10:00:00.000Z");

// PostgreSQL only: better-sqlite3 waits for SQLite's write lock synchronously, blocking the event
// loop the holder needs to finish, so two stores in one process cannot take turns this way.
describe("the reads under the pool lock on PostgreSQL", () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it("see what the transaction it waited for committed", async (context) => {
    const fresh = await freshDatabase("postgresql", "pool_lock_reads");
    if (!fresh) return context.skip();
    drops.push(fresh.drop);
    await applyMigrations(fresh.url, () => {});
    // Two stores: two connection pools, as two processes would have.
    const holder = Store.open(fresh.url, { poolMax: 2 });
    const waiter = Store.open(fresh.url, { poolMax: 2 });
    drops.unshift(
      () => holder.close(),
      () => waiter.close(),
    );
    await holder.seedServer({ poolSize: 500, refreshIntervalSec: 30, secretHash: null, at: AT });
    await holder.inPoolTransaction(async (pool) => {
      await pool.createParticipant(sampleParticipant("p1", AT));
    });

    let release!: () => void;
    const holding = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const held = holder.inPoolTransaction(async (pool) => {
      locked();
      await holding;
      await pool.writeAllocations([{ id: "p1", granted: 7, pending: 0, pendingSeq: null }]);
      await pool.createParticipant(sampleParticipant("p2", AT));
      await pool.saveAppliedRequest("p1", "req-1", '{"granted":7}', AT);
    });
    await lockTaken;

    const read = waiter.inPoolTransaction(
      async (pool) => ({
        p1: await pool.findParticipantById("p1"),
        p2: await pool.findParticipantBySerial("SER-p2"),
        answer: await pool.findAppliedRequest("p1", "req-1"),
      }),
      {
        participantIds: ["p1"],
        serials: ["SER-p2"],
        appliedRequests: [{ participantId: "p1", requestId: "req-1" }],
      },
    );
    // Let the waiter's lock call reach the database and wait there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await held;

    const seen = await read;
    expect(seen.p1).toMatchObject({ granted: 7, registeredAt: AT, lastSeenAt: AT });
    expect(seen.p2).toMatchObject({ id: "p2", serial: "SER-p2", approved: true, reclaimedAt: null });
    expect(seen.answer).toBe('{"granted":7}');
  });
});
