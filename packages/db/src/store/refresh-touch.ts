import { providerOfClient, type Db } from "../client.ts";

export interface TouchByToken {
  tokenHash: string;
  inUse: number;
  at: Date;
  /** A participant last seen before this, still holding sessions or demand, must be reclaimed first. */
  silentBefore: Date;
}

export interface TouchedParticipant {
  id: string;
  granted: number;
  pending: number;
}

/**
 * The refresh fast path in one statement: find the participant by its token hash, renew its
 * lease and record its usage, unless it must take the slow path (unknown token, inUse above its
 * platform limit, or silent while holding something). Returns null in those cases. Raw SQL
 * because this is the bulk of all appliance traffic and one statement replaces a lookup and an
 * update; the timestamps are written in the format Prisma itself stores.
 */
export async function touchByToken(db: Db, touch: TouchByToken): Promise<TouchedParticipant | null> {
  const postgres = providerOfClient(db) === "postgresql";
  const stamp = postgres ? postgresTimestamp : sqliteTimestamp;
  const at = stamp(touch.at);
  const silentBefore = stamp(touch.silentBefore);
  const rows = postgres
    ? await db.$queryRawUnsafe<TouchedParticipant[]>(
        `UPDATE "Participant" SET "lastSeenAt" = $1::timestamp, "inUse" = $2, "highWater" = GREATEST("highWater", $2)
         WHERE "tokenHash" = $3 AND "platformLimit" >= $2
           AND ("lastSeenAt" >= $4::timestamp OR ("granted" = 0 AND "pending" = 0))
         RETURNING "id", "granted", "pending"`,
        at,
        touch.inUse,
        touch.tokenHash,
        silentBefore,
      )
    : await db.$queryRawUnsafe<TouchedParticipant[]>(
        `UPDATE "Participant" SET "lastSeenAt" = ?, "inUse" = ?, "highWater" = MAX("highWater", ?)
         WHERE "tokenHash" = ? AND "platformLimit" >= ?
           AND ("lastSeenAt" >= ? OR ("granted" = 0 AND "pending" = 0))
         RETURNING "id", "granted", "pending"`,
        at,
        touch.inUse,
        touch.inUse,
        touch.tokenHash,
        touch.inUse,
        silentBefore,
      );
  const row = rows[0];
  return row ? { id: row.id, granted: Number(row.granted), pending: Number(row.pending) } : null;
}

/** Prisma's SQLite DateTime text: ISO 8601 with an explicit +00:00 offset. */
function sqliteTimestamp(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

/** Prisma's PostgreSQL DateTime is TIMESTAMP(3) without time zone, holding UTC. */
function postgresTimestamp(at: Date): string {
  return at.toISOString().replace("Z", "");
}
