import type { Db } from "../client.ts";
import { AccountTransaction } from "./accounts.ts";
import { ApiTokenTransaction } from "./api-tokens.ts";
import { BackupTransaction } from "./backup-transaction.ts";
import {
  chunked,
  combineWritesWithin,
  multiRowInsert,
  multiRowUpdate,
  type Column,
  type Statement,
} from "./bulk-sql.ts";
import type { Dialect } from "./dialect.ts";
import {
  lockPool,
  readPreload,
  selectApplied,
  selectParticipants,
  type PreloadQuery,
  type PreloadRows,
} from "./pool-lock.ts";
import { type GroupTotalsRow, groupTotals, type MembershipWrite, writeMemberships } from "./policy-membership.ts";
import { columnList, heldText, PARTICIPANT_COLUMNS, recordOf } from "./raw-rows.ts";
import type {
  AllocationWrite,
  AuditInput,
  NewParticipant,
  ParticipantRecord,
  ParticipantRow,
  ParticipantUpdate,
  PolicyMembership,
  PolicyVersionRow,
  PoolWrite,
  ServerRow,
  SettingsUpdate,
} from "./rows.ts";
import { recordSelect } from "./selects.ts";

export const SERVER_ROW_ID = 1;

export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** What one committed pool transaction changed: the lease caches of every process follow it. */
export interface PoolChanges {
  /** The transaction's Server.lockVersion, stamped on every row it changed as `changeSeq`. */
  version: number;
  /** The administrator's settings (secret, interval, backup, …) changed. */
  settingsChanged: boolean;
  participants: ParticipantRecord[];
  removed: string[];
}

export interface Preload {
  participantIds: string[];
  /** Serials looked up by registrations; those not found are remembered as absent. */
  serials?: string[];
  appliedRequests: Array<{ participantId: string; requestId: string }>;
}

type Field = keyof ParticipantRecord;

interface Entry {
  record: ParticipantRecord;
  created: boolean;
  dirty: Set<Field>;
}

/** The columns a participant write can touch, with their types for the multi-row UPDATE. */
const COLUMN_TYPES: Record<Exclude<Field, "id">, Column> = {
  serial: { name: "serial", type: "text" },
  hostname: { name: "hostname", type: "text" },
  model: { name: "model", type: "text" },
  platformLimit: { name: "platformLimit", type: "int" },
  localLimit: { name: "localLimit", type: "int" },
  haPeerSerial: { name: "haPeerSerial", type: "text" },
  approved: { name: "approved", type: "bool" },
  tokenHash: { name: "tokenHash", type: "text" },
  granted: { name: "granted", type: "int" },
  pending: { name: "pending", type: "int" },
  pendingSeq: { name: "pendingSeq", type: "int" },
  inUse: { name: "inUse", type: "int" },
  // Leases are also renewed behind the lock (LeaseRepository.renew, leases.ts): never move them backwards.
  highWater: { name: "highWater", type: "int", merge: "greatest" },
  registeredAt: { name: "registeredAt", type: "timestamp" },
  lastSeenAt: { name: "lastSeenAt", type: "timestamp", merge: "greatest" },
  reclaimedAt: { name: "reclaimedAt", type: "timestamp" },
  policyGroup: { name: "policyGroup", type: "text" },
  maxGranted: { name: "maxGranted", type: "int" },
};
const CHANGE_SEQ: Column = { name: "changeSeq", type: "bigint" };
const AUDIT_COLUMNS: Column[] = [
  { name: "at", type: "timestamp" },
  { name: "type", type: "text" },
  { name: "actor", type: "text" },
  { name: "participantId", type: "text" },
  { name: "serial", type: "text" },
  { name: "grantedDelta", type: "int" },
  { name: "pendingDelta", type: "int" },
  { name: "grantedAfter", type: "int" },
  { name: "pendingAfter", type: "int" },
  { name: "detail", type: "text" },
];
const APPLIED_COLUMNS: Column[] = [
  { name: "participantId", type: "text" },
  { name: "requestId", type: "text" },
  { name: "answer", type: "text" },
  { name: "createdAt", type: "timestamp" },
];
const ID: Column = { name: "id", type: "text" };

/**
 * The repository seen inside one allocation transaction, created only after the server row has
 * been locked, so everything read through it is current and nothing another process does can
 * interleave until commit.
 *
 * It is a unit of work: participants read once are kept (an identity map), changes are kept in
 * memory and written when the work is done with one statement per table (`flush`), however many
 * calls of a group commit shared the transaction. Reads see the transaction's own writes.
 */
export class PoolTransaction {
  private readonly entries = new Map<string, Entry>();
  private readonly idBySerial = new Map<string, string | null>();
  private readonly removed = new Map<string, string>();
  private pendingLoaded = false;
  private readonly pendingGroupsLoaded = new Set<string>();
  private audits: AuditInput[] = [];
  private readonly applied = new Map<string, string | null>();
  private appliedNew: Array<{ participantId: string; requestId: string; answer: string; createdAt: Date }> = [];
  private poolChanged = false;
  private heldChanged = false;
  private policyChanged = false;
  private settingsChanged = false;
  private readonly committed = new Map<string, ParticipantRecord>();
  private readonly committedRemovals = new Set<string>();
  private accountView: AccountTransaction | null = null;
  private apiTokenView: ApiTokenTransaction | null = null;
  private backupView: BackupTransaction | null = null;

  constructor(
    private readonly tx: Tx,
    private readonly dialect: Dialect,
    readonly server: ServerRow,
    /** This transaction's Server.lockVersion: the change sequence number of everything it writes. */
    readonly version: number,
    /** When the pool lock was granted, on `performance.now()`'s clock. */
    readonly lockedAt: number,
    /** The store's cache of saved policy versions (they never change once written). */
    private readonly policies: Map<number, PolicyVersionRow> = new Map(),
  ) {}

  /** The administrator accounts, in this transaction: checks such as "the last admin" cannot race. */
  get accounts(): AccountTransaction {
    this.accountView ??= new AccountTransaction(this.tx);
    return this.accountView;
  }

  /** The admin API's tokens, in this transaction: created and revoked with their audit row. */
  get apiTokens(): ApiTokenTransaction {
    this.apiTokenView ??= new ApiTokenTransaction(this.tx);
    return this.apiTokenView;
  }

  /** The backup role's take-over, hand-back and sync apply, in this transaction. */
  get backup(): BackupTransaction {
    this.backupView ??= new BackupTransaction(this.tx, this, (record) => this.committed.set(record.id, { ...record }));
    return this.backupView;
  }

  // ─── Reads ─────────────────────────────────────────────────────────────────────────────

  /**
   * Takes the pool lock and reads what a group of calls is about to read (on PostgreSQL in one
   * round trip, see `lockPool`). Null when the server row does not exist yet.
   */
  static async lock(
    tx: Tx,
    dialect: Dialect,
    wanted: Preload = NOTHING,
    policies?: Map<number, PolicyVersionRow>,
  ): Promise<PoolTransaction | null> {
    const query = queryOf(wanted, () => false);
    const locked = await lockPool(tx, dialect, query);
    if (!locked) return null;
    const pool = new PoolTransaction(tx, dialect, locked.server, locked.version, locked.lockedAt, policies);
    pool.absorb(query, locked.rows);
    return pool;
  }

  /** Loads in one statement each what a group of calls is about to read. */
  async preload(wanted: Preload): Promise<void> {
    const query = queryOf(wanted, (kind, key) => this.knows(kind, key));
    if (query.ids.length + query.serials.length + query.applied.length === 0) return;
    this.absorb(query, await readPreload(this.tx, this.dialect, query));
  }

  async findParticipantById(id: string): Promise<ParticipantRecord | null> {
    if (this.removed.has(id)) return null;
    const known = this.entries.get(id);
    if (known) return copy(known.record);
    const [row] = await selectParticipants(this.tx, this.dialect, `"id"`, [id]);
    return row ? copy(this.remember(row).record) : null;
  }

  async findParticipantBySerial(serial: string): Promise<ParticipantRecord | null> {
    const id = this.idBySerial.get(serial);
    if (id !== undefined) return id === null ? null : this.findParticipantById(id);
    const [row] = await selectParticipants(this.tx, this.dialect, `"serial"`, [serial]);
    if (!row || this.removed.has(row.id)) {
      this.idBySerial.set(serial, null);
      return null;
    }
    return copy(this.remember(row).record);
  }

  /** Every participant with pending demand, oldest ask first. */
  async pendingQueue(): Promise<ParticipantRow[]> {
    if (!this.pendingLoaded) {
      await this.loadPending("", []);
      this.pendingLoaded = true;
    }
    return this.waiting(() => true);
  }

  /**
   * The participants with pending demand in the pool-policy groups named (`policyGroup`), oldest
   * ask first: the part of the queue that may be served while the free sessions are all reserved.
   */
  async pendingQueueOf(groups: readonly string[]): Promise<ParticipantRow[]> {
    const missing = this.pendingLoaded ? [] : groups.filter((g) => !this.pendingGroupsLoaded.has(g));
    if (missing.length > 0) {
      const marks = missing.map((_, i) => this.dialect.placeholder(i + 1, "text")).join(", ");
      await this.loadPending(` AND "policyGroup" IN (${marks})`, missing);
      for (const g of missing) this.pendingGroupsLoaded.add(g);
    }
    const wanted = new Set(groups);
    return this.waiting((r) => r.policyGroup !== null && wanted.has(r.policyGroup));
  }

  /** `pendingSeq` is set exactly when `pending` is above 0, and is indexed: no scan of every participant. */
  private async loadPending(andWhere: string, params: string[]): Promise<void> {
    const rows = (
      await this.tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT ${columnList(PARTICIPANT_COLUMNS)} FROM "Participant" WHERE "pendingSeq" IS NOT NULL AND "pending" > 0${andWhere}`,
        ...params,
      )
    ).map(recordOf);
    for (const row of rows) if (!this.removed.has(row.id)) this.remember(row);
  }

  /**
   * Once loaded, every participant with demand (of the groups loaded) is in the identity map: the
   * database's were loaded, and any other gained it (or its group) through this transaction.
   */
  private waiting(include: (r: ParticipantRecord) => boolean): ParticipantRow[] {
    return [...this.entries.values()]
      .map((e) => e.record)
      .filter((r) => r.pending > 0 && include(r))
      .sort((a, b) => (a.pendingSeq ?? 0) - (b.pendingSeq ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(copy);
  }

  /** Participants silent since before `cutoff` that still hold sessions or demand. */
  async silentHolders(cutoff: Date, limit: number): Promise<ParticipantRow[]> {
    const rows = await this.tx.participant.findMany({
      where: { lastSeenAt: { lt: cutoff }, OR: [{ granted: { gt: 0 } }, { pending: { gt: 0 } }] },
      orderBy: { lastSeenAt: "asc" },
      take: limit,
      select: recordSelect,
    });
    return rows
      .filter((row) => !this.removed.has(row.id))
      .map((row) => this.remember(row).record)
      .filter((r) => r.lastSeenAt < cutoff && (r.granted > 0 || r.pending > 0))
      .map(copy);
  }

  /** A saved version of the pool policy (versions never change once written: cached per store). */
  async policyVersion(version: number): Promise<PolicyVersionRow | null> {
    const known = this.policies.get(version);
    if (known) return known;
    const row = await this.tx.policyVersion.findUnique({ where: { version } });
    // A version saved by this transaction is cached only once committed (it may yet roll back).
    if (row && !this.policyChanged) this.policies.set(version, row);
    return row;
  }

  /**
   * The participants written since change sequence `seq` (created, re-registered, their grant or
   * membership changed): what a membership decided from a snapshot at `seq` may have missed.
   */
  async participantsChangedSince(seq: number): Promise<ParticipantRecord[]> {
    const rows = (
      await this.tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT ${columnList(PARTICIPANT_COLUMNS)} FROM "Participant" WHERE "changeSeq" > ${this.dialect.placeholder(1, "bigint")}`,
        this.dialect.bind("bigint", seq),
      )
    ).map(recordOf);
    return rows.filter((row) => !this.removed.has(row.id)).map((row) => copy(this.remember(row).record));
  }

  /** The ids of the participants removed since change sequence `seq`. */
  async removedSince(seq: number): Promise<string[]> {
    const rows = await this.tx.removedParticipant.findMany({
      where: { changeSeq: { gt: BigInt(seq) } },
      select: { participantId: true },
    });
    return rows.map((r) => r.participantId);
  }

  /**
   * New pool-policy memberships, written at once (few statements, see `writeMemberships`) and
   * stamped with this transaction's change sequence; participants already read here see them.
   */
  async writeMemberships(writes: readonly MembershipWrite[]): Promise<void> {
    for (const { id, policyGroup, maxGranted } of writes) {
      const entry = this.entries.get(id);
      if (entry) Object.assign(entry.record, { policyGroup, maxGranted });
    }
    await writeMemberships(
      (sql, ...params) => this.tx.$executeRawUnsafe(sql, ...params),
      this.dialect,
      writes,
      this.version,
    );
  }

  /** Each group's members, Σ granted and Σ pending, this transaction's own changes included. */
  async groupTotals(): Promise<GroupTotalsRow[]> {
    await this.flush();
    return groupTotals((sql, ...params) => this.tx.$queryRawUnsafe(sql, ...params));
  }

  async findAppliedRequest(participantId: string, requestId: string): Promise<string | null> {
    const key = appliedKey(participantId, requestId);
    if (this.applied.has(key)) return this.applied.get(key) ?? null;
    const [row] = await selectApplied(this.tx, this.dialect, [{ participantId, requestId }]);
    this.applied.set(key, row?.answer ?? null);
    return row?.answer ?? null;
  }

  // ─── Writes (kept until flush) ─────────────────────────────────────────────────────────

  async createParticipant(data: NewParticipant & Partial<PolicyMembership>): Promise<ParticipantRow> {
    const record: ParticipantRecord = {
      ...data,
      policyGroup: data.policyGroup ?? null,
      maxGranted: data.maxGranted ?? null,
      granted: 0,
      pending: 0,
      pendingSeq: null,
      inUse: 0,
      highWater: 0,
      reclaimedAt: null,
    };
    this.removed.delete(record.id);
    const entry = { record, created: true, dirty: new Set<Field>() };
    this.entries.set(record.id, entry);
    this.idBySerial.set(record.serial, record.id);
    return copy(record);
  }

  async updateParticipant(id: string, data: ParticipantUpdate): Promise<ParticipantRow> {
    const entry = await this.entryOf(id);
    for (const [field, value] of Object.entries(data) as Array<[Field, unknown]>) {
      if (value === undefined) continue;
      (entry.record as unknown as Record<string, unknown>)[field] = value;
      entry.dirty.add(field);
    }
    return copy(entry.record);
  }

  async deleteParticipant(id: string): Promise<void> {
    const entry = await this.entryOf(id);
    this.entries.delete(id);
    this.idBySerial.set(entry.record.serial, null);
    if (!entry.created) this.removed.set(id, entry.record.serial);
  }

  async writeAllocations(rows: AllocationWrite[]): Promise<void> {
    for (const { id, granted, pending, pendingSeq } of rows)
      await this.updateParticipant(id, { granted, pending, pendingSeq } as ParticipantUpdate);
  }

  /** New pool counters; later work in the same transaction reads them from `server`. */
  async writePool(pool: PoolWrite): Promise<void> {
    Object.assign(this.server, pool);
    this.poolChanged = true;
  }

  async audit(rows: AuditInput[]): Promise<void> {
    this.audits.push(...rows);
  }

  async saveAppliedRequest(participantId: string, requestId: string, answer: string, at: Date): Promise<void> {
    this.applied.set(appliedKey(participantId, requestId), answer);
    this.appliedNew.push({ participantId, requestId, answer, createdAt: at });
  }

  /** New per-group held counters of the policy in force; later work reads them from `server`. */
  writePolicyHeld(held: Record<string, number>): void {
    this.server.policyHeld = held;
    this.heldChanged = true;
  }

  /**
   * Saves a new version of the pool policy and puts it in force with its groups' held counters,
   * all in this transaction. The version is the next after every saved one.
   */
  async savePolicyVersion(
    row: Omit<PolicyVersionRow, "version">,
    held: Record<string, number>,
  ): Promise<PolicyVersionRow> {
    const last = await this.tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
    const saved = await this.tx.policyVersion.create({ data: { ...row, version: (last?.version ?? 0) + 1 } });
    this.server.policyVersion = saved.version;
    this.writePolicyHeld(held);
    this.policyChanged = true;
    return saved;
  }

  /** The version in force and its held counters as another database has them (a backup's sync). */
  putPolicyInForce(version: number | null, held: Record<string, number> | null): void {
    if (this.server.policyVersion !== version) this.policyChanged = true;
    this.server.policyVersion = version;
    this.server.policyHeld = held;
    this.heldChanged = true;
  }

  // ─── Settings: written at once ─────────────────────────────────────────────────────────

  async writeSettings(settings: SettingsUpdate): Promise<void> {
    await this.tx.server.update({ where: { id: SERVER_ROW_ID }, data: settings });
    Object.assign(this.server, settings);
    this.settingsChanged = true;
  }

  // ─── Flush ─────────────────────────────────────────────────────────────────────────────

  /**
   * Writes everything kept so far: new participants, changed ones (one multi-row UPDATE per set
   * of changed columns), removals, audit rows, applied requests and the pool counters. Every
   * participant written is stamped with this transaction's change sequence number.
   */
  async flush(): Promise<void> {
    const created: ParticipantRecord[] = [];
    const byShape = new Map<string, { fields: Field[]; rows: ParticipantRecord[] }>();
    for (const entry of this.entries.values()) {
      if (entry.created) created.push(entry.record);
      else if (entry.dirty.size > 0) {
        const fields = [...entry.dirty].sort();
        const shape = fields.join(",");
        const group = byShape.get(shape) ?? { fields, rows: [] };
        group.rows.push(entry.record);
        byShape.set(shape, group);
      } else continue;
      this.committed.set(entry.record.id, { ...entry.record });
      entry.created = false;
      entry.dirty = new Set();
    }
    const changeSeq = BigInt(this.version);
    // New participants first (the applied requests refer to them), then the other writes, which
    // PostgreSQL takes as one statement (one round trip) and SQLite one after the other.
    const writes: Statement[] = [];
    if (created.length > 0) {
      await this.tx.participant.createMany({ data: created.map((record) => ({ ...record, changeSeq })) });
    }
    for (const { fields, rows } of byShape.values()) {
      const columns = [
        ...fields.filter((f): f is Exclude<Field, "id"> => f !== "id").map((f) => COLUMN_TYPES[f]),
        CHANGE_SEQ,
      ];
      for (const chunk of chunked(rows)) {
        const values = chunk.map((r) => [r.id, ...fields.filter((f) => f !== "id").map((f) => r[f]), this.version]);
        writes.push(multiRowUpdate(this.dialect, "Participant", ID, columns, values));
      }
    }
    if (this.removed.size > 0) {
      const removed = [...this.removed];
      this.removed.clear();
      await this.tx.participant.deleteMany({ where: { id: { in: removed.map(([id]) => id) } } });
      const at = new Date();
      await this.tx.removedParticipant.createMany({
        data: removed.map(([participantId, serial]) => ({ participantId, serial, changeSeq, removedAt: at })),
      });
      for (const [id] of removed) {
        this.committed.delete(id);
        this.committedRemovals.add(id);
      }
    }
    if (this.audits.length > 0) {
      const rows = this.audits;
      this.audits = [];
      for (const chunk of chunked(rows)) {
        const values = chunk.map((a) => [
          a.at,
          a.type,
          a.actor,
          a.participantId ?? null,
          a.serial ?? null,
          a.grantedDelta ?? 0,
          a.pendingDelta ?? 0,
          a.grantedAfter ?? null,
          a.pendingAfter ?? null,
          a.detail ? JSON.stringify(a.detail) : null,
        ]);
        writes.push(multiRowInsert(this.dialect, "AuditEvent", AUDIT_COLUMNS, values));
      }
    }
    if (this.appliedNew.length > 0) {
      const rows = this.appliedNew;
      this.appliedNew = [];
      for (const chunk of chunked(rows)) {
        const values = chunk.map((a) => [a.participantId, a.requestId, a.answer, a.createdAt]);
        writes.push(multiRowInsert(this.dialect, "AppliedRequest", APPLIED_COLUMNS, values));
      }
    }
    const server = this.serverWrite();
    if (server) writes.push(server);
    await this.executeAll(writes);
  }

  /**
   * One UPDATE of the Server row for the pool counters and the policy's, whichever changed: on
   * PostgreSQL the flush's writes go as one statement, in which two updates of one row would
   * leave only one of them.
   */
  private serverWrite(): Statement | null {
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown, type: "int" | "text") => {
      params.push(value);
      sets.push(`"${column}" = ${this.dialect.placeholder(params.length, type)}`);
    };
    if (this.poolChanged) {
      const { poolSize, grantedTotal, pendingTotal, pendingSeq } = this.server;
      set("poolSize", poolSize, "int");
      set("grantedTotal", grantedTotal, "int");
      set("pendingTotal", pendingTotal, "int");
      set("pendingSeq", pendingSeq, "int");
      this.poolChanged = false;
    }
    if (this.heldChanged) {
      const { policyVersion, policyHeld } = this.server;
      set("policyVersion", policyVersion, "int");
      set("policyHeld", policyHeld === null ? null : heldText(policyHeld), "text");
      this.heldChanged = false;
    }
    if (sets.length === 0) return null;
    params.push(SERVER_ROW_ID);
    return {
      sql: `UPDATE "Server" SET ${sets.join(", ")} WHERE "id" = ${this.dialect.placeholder(params.length, "int")}`,
      params,
    };
  }

  /** What this transaction wrote, for the lease caches once it has committed. */
  changes(): PoolChanges {
    return {
      version: this.version,
      settingsChanged: this.settingsChanged || this.policyChanged,
      participants: [...this.committed.values()],
      removed: [...this.committedRemovals],
    };
  }

  private knows(kind: keyof PreloadQuery, key: string): boolean {
    if (kind === "ids") return this.entries.has(key) || this.removed.has(key);
    return kind === "serials" ? this.idBySerial.has(key) : this.applied.has(key);
  }

  /** Remembers the rows read for `query`; what it names and was not found is remembered as absent. */
  private absorb(query: PreloadQuery, rows: PreloadRows): void {
    const serials = new Set(query.serials);
    for (const row of rows.participants) {
      if (this.removed.has(row.id)) continue;
      const { id } = this.remember(row).record;
      if (serials.has(row.serial)) this.idBySerial.set(row.serial, id);
    }
    for (const serial of serials) if (!this.idBySerial.has(serial)) this.idBySerial.set(serial, null);
    for (const a of query.applied) this.applied.set(appliedKey(a.participantId, a.requestId), null);
    for (const row of rows.applied) this.applied.set(appliedKey(row.participantId, row.requestId), row.answer);
  }

  private async executeAll(statements: Statement[]): Promise<void> {
    if (statements.length === 0) return;
    const combined = this.dialect.multiStatement ? combineWritesWithin(statements) : statements;
    for (const { sql, params } of combined) await this.tx.$executeRawUnsafe(sql, ...params);
  }

  private remember(row: ParticipantRecord): Entry {
    const known = this.entries.get(row.id);
    if (known) return known;
    const entry = { record: row, created: false, dirty: new Set<Field>() };
    this.entries.set(row.id, entry);
    this.idBySerial.set(row.serial, row.id);
    return entry;
  }

  private async entryOf(id: string): Promise<Entry> {
    const known = this.entries.get(id);
    if (known) return known;
    const row = this.removed.has(id) ? null : (await selectParticipants(this.tx, this.dialect, `"id"`, [id]))[0];
    if (!row) throw new Error(`participant ${id} does not exist`);
    return this.remember(row);
  }
}

const NOTHING: Preload = { participantIds: [], appliedRequests: [] };

/** What of `wanted` is not known yet (`known` says), deduplicated. */
function queryOf(wanted: Preload, known: (kind: keyof PreloadQuery, key: string) => boolean): PreloadQuery {
  const unknown = (kind: keyof PreloadQuery, keys: string[]) => [...new Set(keys)].filter((key) => !known(kind, key));
  const applied = new Map(wanted.appliedRequests.map((a) => [appliedKey(a.participantId, a.requestId), a]));
  return {
    ids: unknown("ids", wanted.participantIds),
    serials: unknown("serials", wanted.serials ?? []),
    applied: unknown("applied", [...applied.keys()]).map((key) => applied.get(key)!),
  };
}

function appliedKey(participantId: string, requestId: string): string {
  return `${participantId}\u0000${requestId}`;
}

function copy(record: ParticipantRecord): ParticipantRecord {
  return { ...record };
}
