// Prints the statements one batch of grant calls sends to PostgreSQL, and how many of them go while
// the pool lock is held (decision 0005). A count, not a timing: run it before and after a change
// to the pool transaction. `pnpm --filter @sls/db exec tsx scripts/pool-round-trips.ts`
// (TEST_DATABASE_URL names the server; a database of its own is created and dropped).
import { createRequire } from "node:module";
import { createFreshPostgresDatabase } from "../src/client.ts";
import { applyMigrations } from "../src/migrate.ts";
import { Store } from "../src/store/store.ts";
import { sampleParticipant, TEST_POSTGRES_URL } from "../src/testing.ts";

// Every statement of Prisma's pg adapter goes through its own copy of pg's Client.query.
const { Client } = createRequire(import.meta.resolve("@prisma/adapter-pg"))("pg") as typeof import("pg");
const sent: string[] = [];
const query = Client.prototype.query as (...args: unknown[]) => unknown;
(Client.prototype as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  sent.push((typeof first === "string" ? first : (first.text ?? "")).replace(/\s+/g, " ").slice(0, 80));
  return query.apply(this, args);
};

const CALLS = 10;
const AT = new Date();

const fresh = await createFreshPostgresDatabase(TEST_POSTGRES_URL, "sls_round_trips");
try {
  await applyMigrations(fresh.url, () => {});
  const store = Store.open(fresh.url, { poolMax: 2 });
  await store.seedServer({ poolSize: 1000, refreshIntervalSec: 30, secretHash: null, at: AT });
  const ids = Array.from({ length: CALLS }, (_, i) => `p${i}`);
  await store.inPoolTransaction(async (pool) => {
    for (const id of ids) await pool.createParticipant(sampleParticipant(id, AT));
  });

  sent.length = 0;
  // What a batch of `request`s does: each reads its participant and its requestId's answer,
  // changes its grant, the pool counters and the audit, and records its answer.
  await store.inPoolTransaction(
    async (pool) => {
      for (const id of ids) {
        const before = await pool.findParticipantById(id);
        await pool.findAppliedRequest(id, "req-1");
        await pool.writeAllocations([{ id, granted: (before?.granted ?? 0) + 5, pending: 0, pendingSeq: null }]);
        await pool.writePool({ ...pool.server, grantedTotal: pool.server.grantedTotal + 5 });
        await pool.audit([{ at: AT, type: "request", actor: id, participantId: id, grantedDelta: 5 }]);
        await pool.saveAppliedRequest(id, "req-1", "{}", AT);
      }
      // and a registration in the same batch looks its serial up
      await pool.findParticipantBySerial("SER-new");
    },
    {
      participantIds: ids,
      serials: ["SER-new"],
      appliedRequests: ids.map((participantId) => ({ participantId, requestId: "req-1" })),
    },
  );
  const lock = sent.findIndex((sql) => /sls_lock_pool|"Server" SET "lockVersion"/.test(sql));
  console.log(
    `a batch of ${CALLS} requests and a registration: ${sent.length} statements, ${sent.length - lock} of them from the lock to COMMIT`,
  );
  for (const sql of sent) console.log(`  ${sql}`);
  await store.close();
} finally {
  await fresh.drop();
}
