import { type ClientOptions, closePrismaClient, createPrismaClient, providerOfClient, type Db } from "../client.ts";
import { dialectOf, type Dialect } from "./dialect.ts";
import { BackupStore } from "./backup-store.ts";
import { chunked } from "./bulk-sql.ts";
import { PoolTransaction, SERVER_ROW_ID, type PoolChanges, type Preload } from "./pool-transaction.ts";
import type {
  CounterDeltaRow,
  ParticipantCounterDeltaRow,
  ParticipantRecord,
  ParticipantRow,
  ParticipantUpdate,
  ServerRow,
  ServerSeed,
  PolicyVersionRow,
} from "./rows.ts";
import { participantSelect, serverSelect, toServerRow } from "./selects.ts";
import { MEMBERSHIP_SQL, type MembershipRow, membershipRowOf } from "./policy-membership.ts";
import { columnList, PARTICIPANT_COLUMNS, recordOf } from "./raw-rows.ts";
import { AccountRepository } from "./accounts.ts";
import { ApiTokenRepository } from "./api-tokens.ts";
import { AuditQueries } from "./audit-query.ts";
import { ParticipantQueries } from "./participants-query.ts";
import { OverviewQueries } from "./overview-query.ts";
import { OutageRepository } from "./outages.ts";
import { LivenessQueries } from "./liveness-query.ts";
import { OperationsQueries } from "./operations-query.ts";
import { alertConfig } from "./alert-config.ts";
import { alertDeliveries } from "./alert-deliveries.ts";
import { alertEngine } from "./alert-engine.ts";
import { raisedAlerts } from "./alerts.ts";
import { CapacityRepository } from "./capacity.ts";
import { AuditRetention } from "./audit-retention.ts";
import { UsageRepository } from "./usage.ts";
import { LeaseRepository } from "./leases.ts";
import { ProcessRegistry } from "./process-registry.ts";
import { LinkNonceRepository } from "./link-nonces.ts";

export class ServerNotSeededError extends Error {
  constructor() {
    super("The server row is missing: seedServer() must run before any pool transaction.");
  }
}

let clientOfStore: (store: Store) => Db;

/** The Prisma client of a store, for this package's testing entry only. Not exported from the package. */
export function clientOf(store: Store): Db {
  return clientOfStore(store);
}

/** Data access for the licensing server. The only code that talks to Prisma. */
export class Store {
  /** The backup role's data: snapshots exchanged with the main server and the role row. */
  readonly backup: BackupStore;
  /** Lease renewals written behind, the change feed of grants, token lookups. */
  readonly leases: LeaseRepository;
  /** Server processes sharing this database, for the write-behind's crash rule. */
  readonly processes: ProcessRegistry;
  /** Nonces of accepted backup-link requests, so each is accepted once by any process. */
  readonly linkNonces: LinkNonceRepository;

  static {
    clientOfStore = (store) => store.db;
  }

  /** A store over the database at `databaseUrl` (`file:…` for SQLite, `postgresql://…`). */
  static open(databaseUrl: string, options: ClientOptions = {}): Store {
    return new Store(createPrismaClient(databaseUrl, options));
  }

  /** The SQL that differs between this store's database and the other kind. */
  private readonly dialect: Dialect;
  /** Saved pool-policy versions read so far: a version never changes once committed. */
  private readonly policies = new Map<number, PolicyVersionRow>();

  constructor(private readonly db: Db) {
    this.dialect = dialectOf(providerOfClient(db));
    this.backup = new BackupStore(db, this.dialect, (work) => this.inPoolTransaction(work));
    this.leases = new LeaseRepository(db, this.dialect);
    this.processes = new ProcessRegistry(db);
    this.linkNonces = new LinkNonceRepository(db);
  }

  async readServer(): Promise<ServerRow | null> {
    const row = await this.db.server.findUnique({ where: { id: SERVER_ROW_ID }, select: serverSelect });
    return row && toServerRow(row);
  }

  /** The pool policy in force, or null while none was ever saved. */
  async policyInForce(): Promise<PolicyVersionRow | null> {
    const server = await this.db.server.findUnique({ where: { id: SERVER_ROW_ID }, select: { policyVersion: true } });
    if (server?.policyVersion == null) return null;
    return this.db.policyVersion.findUnique({ where: { version: server.policyVersion } });
  }

  /** A saved version of the pool policy (versions never change once written: cached). */
  async policyVersion(version: number): Promise<PolicyVersionRow | null> {
    const known = this.policies.get(version);
    if (known) return known;
    const row = await this.db.policyVersion.findUnique({ where: { version } });
    if (row) this.policies.set(version, row);
    return row;
  }

  /**
   * The change sequence (Server.lockVersion) committed so far: rows read after it was read are at
   * least that current, and any written later carry a greater `changeSeq`.
   */
  async changeSequence(): Promise<number> {
    const server = await this.db.server.findUnique({ where: { id: SERVER_ROW_ID }, select: { lockVersion: true } });
    if (!server) throw new ServerNotSeededError();
    return Number(server.lockVersion);
  }

  /**
   * Up to `limit` participants' memberships as stored, by id after `afterId`, without the pool
   * lock: a page at a time, so a reader of 100,000 rows lets other work run between pages.
   */
  async membershipPage(afterId: string | null, limit: number): Promise<MembershipRow[]> {
    const where = afterId === null ? "" : ` WHERE "id" > ${this.dialect.placeholder(1, "text")}`;
    const sql = `${MEMBERSHIP_SQL}${where} ORDER BY "id" LIMIT ${Math.floor(limit)}`;
    const rows = await this.db.$queryRawUnsafe<Array<Record<string, unknown>>>(
      sql,
      ...(afterId === null ? [] : [afterId]),
    );
    return rows.map(membershipRowOf);
  }

  /**
   * The pool's counters and every participant at one instant, without the pool lock: what a
   * policy preview works on (it decides nothing, so it need not stop the appliances' calls).
   */
  poolSnapshot(): Promise<{ server: ServerRow; participants: ParticipantRecord[] }> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.server.findUnique({ where: { id: SERVER_ROW_ID }, select: serverSelect });
      if (!row) throw new ServerNotSeededError();
      const participants = (
        await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
          `SELECT ${columnList(PARTICIPANT_COLUMNS)} FROM "Participant"`,
        )
      ).map(recordOf);
      return { server: toServerRow(row), participants };
    }, this.dialect.snapshotRead as never);
  }

  /** Every saved version of the pool policy, newest first. */
  policyHistory(): Promise<PolicyVersionRow[]> {
    return this.db.policyVersion.findMany({ orderBy: { version: "desc" } });
  }

  /** Creates the settings row on first start; returns false when it already existed. */
  async seedServer(seed: ServerSeed): Promise<boolean> {
    const existing = await this.readServer();
    if (existing) return false;
    try {
      await this.db.server.create({
        data: {
          id: SERVER_ROW_ID,
          poolSize: seed.poolSize,
          refreshIntervalSec: seed.refreshIntervalSec,
          secretHash: seed.secretHash,
          secretChangedAt: seed.secretHash ? seed.at : null,
        },
      });
      return true;
    } catch (error) {
      // Another process seeded it between our read and our insert.
      if (await this.readServer()) return false;
      throw error;
    }
  }

  findParticipantBySerial(serial: string): Promise<ParticipantRow | null> {
    return this.db.participant.findUnique({ where: { serial }, select: participantSelect });
  }

  updateParticipant(id: string, data: ParticipantUpdate): Promise<ParticipantRow> {
    return this.db.participant.update({ where: { id }, data, select: participantSelect });
  }

  /** Told what every pool transaction of this process changed, once it has committed. */
  onPoolCommit: ((changes: PoolChanges) => void) | null = null;

  /**
   * Runs `work` in one transaction holding the pool lock: the only way into it. Every write to
   * grants, settings, accounts or a backup's synced state goes through here, so each takes the
   * next `Server.lockVersion` (the change feed's sequence number), has its audit rows in the same
   * transaction, and reaches `onPoolCommit`. What the work writes through the PoolTransaction is
   * kept and written with one statement per table when it is done. `preload` names what the work
   * will read, so that a group of calls reads it in one statement per table (on PostgreSQL in the
   * same round trip as the lock); `onLockHeld` is told how long the lock was held.
   */
  async inPoolTransaction<R>(
    work: (tx: PoolTransaction) => Promise<R>,
    preload?: Preload,
    onLockHeld?: (ms: number) => void,
  ): Promise<R> {
    let pool: PoolTransaction | null = null;
    let lockedAt = 0;
    const result = await this.db.$transaction(async (tx) => {
      const locked = await PoolTransaction.lock(tx, this.dialect, preload, this.policies);
      if (!locked) throw new ServerNotSeededError();
      lockedAt = locked.lockedAt;
      pool = locked;
      const value = await work(locked);
      await locked.flush();
      return value;
    });
    // From the lock's grant (another process may have held it before) to the commit.
    onLockHeld?.(performance.now() - lockedAt);
    if (pool) this.onPoolCommit?.((pool as PoolTransaction).changes());
    return result;
  }

  async pruneAppliedRequests(olderThan: Date): Promise<number> {
    const { count } = await this.db.appliedRequest.deleteMany({ where: { createdAt: { lt: olderThan } } });
    return count;
  }

  async hasSilentHolders(cutoff: Date): Promise<boolean> {
    const row = await this.db.participant.findFirst({
      where: { lastSeenAt: { lt: cutoff }, OR: [{ granted: { gt: 0 } }, { pending: { gt: 0 } }] },
      select: { id: true },
    });
    return row !== null;
  }

  listParticipants(): Promise<ParticipantRow[]> {
    return this.db.participant.findMany({ orderBy: { serial: "asc" }, select: participantSelect });
  }

  /** Figures the invariant checks compare: the participants' sums against the audit history. */
  async ledger(): Promise<{
    grantedSum: number;
    pendingSum: number;
    auditGrantedSum: number;
    auditPendingSum: number;
  }> {
    const [participants, audit] = await Promise.all([
      this.db.participant.aggregate({ _sum: { granted: true, pending: true } }),
      this.db.auditEvent.aggregate({ _sum: { grantedDelta: true, pendingDelta: true } }),
    ]);
    return {
      grantedSum: participants._sum.granted ?? 0,
      pendingSum: participants._sum.pending ?? 0,
      auditGrantedSum: audit._sum.grantedDelta ?? 0,
      auditPendingSum: audit._sum.pendingDelta ?? 0,
    };
  }

  /**
   * Adds counter deltas with one multi-row upsert per table and chunk: a fleet's worth of
   * per-participant counters must not turn into thousands of single writes competing with the
   * appliance calls for the write lock. Participants removed meanwhile are skipped.
   */
  async addCounters(
    serverId: string,
    server: CounterDeltaRow[],
    participants: ParticipantCounterDeltaRow[],
  ): Promise<void> {
    const existing = new Set<string>();
    const ids = [...new Set(participants.map((d) => d.participantId))];
    for (let i = 0; i < ids.length; i += COUNTER_CHUNK) {
      const rows = await this.db.participant.findMany({
        where: { id: { in: ids.slice(i, i + COUNTER_CHUNK) } },
        select: { id: true },
      });
      for (const row of rows) existing.add(row.id);
    }
    const kept = participants.filter((d) => existing.has(d.participantId));
    const statements = [
      ...chunked(
        server.map((d) => [serverId, d.messageType, d.received, d.answered, d.failed]),
        COUNTER_CHUNK,
      ).map((rows) => this.upsertCounters("ServerCounter", "serverId", rows)),
      ...chunked(
        kept.map((d) => [d.participantId, d.messageType, d.received, d.answered, d.failed]),
        COUNTER_CHUNK,
      ).map((rows) => this.upsertCounters("ParticipantCounter", "participantId", rows)),
    ];
    if (statements.length > 0) await this.db.$transaction(statements);
  }

  private upsertCounters(
    table: "ServerCounter" | "ParticipantCounter",
    key: "serverId" | "participantId",
    rows: Array<Array<string | number>>,
  ) {
    let n = 0;
    const placeholder = () => this.dialect.placeholder(++n);
    const values = rows.map((row) => `(${row.map(placeholder).join(", ")})`).join(", ");
    const add = (column: string) => `"${column}" = "${table}"."${column}" + excluded."${column}"`;
    const sql =
      `INSERT INTO "${table}" ("${key}", "messageType", "received", "answered", "failed") VALUES ${values} ` +
      `ON CONFLICT ("${key}", "messageType") DO UPDATE SET ${add("received")}, ${add("answered")}, ${add("failed")}`;
    return this.db.$executeRawUnsafe(sql, ...rows.flat());
  }

  async serverCounters(): Promise<Array<CounterDeltaRow & { serverId: string }>> {
    const rows = await this.db.serverCounter.findMany({ orderBy: [{ serverId: "asc" }, { messageType: "asc" }] });
    return rows.map((row) => ({ ...row, ...counterFigures(row) }));
  }

  async participantCounters(participantId: string): Promise<CounterDeltaRow[]> {
    const rows = await this.db.participantCounter.findMany({
      where: { participantId },
      orderBy: { messageType: "asc" },
    });
    return rows.map((row) => ({ messageType: row.messageType, ...counterFigures(row) }));
  }

  close(): Promise<void> {
    return closePrismaClient(this.db);
  }

  // ─── Admin console repositories ─────────────────────────────────────────────────────────

  private adminRepositories?: {
    accounts: AccountRepository;
    apiTokens: ApiTokenRepository;
    participantQueries: ParticipantQueries;
    auditQueries: AuditQueries;
    usage: UsageRepository;
    overview: OverviewQueries;
    operations: OperationsQueries;
    alerts: AlertRepository;
    capacity: CapacityRepository;
    auditRetention: AuditRetention;
    outages: OutageRepository;
    liveness: LivenessQueries;
  };

  private get admin() {
    this.adminRepositories ??= {
      accounts: new AccountRepository(this.db),
      apiTokens: new ApiTokenRepository(this.db),
      participantQueries: new ParticipantQueries(this.db, this.dialect),
      auditQueries: new AuditQueries(this.db),
      usage: new UsageRepository(this.db),
      overview: new OverviewQueries(this.db),
      operations: new OperationsQueries(this.db),
      alerts: alertRepository(this.db),
      capacity: new CapacityRepository(this.db, this.dialect),
      auditRetention: new AuditRetention(this.db),
      outages: new OutageRepository(this.db),
      liveness: new LivenessQueries(this.db),
    };
    return this.adminRepositories;
  }

  get accounts(): AccountRepository {
    return this.admin.accounts;
  }

  /** The admin API's tokens: the list and the lookup of each bearer call. */
  get apiTokens(): ApiTokenRepository {
    return this.admin.apiTokens;
  }

  get participantQueries(): ParticipantQueries {
    return this.admin.participantQueries;
  }

  get auditQueries(): AuditQueries {
    return this.admin.auditQueries;
  }

  get usage(): UsageRepository {
    return this.admin.usage;
  }

  get overview(): OverviewQueries {
    return this.admin.overview;
  }

  /** Late and silent participants: the alert engine's marks and the overview's list. */
  get liveness(): LivenessQueries {
    return this.admin.liveness;
  }

  /** Fleet-wide sums and readiness checks for /metrics, /api/ready and the overview. */
  get operations(): OperationsQueries {
    return this.admin.operations;
  }

  /** Alert rules and channels, the alert engine's state, alerts and their deliveries. */
  get alerts(): AlertRepository {
    return this.admin.alerts;
  }

  /** The capacity history (minute, hour and day rows) behind the capacity report. */
  get capacity(): CapacityRepository {
    return this.admin.capacity;
  }

  /** Prunes audit history past the retention period, keeping the ledger balanced. */
  get auditRetention(): AuditRetention {
    return this.admin.auditRetention;
  }

  /** The backup outages the main server recorded at hand-back. */
  get outages(): OutageRepository {
    return this.admin.outages;
  }
}

const COUNTER_CHUNK = 500;

/** `Store.alerts`: four row sets with a job each, under the one name the server knows. */
function alertRepository(db: Db) {
  return { ...alertConfig(db), ...alertEngine(db), ...raisedAlerts(db), ...alertDeliveries(db) };
}
type AlertRepository = ReturnType<typeof alertRepository>;

/**
 * Counters are BIGINT in the database (a busy server passes 2^31 messages) and plain numbers past
 * this package: JSON cannot carry a bigint, and a double is exact up to 2^53.
 */
function counterFigures(row: {
  received: bigint;
  answered: bigint;
  failed: bigint;
}): Pick<CounterDeltaRow, "received" | "answered" | "failed"> {
  return { received: Number(row.received), answered: Number(row.answered), failed: Number(row.failed) };
}
