import type { Db } from "../client.ts";
import { SERVER_ROW_ID } from "./pool-transaction.ts";
import type { UsageSampleRow } from "./rows.ts";

const sampleSelect = {
  at: true,
  poolSize: true,
  granted: true,
  pending: true,
  inUse: true,
  participants: true,
} as const;

/** Periodic samples of pool usage, for the usage charts. */
export class UsageRepository {
  constructor(private readonly db: Db) {}

  /** The pool's figures right now, as a sample would store them (null before the first start). */
  async current(at: Date): Promise<UsageSampleRow | null> {
    const [server, participants] = await Promise.all([
      this.db.server.findUnique({
        where: { id: SERVER_ROW_ID },
        select: { poolSize: true, grantedTotal: true, pendingTotal: true },
      }),
      this.db.participant.aggregate({ _sum: { inUse: true }, _count: { _all: true } }),
    ]);
    if (!server) return null;
    return {
      at,
      poolSize: server.poolSize,
      granted: server.grantedTotal,
      pending: server.pendingTotal,
      inUse: participants._sum.inUse ?? 0,
      participants: participants._count._all,
    };
  }

  /** Stores one sample; a second sample for the same instant (another process) is ignored. */
  async record(sample: UsageSampleRow): Promise<boolean> {
    try {
      await this.db.usageSample.create({ data: sample });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") return false;
      throw error;
    }
  }

  samples(from: Date, to: Date): Promise<UsageSampleRow[]> {
    return this.db.usageSample.findMany({
      where: { at: { gte: from, lte: to } },
      orderBy: { at: "asc" },
      select: sampleSelect,
    });
  }

  async prune(olderThan: Date): Promise<number> {
    const { count } = await this.db.usageSample.deleteMany({ where: { at: { lt: olderThan } } });
    return count;
  }
}
