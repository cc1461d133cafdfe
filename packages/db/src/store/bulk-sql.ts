import type { ColumnType, Dialect } from "./dialect.ts";

export interface Column {
  name: string;
  type: ColumnType;
  /** How the new value combines with the stored one; plain assignment when absent. */
  merge?: "greatest";
}

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
  dialect: Dialect,
  table: string,
  key: Column,
  columns: Column[],
  rows: unknown[][],
): Statement {
  const all = [key, ...columns];
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = all.map((column, i) => {
      params.push(dialect.bind(column.type, row[i]));
      return dialect.placeholder(params.length, column.type);
    });
    return `(${cells.join(", ")})`;
  });
  const names = all.map((c) => `"${c.name}"`).join(", ");
  const set = columns
    .map(
      (c) =>
        `"${c.name}" = ${c.merge === "greatest" ? `${dialect.greatest}("${table}"."${c.name}", v."${c.name}")` : `v."${c.name}"`}`,
    )
    .join(", ");
  return { sql: dialect.updateFromValues(table, set, names, tuples.join(", "), key.name), params };
}

/**
 * PostgreSQL's bind message counts parameters in 16 bits: a statement with more than 65,535 fails
 * ("bind message has N parameter formats but 0 parameters").
 */
const MAX_PARAMS = 32_000;

/**
 * PostgreSQL only: data-modifying statements combined into as few as fit `maxParams` parameters
 * each (a policy change rewriting 20,000 participants' groups is more than one can carry), so
 * a batch's writes are usually one round trip. Statements are kept in order.
 */
export function combineWritesWithin(statements: Statement[], maxParams = MAX_PARAMS): Statement[] {
  const combined: Statement[] = [];
  let group: Statement[] = [];
  let params = 0;
  for (const statement of statements) {
    if (group.length > 0 && params + statement.params.length > maxParams) {
      combined.push(combineWrites(group));
      group = [];
      params = 0;
    }
    group.push(statement);
    params += statement.params.length;
  }
  if (group.length > 0) combined.push(combineWrites(group));
  return combined;
}

/**
 * PostgreSQL only: several data-modifying statements as one, each but the last in a `WITH`
 * clause (all of them run, in one snapshot, as one round trip). Their `$n` placeholders are
 * renumbered into one list; the statements must not touch the same rows.
 */
function combineWrites(statements: Statement[]): Statement {
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
export function multiRowInsert(dialect: Dialect, table: string, columns: Column[], rows: unknown[][]): Statement {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = columns.map((column, i) => {
      params.push(dialect.bind(column.type, row[i]));
      return dialect.placeholder(params.length, column.type);
    });
    return `(${cells.join(", ")})`;
  });
  return {
    sql: `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
    params,
  };
}

export function chunked<T>(items: T[], size = BULK_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
