import { setImmediate as nextTurn } from "node:timers/promises";
import Database from "better-sqlite3";
import { type Db, sqliteFileOfClient } from "../client.ts";
import { chunked, multiRowUpdate, type Column } from "./bulk-sql.ts";
import type { Dialect } from "./dialect.ts";
import { asDate } from "./raw-rows.ts";
import { SERVER_ROW_ID } from "./pool-transaction.ts";

/** What a process keeps in memory to answer `refresh` without the database. */
export interface LeaseRow {
  id: string;
  serial: string;
  tokenHash: string | null;
  granted: number;
  pending: number;
  platformLimit: number;
  highWater: number;
  lastSeenAt: Date;
  changeSeq: number;
}

/** A lease renewed in memory, written behind. */
export interface LeaseRenewal {
  id: string;
  lastSeenAt: Date;
  inUse: number;
  highWater: number;
}

export interface ChangeFeed {
  /** Server.lockVersion when read: everything up to it is in `participants` and `removed`. */
  version: number;
  participants: LeaseRow[];
  removed: string[];
}

const leaseSelect = {
  id: true,
  serial: true,
  tokenHash: true,
  granted: true,
  pending: true,
  platformLimit: true,
  highWater: true,
  lastSeenAt: true,
  changeSeq: true,
} as const;

const LEASE_COLUMNS = Object.keys(leaseSelect)
  .map((c) => `"${c}"`)
  .join(", ");

const RENEWAL_COLUMNS: Column[] = [
  { name: "lastSeenAt", type: "timestamp", merge: "greatest" },
  { name: "inUse", type: "int" },
  { name: "highWater", type: "int", merge: "greatest" },
];

function leaseRowOf(raw: Record<string, unknown>): LeaseRow {
  return {
    id: String(raw.id),
    serial: String(raw.serial),
    tokenHash: raw.tokenHash === null || raw.tokenHash === undefined ? null : String(raw.tokenHash),
    granted: Number(raw.granted),
    pending: Number(raw.pending),
    platformLimit: Number(raw.platformLimit),
    highWater: Number(raw.highWater),
    lastSeenAt: asDate(raw.lastSeenAt),
    changeSeq: Number(raw.changeSeq),
  };
}

/** Lease renewals, the change feed of grants, and the token lookup behind them. */
export class LeaseRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /** Raw SQL: after a restart every participant's first call looks itself up here. */
  async findByTokenHash(tokenHash: string): Promise<LeaseRow | null> {
    const mark = this.dialect.placeholder(1, "text");
    const rows = await this.db.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT ${LEASE_COLUMNS} FROM "Participant" WHERE "tokenHash" = ${mark}`,
      tokenHash,
    );
    return rows[0] ? leaseRowOf(rows[0]) : null;
  }

  /**
   * Writes renewals with one statement per 500 participants. A lease never moves backwards
   * (another process, or a grant transaction, may have written a later one meanwhile), and a
   * renewal does not stamp changeSeq: it changes no grant. Between statements the event loop gets
   * a turn: on SQLite each statement runs on it (1–3 ms for a full one), and calls arriving
   * meanwhile would otherwise wait for the whole write.
   */
  async renew(renewals: LeaseRenewal[]): Promise<void> {
    for (const [n, chunk] of chunked(renewals).entries()) {
      if (n > 0) await nextTurn();
      const rows = chunk.map((r) => [r.id, r.lastSeenAt, r.inUse, r.highWater]);
      const { sql, params } = multiRowUpdate(
        this.dialect,
        "Participant",
        { name: "id", type: "text" },
        RENEWAL_COLUMNS,
        rows,
      );
      await this.db.$executeRawUnsafe(sql, ...params);
    }
  }

  /**
   * Every participant holding a token and seen at or after `since`, in pages: how a starting
   * process warms its leases. Between pages it gives the event loop a turn, so a process that
   * listens meanwhile keeps answering. On SQLite the rows come through a read-only connection of
   * their own, as arrays (one statement, one read snapshot, no Prisma row mapping, whose garbage
   * cost most of a start before); on PostgreSQL through raw SQL in pages by id.
   */
  async *recentLeases(since: Date, pageSize = 5_000): AsyncGenerator<LeaseRow[]> {
    const file = sqliteFileOfClient(this.db);
    if (file) {
      yield* sqliteLeases(file, this.dialect.bind("timestamp", since) as string, pageSize);
      return;
    }
    let after = "";
    for (;;) {
      const rows = await this.db.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT ${LEASE_COLUMNS} FROM "Participant" WHERE "tokenHash" IS NOT NULL AND "lastSeenAt" >= ${this.dialect.placeholder(1, "timestamp")} AND "id" > ${this.dialect.placeholder(2, "text")} ORDER BY "id" LIMIT ${pageSize}`,
        this.dialect.bind("timestamp", since),
        after,
      );
      if (rows.length === 0) return;
      yield rows.map(leaseRowOf);
      after = String(rows.at(-1)!.id);
      await nextTurn();
    }
  }

  async version(): Promise<number> {
    const row = await this.db.server.findUnique({ where: { id: SERVER_ROW_ID }, select: { lockVersion: true } });
    return row ? Number(row.lockVersion) : 0;
  }

  /**
   * What pool transactions changed after `since`, or null when nothing did. Versions are taken
   * under the pool lock and commit in order, so once version V is visible every change up to V is.
   */
  async changesSince(since: number): Promise<ChangeFeed | null> {
    const version = await this.version();
    if (version <= since) return null;
    const after = BigInt(since);
    const [participants, removed] = await Promise.all([
      this.db.participant.findMany({ where: { changeSeq: { gt: after } }, select: leaseSelect }),
      this.db.removedParticipant.findMany({ where: { changeSeq: { gt: after } }, select: { participantId: true } }),
    ]);
    let latest = version;
    for (const p of participants) latest = Math.max(latest, Number(p.changeSeq));
    return {
      version: latest,
      participants: participants.map((p) => ({ ...p, changeSeq: Number(p.changeSeq) })),
      removed: removed.map((r) => r.participantId),
    };
  }
}

/** The SQLite side of `recentLeases`: rows as arrays, in the order of LEASE_COLUMNS (leaseSelect). */
async function* sqliteLeases(file: string, since: string, pageSize: number): AsyncGenerator<LeaseRow[]> {
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = reader
      .prepare<[string], unknown[]>(
        `SELECT ${LEASE_COLUMNS} FROM "Participant" WHERE "tokenHash" IS NOT NULL AND "lastSeenAt" >= ?`,
      )
      .raw(true)
      .iterate(since);
    let page: LeaseRow[] = [];
    for (const [id, serial, tokenHash, granted, pending, platformLimit, highWater, lastSeenAt, changeSeq] of rows) {
      page.push({
        id: id as string,
        serial: serial as string,
        tokenHash: tokenHash as string,
        granted: granted as number,
        pending: pending as number,
        platformLimit: platformLimit as number,
        highWater: highWater as number,
        lastSeenAt: asDate(lastSeenAt),
        changeSeq: Number(changeSeq),
      });
      if (page.length === pageSize) {
        yield page;
        page = [];
        await nextTurn();
      }
    }
    if (page.length > 0) yield page;
  } finally {
    reader.close();
  }
}
