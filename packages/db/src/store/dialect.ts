import type { Provider } from "../client.ts";

/** Column types the hand-written statements bind; each has a PostgreSQL cast and a SQLite value. */
export type ColumnType = "text" | "int" | "bigint" | "bool" | "timestamp";

/**
 * Everything that differs between SQLite and PostgreSQL in the SQL this package writes by hand
 * (Prisma's own queries need none of it). One per provider, from `dialectOf`; a store takes its
 * client's once and hands it to whoever writes SQL.
 */
export interface Dialect {
  /** The n-th bound parameter: `?` on SQLite; `$n`, cast to `type` when one is given, on PostgreSQL. */
  placeholder(n: number, type?: ColumnType): string;
  /** A value as bound for a column of `type`: timestamps as Prisma stores them, booleans, 64-bit integers. */
  bind(type: ColumnType, value: unknown): unknown;
  /** The SQL function for the larger of two values. */
  readonly greatest: string;
  /** `UPDATE table SET … ` from a list of VALUES rows named `v`, matched on `key`. */
  updateFromValues(table: string, set: string, names: string, tuples: string, key: string): string;
  /**
   * Whether several data-modifying statements can go as one (PostgreSQL's `WITH`, see
   * `combineWrites`); on SQLite they run one after the other.
   */
  readonly multiStatement: boolean;
  /** Prisma's option that makes `contains` ignore case: SQLite's LIKE ignores ASCII case already. */
  readonly caseInsensitive: { mode?: "insensitive" };
  /** Transaction options under which every statement of a read sees one snapshot (SQLite's always do). */
  readonly snapshotRead: { isolationLevel: "RepeatableRead" } | undefined;
  /**
   * The server-side function that takes the pool lock and reads a batch's rows in one round trip
   * (PostgreSQL, created by a migration); null where each is a statement of its own (SQLite,
   * whose statements cost no round trip).
   */
  readonly lockFunction: string | null;
  /** The migrations folder under prisma/. */
  readonly migrationsFolder: string;
}

const PG_CAST: Record<ColumnType, string> = {
  text: "text",
  int: "integer",
  bigint: "bigint",
  bool: "boolean",
  timestamp: "timestamp(3)",
};

/** `Dialect.bind` from the conversions of the types that need one; null stays null. */
function binder(convert: {
  timestamp(at: Date): string;
  bool(value: unknown): unknown;
  bigint(value: unknown): unknown;
}): Dialect["bind"] {
  return (type, value) => {
    if (value === null || value === undefined) return null;
    if (type === "timestamp") return convert.timestamp(value as Date);
    return type === "bool" || type === "bigint" ? convert[type](value) : value;
  };
}

const sqlite: Dialect = {
  placeholder: () => "?",
  bind: binder({
    // Prisma's SQLite DateTime text: ISO 8601 with an explicit +00:00 offset.
    timestamp: (at) => at.toISOString().replace("Z", "+00:00"),
    bool: (value) => (value ? 1 : 0),
    bigint: Number,
  }),
  greatest: "MAX",
  updateFromValues: (table, set, names, tuples, key) =>
    `WITH v(${names}) AS (VALUES ${tuples}) UPDATE "${table}" SET ${set} FROM v WHERE "${table}"."${key}" = v."${key}"`,
  multiStatement: false,
  caseInsensitive: {},
  snapshotRead: undefined,
  lockFunction: null,
  migrationsFolder: "migrations",
};

const postgresql: Dialect = {
  placeholder: (n, type) => (type ? `$${n}::${PG_CAST[type]}` : `$${n}`),
  bind: binder({
    // Prisma's PostgreSQL DateTime is TIMESTAMP(3) without time zone, holding UTC.
    timestamp: (at) => at.toISOString().replace("Z", ""),
    bool: Boolean,
    bigint: String,
  }),
  greatest: "GREATEST",
  updateFromValues: (table, set, names, tuples, key) =>
    `UPDATE "${table}" SET ${set} FROM (VALUES ${tuples}) AS v(${names}) WHERE "${table}"."${key}" = v."${key}"`,
  multiStatement: true,
  caseInsensitive: { mode: "insensitive" },
  snapshotRead: { isolationLevel: "RepeatableRead" },
  lockFunction: `"sls_lock_pool"`,
  migrationsFolder: "postgres/migrations",
};

const DIALECTS: Record<Provider, Dialect> = { sqlite, postgresql };

export function dialectOf(provider: Provider): Dialect {
  return DIALECTS[provider];
}
