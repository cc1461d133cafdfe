/**
 * `@sls/db/testing`: what tests, the bench and their scripts need beyond the Store's own API,
 * as named operations; the Prisma client is never handed out. Product code (packages/server/src,
 * apps) must not import this entry.
 */
import { providerOfClient } from "./client.ts";
import type { AuditRow, NewParticipant, ParticipantRecord } from "./store/rows.ts";
import { dialectOf } from "./store/dialect.ts";
import { SERVER_ROW_ID } from "./store/pool-transaction.ts";
import type { ParticipantRow, ServerRow } from "./store/rows.ts";
import { participantSelect, recordSelect, serverSelect, toServerRow } from "./store/selects.ts";
import { clientOf, type Store } from "./store/store.ts";

export { TEST_POSTGRES_URL } from "./test-postgres-url.ts";

/** A participant as a registration creates it, serial `SER-<id>`, approved, without a token. */
export function sampleParticipant(id: string, at: Date): NewParticipant {
  return {
    id,
    serial: `SER-${id}`,
    hostname: `${id}.example.net`,
    model: "ASA5555-X",
    platformLimit: 1000,
    localLimit: 0,
    haPeerSerial: null,
    approved: true,
    tokenHash: null,
    registeredAt: at,
    lastSeenAt: at,
  };
}

const SEED_CHUNK = 1_000;
const SILENT_CHUNK = 100_000;

export interface AuditEventFilter {
  types?: string[];
  serials?: string[];
  /** Only rows written before this instant. */
  before?: Date;
}

/** Audit rows, oldest first, with `detail` as stored (a JSON string or null). */
export async function auditEvents(store: Store, filter: AuditEventFilter = {}): Promise<AuditRow[]> {
  const rows = await clientOf(store).auditEvent.findMany({
    where: {
      ...(filter.types ? { type: { in: filter.types } } : {}),
      ...(filter.serials ? { serial: { in: filter.serials } } : {}),
      ...(filter.before ? { at: { lt: filter.before } } : {}),
    },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Every participant exactly as stored, token hash included, by id. */
export function participantRecords(store: Store): Promise<ParticipantRecord[]> {
  return clientOf(store).participant.findMany({ orderBy: { id: "asc" }, select: recordSelect });
}

/**
 * Sets the last renewal of the participants with these serials (of every participant when
 * `serials` is left out), as if they had been silent since `at`. No change sequence number moves:
 * renewals are written behind the pool lock. Returns how many rows changed.
 */
export async function setLastSeen(store: Store, at: Date, serials?: string[]): Promise<number> {
  const { count } = await clientOf(store).participant.updateMany({
    where: serials ? { serial: { in: serials } } : {},
    data: { lastSeenAt: at },
  });
  return count;
}

export interface LedgerSnapshot {
  server: ServerRow | null;
  /** Every participant, by serial. */
  participants: ParticipantRow[];
  grantedSum: number;
  pendingSum: number;
  auditGrantedSum: number;
  auditPendingSum: number;
}

/**
 * The Server row, every participant and the sums of the three ledgers, read in one snapshot: a
 * check made while servers still commit calls (a bench run's calls in flight) sees one moment,
 * never the participants before a commit and the counters after it.
 */
export function ledgerSnapshot(store: Store): Promise<LedgerSnapshot> {
  const db = clientOf(store);
  return db.$transaction(
    async (tx) => {
      const server = await tx.server.findUnique({ where: { id: SERVER_ROW_ID }, select: serverSelect });
      const participants = await tx.participant.findMany({ orderBy: { serial: "asc" }, select: participantSelect });
      const sums = await tx.participant.aggregate({ _sum: { granted: true, pending: true } });
      const audit = await tx.auditEvent.aggregate({ _sum: { grantedDelta: true, pendingDelta: true } });
      return {
        server: server && toServerRow(server),
        participants,
        grantedSum: sums._sum.granted ?? 0,
        pendingSum: sums._sum.pending ?? 0,
        auditGrantedSum: audit._sum.grantedDelta ?? 0,
        auditPendingSum: audit._sum.pendingDelta ?? 0,
      };
    },
    dialectOf(providerOfClient(db)).snapshotRead as never,
  );
}

export const COUNTED_TABLES = [
  "participant",
  "appliedRequest",
  "auditEvent",
  "adminAccount",
  "adminSession",
  "usageSample",
  "backupRole",
  "removedParticipant",
] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

/** Row counts of the named tables. */
export async function rowCounts(
  store: Store,
  tables: readonly CountedTable[] = COUNTED_TABLES,
): Promise<Record<CountedTable, number>> {
  const db = clientOf(store);
  const count: Record<CountedTable, () => Promise<number>> = {
    participant: () => db.participant.count(),
    appliedRequest: () => db.appliedRequest.count(),
    auditEvent: () => db.auditEvent.count(),
    adminAccount: () => db.adminAccount.count(),
    adminSession: () => db.adminSession.count(),
    usageSample: () => db.usageSample.count(),
    backupRole: () => db.backupRole.count(),
    removedParticipant: () => db.removedParticipant.count(),
  };
  const counts = await Promise.all(tables.map(async (table) => [table, await count[table]()] as const));
  return Object.fromEntries(counts) as Record<CountedTable, number>;
}

/** A participant written straight into the database: registration's fields, and optionally its figures. */
export type ParticipantSeed = Omit<NewParticipant, "haPeerSerial"> &
  Partial<Pick<ParticipantRecord, "haPeerSerial" | "granted" | "pending" | "inUse" | "highWater">>;

/**
 * Writes participants straight into the database, 1,000 rows per statement (registering a fleet
 * through the API takes longer than most measurements). The pool counters are not changed: a
 * seed with grants must set them to match (`PoolTransaction.writePool`).
 */
export async function insertParticipants(store: Store, rows: ParticipantSeed[]): Promise<void> {
  const db = clientOf(store);
  for (let i = 0; i < rows.length; i += SEED_CHUNK) {
    await db.participant.createMany({ data: rows.slice(i, i + SEED_CHUNK) });
  }
}

/**
 * Adds `count` participants that never call, copying the columns of an existing row (so dates are
 * stored exactly as Prisma stores them) with ids `ptc_silent<i>`, serials `SILENT<i>` (seven
 * digits) and random token hashes, in one INSERT … SELECT per 100,000 rows: a million rows in
 * seconds, where `insertParticipants` takes minutes. At least one participant must exist. `from`
 * is the first `i` (for a second call), `lastSeenAt` their last renewal (the copied row's by default).
 */
export async function addSilentParticipants(
  store: Store,
  count: number,
  options: { from?: number; lastSeenAt?: Date } = {},
): Promise<void> {
  const db = clientOf(store);
  const postgres = providerOfClient(db) === "postgresql";
  const columns = `"id", "serial", "hostname", "model", "platformLimit", "localLimit", "approved", "tokenHash", "registeredAt", "lastSeenAt"`;
  const copied = `t."model", t."platformLimit", t."localLimit", t."approved"`;
  const iso = options.lastSeenAt?.toISOString();
  const lastSeen =
    iso === undefined
      ? `t."lastSeenAt"`
      : postgres
        ? `'${iso.replace("Z", "")}'::timestamp(3)`
        : `'${iso.replace("Z", "+00:00")}'`;
  const first = options.from ?? 0;
  for (let start = first; start < first + count; start += SILENT_CHUNK) {
    const end = Math.min(first + count, start + SILENT_CHUNK) - 1;
    const template = `(SELECT * FROM "Participant" ORDER BY "id" LIMIT 1) AS t`;
    await db.$executeRawUnsafe(
      postgres
        ? `INSERT INTO "Participant" (${columns})
           SELECT 'ptc_silent' || i, 'SILENT' || lpad(i::text, 7, '0'), 'silent' || i || '.bench.example.net', ${copied},
                  md5(random()::text) || md5(random()::text), t."registeredAt", ${lastSeen}
           FROM generate_series(${start}, ${end}) AS i, ${template}`
        : `WITH RECURSIVE n(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM n WHERE i < ${end})
           INSERT INTO "Participant" (${columns})
           SELECT 'ptc_silent' || i, 'SILENT' || printf('%07d', i), 'silent' || i || '.bench.example.net', ${copied},
                  lower(hex(randomblob(32))), t."registeredAt", ${lastSeen}
           FROM n, ${template}`,
    );
  }
}

/**
 * Marks the last applied migration unfinished, as a database behind this build looks; `restore`
 * marks it finished again.
 */
export async function unfinishLastMigration(store: Store): Promise<{ name: string; restore(): Promise<void> }> {
  const db = clientOf(store);
  const rows = await db.$queryRaw<Array<{ migration_name: string }>>`
    SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
  const name = rows[0]?.migration_name;
  if (!name) throw new Error("no migration has been applied");
  await db.$executeRaw`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = ${name}`;
  return {
    name,
    restore: async () => {
      await db.$executeRaw`UPDATE "_prisma_migrations" SET finished_at = started_at WHERE migration_name = ${name}`;
    },
  };
}

/**
 * Renames the `Server` table away, so that every query of it fails with the database's own error
 * (which names the table), until `restore` renames it back.
 */
export async function hideServerTable(store: Store): Promise<{ restore(): Promise<void> }> {
  const db = clientOf(store);
  await db.$executeRawUnsafe(`ALTER TABLE "Server" RENAME TO "Server_hidden"`);
  return {
    restore: async () => {
      await db.$executeRawUnsafe(`ALTER TABLE "Server_hidden" RENAME TO "Server"`);
    },
  };
}
