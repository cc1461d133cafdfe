import Database from "better-sqlite3";

type Statement = Database.Statement<unknown[], unknown>;

/** Distinct statements kept per connection: a batch's multi-row statements differ by their row count. */
const CACHE_SIZE = 512;

/**
 * Makes the Prisma adapter's better-sqlite3 connection prepare each distinct statement once.
 * The adapter prepares every statement again for each execution (`prepare(sql).bind(args)`),
 * which on the grant path cost about a tenth of the server's CPU: SQLite parsing and planning the
 * same SQL anew. A better-sqlite3 statement can be bound only once, so the cached one is handed
 * out behind a `bind` that keeps the arguments and passes them to each execution instead. This is
 * all of the statement the adapter uses (`reader`, `bind`, `run`, `columns`, `raw().all()`).
 */
export function cacheStatements(adapter: object): void {
  const connection = (adapter as { client?: unknown }).client;
  if (!(connection instanceof Database))
    throw new Error(
      "the better-sqlite3 Prisma adapter no longer keeps its connection in `client`: update packages/db/src/statement-cache.ts",
    );
  const prepare = connection.prepare.bind(connection) as (sql: string) => Statement;
  const cache = new Map<string, CachedStatement>();
  (connection as unknown as { prepare: (sql: string) => CachedStatement }).prepare = (sql: string) => {
    let cached = cache.get(sql);
    if (cached) {
      // Most recently used last, so that the first key is the one to evict.
      cache.delete(sql);
    } else {
      cached = new CachedStatement(prepare(sql));
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, cached);
    return cached;
  };
}

class CachedStatement {
  constructor(private readonly statement: Statement) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  run(): Database.RunResult {
    return this.statement.run();
  }

  bind(args: unknown[]): BoundStatement {
    return new BoundStatement(this.statement, args);
  }
}

/** One execution's arguments with the shared statement. */
class BoundStatement {
  constructor(
    private readonly statement: Statement,
    private readonly args: unknown[],
  ) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  columns(): Database.ColumnDefinition[] {
    return this.statement.columns();
  }

  run(): Database.RunResult {
    return this.statement.run(this.args);
  }

  raw(): this {
    this.statement.raw(true);
    return this;
  }

  all(): unknown[] {
    return this.statement.all(this.args);
  }
}
