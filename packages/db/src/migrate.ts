// Applies the pending migrations of prisma/migrations (SQLite) or prisma/postgres/migrations
// (PostgreSQL), as `prisma migrate deploy` would: same `_prisma_migrations` table, same checksums.
// Each migration runs in one transaction with its record, so a failure leaves nothing behind and
// the next start simply retries it.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqliteFilePath, type Provider } from "./client.ts";
import { dialectOf } from "./store/dialect.ts";

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}
interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}
type Log = (line: string) => void;

// The key `prisma migrate deploy` locks too, so that it and we never run at the same time.
const PG_LOCK_KEY = 72707369;

// The tables as the schema engine creates them.
const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;
const PG_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
const SELECT_APPLIED = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`;

/**
 * The `prisma` folder: the nearest one, from this module's folder upwards, that holds
 * `migrations/`. In the checkout that is the repository's (three folders up from this file); in the
 * bundled server (apps/web/dist/app.js) it is the checkout's or the archive's top folder.
 */
function prismaDir(): string {
  // Not `new URL(…, import.meta.url)`: bundlers take that for an asset to copy.
  const from = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "prisma", "migrations"))) return path.join(dir, "prisma");
    if (path.dirname(dir) === dir) throw new Error(`No prisma/migrations folder in ${from} or above it`);
  }
}

export function migrationsDir(provider: Provider): string {
  return path.join(prismaDir(), dialectOf(provider).migrationsFolder);
}

function readMigrations(provider: Provider): Migration[] {
  const dir = migrationsDir(provider);
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
        .map((d) => d.name)
        .sort()
    : [];
  if (names.length === 0) throw new Error(`No migrations found in ${dir}`);
  return names.map((name) => {
    const bytes = readFileSync(path.join(dir, name, "migration.sql"));
    return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
  });
}

/** Migrations not yet applied, in order; refuses to go on past a migration Prisma marked failed. */
function pending(migrations: Migration[], rows: AppliedRow[], log: Log, warn: boolean): Migration[] {
  const live = rows.filter((r) => r.rolled_back_at == null);
  const failed = live.filter((r) => r.finished_at == null).map((r) => r.migration_name);
  if (failed.length > 0) {
    throw new Error(
      `Migration(s) ${failed.join(", ")} failed in an earlier run and are marked so in _prisma_migrations; ` +
        "repair the database and resolve them (prisma migrate resolve) before starting again",
    );
  }
  const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
  if (warn) {
    for (const m of migrations) {
      const checksum = applied.get(m.name);
      if (checksum !== undefined && checksum !== m.checksum)
        log(`warning: migration ${m.name} was edited after it was applied`);
    }
    const known = new Set(migrations.map((m) => m.name));
    for (const name of applied.keys())
      if (!known.has(name)) log(`warning: applied migration ${name} is not in the migrations folder`);
  }
  return migrations.filter((m) => !applied.has(m.name));
}

function applySqlite(databaseUrl: string, migrations: Migration[], log: Log): string[] {
  const file = sqliteFilePath(databaseUrl);
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 60_000 }); // another process may be migrating
  const applied: string[] = [];
  try {
    db.pragma("journal_mode = WAL");
    // Prisma's SQLite table redefinitions turn foreign keys off, which is a no-op inside a
    // transaction; with them on, their DROP TABLE would cascade-delete the rows of child tables.
    db.pragma("foreign_keys = OFF");
    for (;;) {
      // IMMEDIATE takes the write lock first, so concurrent processes apply each migration once.
      db.exec("BEGIN IMMEDIATE");
      let next: Migration | undefined;
      try {
        db.exec(SQLITE_TABLE);
        const rows = db.prepare(SELECT_APPLIED).all() as AppliedRow[];
        next = pending(migrations, rows, log, applied.length === 0)[0];
        if (!next) {
          db.exec("COMMIT");
          return applied;
        }
        const startedAt = sqliteNow();
        db.exec(next.sql);
        const violations = db.pragma("foreign_key_check") as unknown[];
        if (violations.length > 0) throw new Error(`leaves ${violations.length} foreign key violation(s)`);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), next.checksum, sqliteNow(), next.name, startedAt);
        db.exec("COMMIT");
        applied.push(next.name);
        log(`applied migration ${next.name}`);
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw failedMigration(error, next?.name);
      }
    }
  } finally {
    db.close();
  }
}

function failedMigration(error: unknown, name: string | undefined): unknown {
  if (name === undefined || !(error instanceof Error)) return error;
  return new Error(`migration ${name}: ${error.message}`, { cause: error });
}

// The format the Prisma SQLite adapter writes DateTime values in.
function sqliteNow(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

async function applyPostgres(databaseUrl: string, migrations: Migration[], log: Log): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {}); // a dropped connection also fails the pending query, which reports it
  await client.connect();
  const applied: string[] = [];
  try {
    // Session lock: a second server starting now waits here, then finds nothing left to apply.
    await client.query("SELECT pg_advisory_lock($1)", [PG_LOCK_KEY]);
    await client.query(PG_TABLE);
    const { rows } = await client.query<AppliedRow>(SELECT_APPLIED);
    for (const next of pending(migrations, rows, log, true)) {
      await client.query("BEGIN");
      try {
        await client.query(next.sql); // simple query protocol: several statements are fine
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, now(), 1)`,
          [randomUUID(), next.checksum, next.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw failedMigration(error, next.name);
      }
      applied.push(next.name);
      log(`applied migration ${next.name}`);
    }
    return applied;
  } finally {
    await client.end(); // ends the session, which releases the advisory lock
  }
}

/**
 * Applies the pending migrations for `databaseUrl` (file:… or postgres(ql)://…), creating a SQLite
 * file and its directory if missing. Idempotent and safe for concurrent processes.
 */
export async function applyMigrations(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<{ applied: string[] }> {
  const provider = providerOf(databaseUrl);
  const migrations = readMigrations(provider);
  try {
    const applied =
      provider === "sqlite"
        ? applySqlite(databaseUrl, migrations, log)
        : await applyPostgres(databaseUrl, migrations, log);
    if (applied.length === 0) log("database schema is up to date");
    return { applied };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Applying ${provider} migrations failed: ${message}`, { cause: error });
  }
}
