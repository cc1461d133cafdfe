import { DAY_MS, DEFAULT_GROUP, HOUR_MS, MINUTE_MS } from "@sls/allocator";
import type { Db } from "../client.ts";
import { chunked } from "./bulk-sql.ts";
import type { Dialect } from "./dialect.ts";

export type Resolution = "m" | "h" | "d";
const CHUNK = 400;

interface PoolFigures {
  poolSize: number;
  granted: number;
  pending: number;
  inUse: number;
  inUseFromPool: number;
}

export interface ParticipantFigures {
  participantId: string;
  serial: string;
  granted: number;
  pending: number;
  inUse: number;
  inUseFromPool: number;
}

/** A pool-policy group's figures now: the sums over its members (`default`: those in no group). */
export interface GroupFigures {
  group: string;
  held: number;
  pending: number;
  inUse: number;
}

/** One sample: the pool, every participant, and (under a policy) every group with members. */
export interface CapacityFigures {
  pool: PoolFigures;
  participants: ParticipantFigures[];
  groups: GroupFigures[];
}

export interface GroupCapacity {
  group: string;
  minutes: number;
  peakHeld: number;
  peakPending: number;
  peakInUse: number;
  unmetSessionMinutes: number;
}

export interface CapacityTotals {
  minutes: number;
  poolSize: number;
  peakGranted: number;
  peakInUse: number;
  peakInUseFromPool: number;
  peakDemand: number;
  unmetSessionMinutes: number;
  dryEvents: number;
}

export interface ParticipantCapacity {
  participantId: string;
  serial: string;
  peakGranted: number;
  peakInUse: number;
  peakInUseFromPool: number;
  peakDemand: number;
  unmetSessionMinutes: number;
}

export interface CapacityDay extends CapacityTotals {
  at: Date;
}

/** The capacity history behind the capacity report: samples folded into minute, hour and day rows. */
export class CapacityRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Every participant's figures now ("from the pool" is the use beyond its local limit, at most its
   * grant) and, while a pool policy is in force, each group's sums over its members. Null without
   * the Server row.
   */
  async currentFigures(): Promise<CapacityFigures | null> {
    const [server, rows] = await Promise.all([
      this.db.server.findUnique({
        where: { id: 1 },
        select: { poolSize: true, grantedTotal: true, pendingTotal: true, policyVersion: true },
      }),
      this.db.participant.findMany({
        select: {
          id: true,
          serial: true,
          granted: true,
          pending: true,
          inUse: true,
          localLimit: true,
          policyGroup: true,
        },
      }),
    ]);
    if (!server) return null;
    const participants = rows.map((p) => ({
      participantId: p.id,
      serial: p.serial,
      granted: p.granted,
      pending: p.pending,
      inUse: p.inUse,
      inUseFromPool: Math.min(p.granted, Math.max(0, p.inUse - p.localLimit)),
    }));
    return {
      pool: {
        poolSize: server.poolSize,
        granted: server.grantedTotal,
        pending: server.pendingTotal,
        inUse: participants.reduce((s, p) => s + p.inUse, 0),
        inUseFromPool: participants.reduce((s, p) => s + p.inUseFromPool, 0),
      },
      participants,
      groups: server.policyVersion === null ? [] : sumByGroup(rows),
    };
  }

  /**
   * Records one sample standing for `minutes` minutes from `at` (1 for the live sampler). The
   * minute row is the claim: when another process already stored this minute, nothing is written
   * and false is returned, so several processes count each minute once. Then the hour and day rows
   * (pool, each participant holding, asking or using anything, and each group) take the sample in.
   */
  async record(at: Date, figures: CapacityFigures, minutes = 1): Promise<boolean> {
    const { pool, participants, groups } = figures;
    const minute = new Date(at.getTime() - (at.getTime() % MINUTE_MS));
    const previous = await this.db.capacityPool.findUnique({
      where: { resolution_at: { resolution: "m", at: new Date(minute.getTime() - minutes * MINUTE_MS) } },
      select: { poolSize: true, peakGranted: true },
    });
    const dry = pool.poolSize > 0 && pool.granted >= pool.poolSize;
    const wasDry = previous !== null && previous.poolSize > 0 && previous.peakGranted >= previous.poolSize;
    const row = {
      minutes,
      poolSize: pool.poolSize,
      peakGranted: pool.granted,
      peakInUse: pool.inUse,
      peakInUseFromPool: pool.inUseFromPool,
      peakDemand: pool.granted + pool.pending,
      unmetSessionMinutes: pool.pending * minutes,
      dryEvents: dry && !wasDry ? 1 : 0,
    };
    try {
      await this.db.capacityPool.create({ data: { resolution: "m", at: minute, ...row } });
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") return false;
      throw error;
    }
    const active = participants.filter((p) => p.granted > 0 || p.pending > 0 || p.inUse > 0);
    const statements = [];
    for (const [resolution, bucketMs] of [
      ["h", HOUR_MS],
      ["d", DAY_MS],
    ] as const) {
      const bucket = new Date(minute.getTime() - (minute.getTime() % bucketMs));
      statements.push(this.mergePool(resolution, bucket, row));
      for (const chunk of chunked(active, CHUNK))
        statements.push(this.mergeParticipants(resolution, bucket, chunk, minutes));
      if (groups.length > 0) statements.push(this.mergeGroups(resolution, bucket, groups, minutes));
    }
    await this.db.$transaction(statements);
    return true;
  }

  private max(column: string, table: string): string {
    return `"${column}" = ${this.dialect.greatest}("${table}"."${column}", excluded."${column}")`;
  }

  /** One row's placeholders, the second (`at`) a timestamp. */
  private tuple(width: number, offset: number): string {
    const marks = Array.from({ length: width }, (_, i) =>
      this.dialect.placeholder(offset + i + 1, i === 1 ? "timestamp" : undefined),
    );
    return `(${marks.join(", ")})`;
  }

  private mergePool(resolution: Resolution, at: Date, row: Omit<CapacityTotals, never>) {
    const t = "CapacityPool";
    const values = [
      resolution,
      this.dialect.bind("timestamp", at),
      row.minutes,
      row.poolSize,
      row.peakGranted,
      row.peakInUse,
      row.peakInUseFromPool,
      row.peakDemand,
      row.unmetSessionMinutes,
      row.dryEvents,
    ];
    const sql =
      `INSERT INTO "${t}" ("resolution", "at", "minutes", "poolSize", "peakGranted", "peakInUse", "peakInUseFromPool", "peakDemand", "unmetSessionMinutes", "dryEvents") ` +
      `VALUES ${this.tuple(values.length, 0)} ON CONFLICT ("resolution", "at") DO UPDATE SET ` +
      [
        `"minutes" = "${t}"."minutes" + excluded."minutes"`,
        this.max("poolSize", t),
        this.max("peakGranted", t),
        this.max("peakInUse", t),
        this.max("peakInUseFromPool", t),
        this.max("peakDemand", t),
        `"unmetSessionMinutes" = "${t}"."unmetSessionMinutes" + excluded."unmetSessionMinutes"`,
        `"dryEvents" = "${t}"."dryEvents" + excluded."dryEvents"`,
      ].join(", ");
    return this.db.$executeRawUnsafe(sql, ...values);
  }

  private mergeParticipants(resolution: Resolution, at: Date, rows: ParticipantFigures[], minutes: number) {
    const t = "CapacityParticipant";
    const width = 9;
    const tuples = rows.map((_, i) => this.tuple(width, i * width));
    const values = rows.flatMap((p) => [
      resolution,
      this.dialect.bind("timestamp", at),
      p.participantId,
      p.serial,
      p.granted,
      p.inUse,
      p.inUseFromPool,
      p.granted + p.pending,
      p.pending * minutes,
    ]);
    const sql =
      `INSERT INTO "${t}" ("resolution", "at", "participantId", "serial", "peakGranted", "peakInUse", "peakInUseFromPool", "peakDemand", "unmetSessionMinutes") ` +
      `VALUES ${tuples.join(", ")} ON CONFLICT ("resolution", "at", "participantId") DO UPDATE SET ` +
      [
        `"serial" = excluded."serial"`,
        this.max("peakGranted", t),
        this.max("peakInUse", t),
        this.max("peakInUseFromPool", t),
        this.max("peakDemand", t),
        `"unmetSessionMinutes" = "${t}"."unmetSessionMinutes" + excluded."unmetSessionMinutes"`,
      ].join(", ");
    return this.db.$executeRawUnsafe(sql, ...values);
  }

  private mergeGroups(resolution: Resolution, at: Date, rows: GroupFigures[], minutes: number) {
    const t = "CapacityGroup";
    const width = 8;
    const tuples = rows.map((_, i) => this.tuple(width, i * width));
    const values = rows.flatMap((g) => [
      resolution,
      this.dialect.bind("timestamp", at),
      g.group,
      minutes,
      g.held,
      g.pending,
      g.inUse,
      g.pending * minutes,
    ]);
    const sql =
      `INSERT INTO "${t}" ("resolution", "at", "group", "minutes", "peakHeld", "peakPending", "peakInUse", "unmetSessionMinutes") ` +
      `VALUES ${tuples.join(", ")} ON CONFLICT ("resolution", "at", "group") DO UPDATE SET ` +
      [
        `"minutes" = "${t}"."minutes" + excluded."minutes"`,
        this.max("peakHeld", t),
        this.max("peakPending", t),
        this.max("peakInUse", t),
        `"unmetSessionMinutes" = "${t}"."unmetSessionMinutes" + excluded."unmetSessionMinutes"`,
      ].join(", ");
    return this.db.$executeRawUnsafe(sql, ...values);
  }

  /** The pool's rows of one resolution in [from, to], oldest first: the time and its peak in use from the pool. */
  poolRows(resolution: Resolution, from: Date, to: Date): Promise<Array<{ at: Date; peakInUseFromPool: number }>> {
    return this.db.capacityPool.findMany({
      where: { resolution, at: { gte: from, lte: to } },
      orderBy: { at: "asc" },
      select: { at: true, peakInUseFromPool: true },
    });
  }

  /** The day rows of the pool from `from` on, oldest first. */
  async poolDays(from: Date): Promise<CapacityDay[]> {
    return this.db.capacityPool.findMany({
      where: { resolution: "d", at: { gte: from } },
      orderBy: { at: "asc" },
      select: {
        at: true,
        minutes: true,
        poolSize: true,
        peakGranted: true,
        peakInUse: true,
        peakInUseFromPool: true,
        peakDemand: true,
        unmetSessionMinutes: true,
        dryEvents: true,
      },
    });
  }

  /** Each participant's figures over the day rows from `from` on (peaks by max, minutes by sum). */
  async participantTotals(from: Date): Promise<ParticipantCapacity[]> {
    const groups = await this.db.capacityParticipant.groupBy({
      by: ["participantId", "serial"],
      where: { resolution: "d", at: { gte: from } },
      _max: { peakGranted: true, peakInUse: true, peakInUseFromPool: true, peakDemand: true },
      _sum: { unmetSessionMinutes: true },
    });
    const byParticipant = new Map<string, ParticipantCapacity>();
    for (const g of groups) {
      const seen = byParticipant.get(g.participantId);
      const row = {
        participantId: g.participantId,
        serial: g.serial,
        peakGranted: Math.max(seen?.peakGranted ?? 0, g._max.peakGranted ?? 0),
        peakInUse: Math.max(seen?.peakInUse ?? 0, g._max.peakInUse ?? 0),
        peakInUseFromPool: Math.max(seen?.peakInUseFromPool ?? 0, g._max.peakInUseFromPool ?? 0),
        peakDemand: Math.max(seen?.peakDemand ?? 0, g._max.peakDemand ?? 0),
        unmetSessionMinutes: (seen?.unmetSessionMinutes ?? 0) + (g._sum.unmetSessionMinutes ?? 0),
      };
      byParticipant.set(g.participantId, row);
    }
    return [...byParticipant.values()].sort((a, b) => b.peakDemand - a.peakDemand || a.serial.localeCompare(b.serial));
  }

  /** Each group's figures over the day rows from `from` on (peaks by max, minutes by sum), by name. */
  async groupTotals(from: Date): Promise<GroupCapacity[]> {
    const rows = await this.db.capacityGroup.groupBy({
      by: ["group"],
      where: { resolution: "d", at: { gte: from } },
      _max: { peakHeld: true, peakPending: true, peakInUse: true },
      _sum: { minutes: true, unmetSessionMinutes: true },
      orderBy: { group: "asc" },
    });
    return rows.map((g) => ({
      group: g.group,
      minutes: g._sum.minutes ?? 0,
      peakHeld: g._max.peakHeld ?? 0,
      peakPending: g._max.peakPending ?? 0,
      peakInUse: g._max.peakInUse ?? 0,
      unmetSessionMinutes: g._sum.unmetSessionMinutes ?? 0,
    }));
  }

  /**
   * Deletes rows of `resolution` older than `before`, one bucket (a minute, hour or day of rows)
   * per statement and at most `buckets` of them per call, so no statement runs long. Never takes
   * the pool lock. Returns the rows deleted.
   */
  async prune(resolution: Resolution, before: Date, buckets: number): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < buckets; i += 1) {
      const oldest = await this.db.capacityPool.findFirst({
        where: { resolution, at: { lt: before } },
        orderBy: { at: "asc" },
        select: { at: true },
      });
      const oldestParticipant = await this.db.capacityParticipant.findFirst({
        where: { resolution, at: { lt: before } },
        orderBy: { at: "asc" },
        select: { at: true },
      });
      const at = [oldest?.at, oldestParticipant?.at]
        .filter((d): d is Date => d !== undefined)
        .sort((a, b) => a.getTime() - b.getTime())[0];
      if (!at) break;
      // Group rows share the pool's buckets (written in the same transaction as its row).
      const [pool, participants, groups] = await this.db.$transaction([
        this.db.capacityPool.deleteMany({ where: { resolution, at } }),
        this.db.capacityParticipant.deleteMany({ where: { resolution, at } }),
        this.db.capacityGroup.deleteMany({ where: { resolution, at } }),
      ]);
      deleted += pool.count + participants.count + groups.count;
    }
    return deleted;
  }
}

function sumByGroup(
  rows: Array<{ policyGroup: string | null; granted: number; pending: number; inUse: number }>,
): GroupFigures[] {
  const groups = new Map<string, GroupFigures>();
  for (const row of rows) {
    const group = row.policyGroup ?? DEFAULT_GROUP;
    const g = groups.get(group) ?? { group, held: 0, pending: 0, inUse: 0 };
    g.held += row.granted;
    g.pending += row.pending;
    g.inUse += row.inUse;
    groups.set(group, g);
  }
  return [...groups.values()];
}
