import type { Dialect } from "./dialect.ts";
import { SERVER_ROW_ID, type Tx } from "./pool-transaction.ts";
import { columnList, PARTICIPANT_COLUMNS, recordOf, SERVER_COLUMNS, serverOf } from "./raw-rows.ts";
import type { ParticipantRecord, ServerRow } from "./rows.ts";

export interface AppliedKey {
  participantId: string;
  requestId: string;
}

/** Rows a pool transaction does not know yet, deduplicated: what one batch reads under the lock. */
export interface PreloadQuery {
  ids: string[];
  serials: string[];
  applied: AppliedKey[];
}

export interface PreloadRows {
  /** Found by id or by serial, in any order. */
  participants: ParticipantRecord[];
  applied: Array<AppliedKey & { answer: string }>;
}

export interface LockedPool {
  server: ServerRow;
  /** The transaction's Server.lockVersion. */
  version: number;
  rows: PreloadRows;
  /** When the lock was granted, on `performance.now()`'s clock: the reads after it hold it too. */
  lockedAt: number;
}

/**
 * Takes the pool lock and reads the rows `query` names. Null when the server row does not exist
 * yet. On PostgreSQL one round trip: the lock is the first statement of a function
 * (`Dialect.lockFunction`, created by a migration) whose reads are statements of their own, each
 * with a snapshot taken after the lock was granted (see the migration for why that matters).
 */
export async function lockPool(tx: Tx, dialect: Dialect, query: PreloadQuery): Promise<LockedPool | null> {
  if (dialect.lockFunction) {
    const asked = performance.now();
    const [row] = await tx.$queryRawUnsafe<Array<{ locked: LockedJson | null }>>(
      `SELECT ${dialect.lockFunction}(${dialect.placeholder(1)}::jsonb) AS "locked"`,
      JSON.stringify(query),
    );
    const locked = row?.locked;
    if (!locked) return null;
    // The database's clock and this process's are the same machine's wall clock; kept within
    // the call, so that a clock step cannot make the lock look held before it was asked for.
    const answered = performance.now();
    const lockedAt = Math.min(answered, Math.max(asked, locked.lockedAt - performance.timeOrigin));
    const rows = { participants: locked.participants.map(recordOf), applied: locked.applied };
    return { ...serverOf(locked.server), rows, lockedAt };
  }
  const locked = await lockServerRow(tx, dialect);
  if (!locked) return null;
  const lockedAt = performance.now();
  return { ...locked, rows: await readPreload(tx, dialect, query), lockedAt };
}

interface LockedJson {
  server: Record<string, unknown>;
  /** Milliseconds since the epoch, by the database's clock. */
  lockedAt: number;
  participants: Array<Record<string, unknown>>;
  applied: PreloadRows["applied"];
}

async function lockServerRow(tx: Tx, dialect: Dialect): Promise<{ server: ServerRow; version: number } | null> {
  // An UPDATE as the first statement takes the row lock on PostgreSQL and the write lock on
  // SQLite, so concurrent allocations queue here instead of deciding on stale counters.
  const rows = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `UPDATE "Server" SET "lockVersion" = "lockVersion" + 1 WHERE "id" = ${dialect.placeholder(1, "int")} RETURNING ${columnList(SERVER_COLUMNS)}`,
    SERVER_ROW_ID,
  );
  return rows[0] ? serverOf(rows[0]) : null;
}

/** The rows of `query`, one statement per kind that has any. */
export async function readPreload(tx: Tx, dialect: Dialect, query: PreloadQuery): Promise<PreloadRows> {
  const byId = query.ids.length > 0 ? await selectParticipants(tx, dialect, `"id"`, query.ids) : [];
  const bySerial = query.serials.length > 0 ? await selectParticipants(tx, dialect, `"serial"`, query.serials) : [];
  const applied = query.applied.length > 0 ? await selectApplied(tx, dialect, query.applied) : [];
  return { participants: [...byId, ...bySerial], applied };
}

export async function selectParticipants(
  tx: Tx,
  dialect: Dialect,
  column: `"id"` | `"serial"`,
  values: string[],
): Promise<ParticipantRecord[]> {
  const marks = values.map((_, i) => dialect.placeholder(i + 1, "text")).join(", ");
  const sql = `SELECT ${columnList(PARTICIPANT_COLUMNS)} FROM "Participant" WHERE ${column} IN (${marks})`;
  const rows = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, ...values);
  return rows.map(recordOf);
}

export function selectApplied(tx: Tx, dialect: Dialect, keys: AppliedKey[]): Promise<PreloadRows["applied"]> {
  const params: string[] = [];
  const mark = (value: string) => {
    params.push(value);
    return dialect.placeholder(params.length, "text");
  };
  const where = keys
    .map((k) => `("participantId" = ${mark(k.participantId)} AND "requestId" = ${mark(k.requestId)})`)
    .join(" OR ");
  return tx.$queryRawUnsafe<PreloadRows["applied"]>(
    `SELECT "participantId", "requestId", "answer" FROM "AppliedRequest" WHERE ${where}`,
    ...params,
  );
}
