import type { Provider } from "../client.ts";

/** Column types the multi-row statements bind; each maps to a PostgreSQL cast and a SQLite value. */
export type ColumnType = "text" | "int" | "bigint" | "bool" | "timestamp";

export interface Column {
  name: string;
  type: ColumnType;
  /** How the new value combines with the stored one; plain assignment when absent. */
  merge?: "greatest";
}

const PG_CAST: Record<ColumnType, string> = {
  text: "text",
  int: "integer",
  bigint: "bigint",
  bool: "boolean",
  timestamp: "timestamp(3)",
};

/** Rows per statement: far below SQLite's 32,766 bound variables and PostgreSQL's 65,535. */
const BULK_CHUNK = 500;

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * `UPDATE table SET col = v.col, … FROM (VALUES …) v WHERE table.id = v.id` for many rows in one
 * statement: a batch of grant changes or a second's lease renewals costs one round trip, not one
 * per participant. `rows` hold the key first, then one value per column, in order.
 */
export function multiRowUpdate(
  provider: Provider,
  table: string,
  key: Column,
  columns: Column[],
  rows: unknown[][],
): Statement {
  const all = [key, ...columns];
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = all.map((column, i) => {
      params.push(bindValue(provider, column.type, row[i]));
      return placeholder(provider, params.length, column.type);
    });
    return `(${cells.join(", ")})`;
  });
  const names = all.map((c) => `"${c.name}"`).join(", ");
  const greatest = provider === "postgresql" ? "GREATEST" : "MAX";
  const set = columns
    .map(
      (c) =>
        `"${c.name}" = ${c.merge === "greatest" ? `${greatest}("${table}"."${c.name}", v."${c.name}")` : `v."${c.name}"`}`,
    )
    .join(", ");
  const sql =
    provider === "postgresql"
      ? `UPDATE "${table}" SET ${set} FROM (VALUES ${tuples.join(", ")}) AS v(${names}) WHERE "${table}"."${key.name}" = v."${key.name}"`
      : `WITH v(${names}) AS (VALUES ${tuples.join(", ")}) UPDATE "${table}" SET ${set} FROM v WHERE "${table}"."${key.name}" = v."${key.name}"`;
  return { sql, params };
}

/**
 * PostgreSQL only: several data-modifying statements as one, each but the last in a `WITH`
 * clause (all of them run, in one snapshot, as one round trip). Their `$n` placeholders are
 * renumbered into one list; the statements must not touch the same rows.
 */
export function combineWrites(statements: Statement[]): Statement {
  const params: unknown[] = [];
  const renumbered = statements.map(({ sql, params: own }) => {
    const offset = params.length;
    params.push(...own);
    return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = renumbered.pop()!;
  const ctes = renumbered.map((sql, i) => `w${i} AS (${sql})`);
  return { sql: ctes.length > 0 ? `WITH ${ctes.join(", ")} ${last}` : last, params };
}

/** `INSERT INTO table (cols) VALUES (…), (…)`: one statement for many rows. */
export function multiRowInsert(provider: Provider, table: string, columns: Column[], rows: unknown[][]): Statement {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = columns.map((column, i) => {
      params.push(bindValue(provider, column.type, row[i]));
      return placeholder(provider, params.length, column.type);
    });
    return `(${cells.join(", ")})`;
  });
  return {
    sql: `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
    params,
  };
}

/** The n-th bound parameter: `?` for SQLite, `$n::type` for PostgreSQL. */
export function placeholder(provider: Provider, n: number, type: ColumnType): string {
  return provider === "postgresql" ? `$${n}::${PG_CAST[type]}` : "?";
}

function bindValue(provider: Provider, type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "timestamp":
      return provider === "postgresql" ? postgresTimestamp(value as Date) : sqliteTimestamp(value as Date);
    case "bool":
      return provider === "postgresql" ? Boolean(value) : value ? 1 : 0;
    case "bigint":
      return provider === "postgresql" ? String(value) : Number(value);
    default:
      return value;
  }
}

/** Prisma's SQLite DateTime text: ISO 8601 with an explicit +00:00 offset. */
function sqliteTimestamp(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

/** Prisma's PostgreSQL DateTime is TIMESTAMP(3) without time zone, holding UTC. */
function postgresTimestamp(at: Date): string {
  return at.toISOString().replace("Z", "");
}

export function chunked<T>(items: T[], size = BULK_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
