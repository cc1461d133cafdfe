// Issue 10, finding 8: the audit id and the message counters must not stop at 2^31 on
// PostgreSQL (a pool that wrote ~2.1 billion audit rows would freeze), and must leave this
// package as plain numbers (JSON cannot carry a bigint).
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Provider } from "../src/client.ts";
import { applyMigrations } from "../src/migrate.ts";
import { Store } from "../src/store/store.ts";
import { freshDatabase } from "./kit/databases.ts";

const BEYOND_INT32 = 3_000_000_000;

/** Moves the audit id's sequence past 2^31, the way years of audit rows would. */
async function advanceAuditIds(
  store: Store,
  db: ReturnType<typeof createPrismaClient>,
  provider: Provider,
): Promise<void> {
  if (provider === "postgresql") {
    await db.$executeRawUnsafe(`SELECT setval('"AuditEvent_id_seq"', ${BEYOND_INT32})`);
    return;
  }
  await store.inPoolTransaction((tx) => tx.audit([{ at: new Date(), type: "admin.login", actor: "test" }]));
  await db.$executeRawUnsafe(`UPDATE sqlite_sequence SET seq = ${BEYOND_INT32} WHERE name = 'AuditEvent'`);
}

describe.each(["sqlite", "postgresql"] as const)("64-bit audit ids and counters on %s", (provider) => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it("writes and reads audit rows and counters past 2^31, as numbers", async (context) => {
    const fresh = await freshDatabase(provider, "bigint");
    if (!fresh) return context.skip();
    drops.push(fresh.drop);
    await applyMigrations(fresh.url);
    const db = createPrismaClient(fresh.url, { poolMax: 2 });
    const store = new Store(db);
    try {
      await store.seedServer({ poolSize: 10, refreshIntervalSec: 30, secretHash: null, at: new Date() });
      await advanceAuditIds(store, db, provider);
      await store.inPoolTransaction((tx) => tx.audit([{ at: new Date(), type: "admin.logout", actor: "test" }]));
      const { rows } = await store.auditQueries.page({ types: ["admin.logout"] }, 0, 10);
      expect(rows.map((row) => row.id)).toEqual([BEYOND_INT32 + 1]);
      expect(JSON.parse(JSON.stringify(rows))[0].id).toBe(BEYOND_INT32 + 1);

      const delta = { messageType: "refresh", received: 2_000_000_000, answered: 1_999_999_999, failed: 1 };
      await store.addCounters("srv-a", [delta], []);
      await store.addCounters("srv-a", [delta], []);
      expect(await store.serverCounters()).toEqual([
        { serverId: "srv-a", messageType: "refresh", received: 4_000_000_000, answered: 3_999_999_998, failed: 2 },
      ]);
    } finally {
      await store.close();
    }
  });
});
