import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient as PostgresClient } from "./generated/postgres/client.ts";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";
import { SqliteCheckpointer } from "./sqlite-checkpointer.ts";
import { cacheStatements } from "./statement-cache.ts";

export type Provider = "sqlite" | "postgresql";

/** The client type. Both generated clients have this API; the PostgreSQL one is cast to it. */
export type Db = SqliteClient;

const accepted = "file:<path> (SQLite) or postgres://… / postgresql://… (PostgreSQL)";

export function providerOf(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`Unsupported database URL "${redact(url)}": expected ${accepted}`);
}

/** The absolute path of a `file:` URL; relative paths are taken from process.cwd(). */
export function sqliteFilePath(url: string): string {
  if (providerOf(url) !== "sqlite") throw new Error(`Not a SQLite URL: expected ${accepted}`);
  const file = url.slice("file:".length).replace(/\?.*$/, "");
  if (!file) throw new Error(`SQLite URL without a path: expected ${accepted}`);
  return path.resolve(file);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
}

// synchronous=NORMAL in WAL mode survives a process crash (only an OS crash or power loss can
// lose the last commits), at about ten times the commit rate of FULL.
const SQLITE_PRAGMAS = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  PRAGMA busy_timeout = 5000;
  PRAGMA foreign_keys = ON;
`;
/** SQLite's own default, for a connection whose checkpoint thread has failed. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;

// The pragmas other than journal_mode belong to the connection, so set them on each new one.
class SqliteAdapterFactory extends PrismaBetterSqlite3 {
  /** Set when a thread of its own checkpoints the database (sqlite-checkpointer.ts). */
  checkpointsInBackground = false;

  override async connect() {
    const adapter = await super.connect();
    cacheStatements(adapter);
    await adapter.executeScript(
      this.checkpointsInBackground ? `${SQLITE_PRAGMAS} PRAGMA wal_autocheckpoint = 0;` : SQLITE_PRAGMAS,
    );
    return adapter;
  }
}

const transactionOptions = { maxWait: 10_000, timeout: 15_000 };

const providers = new WeakMap<object, Provider>();
const sqliteFiles = new WeakMap<object, string>();
const checkpointers = new WeakMap<object, SqliteCheckpointer>();

export interface ClientOptions {
  /** PostgreSQL: the most connections the client opens. */
  poolMax?: number;
  /**
   * SQLite: checkpoint the write-ahead log from a thread of its own instead of inside a COMMIT on
   * the event loop (a serving process; see sqlite-checkpointer.ts). `onFailure` hears of the
   * thread's failure, after which the connection checkpoints by itself again.
   */
  backgroundCheckpoints?: { onFailure(error: unknown): void };
}

export function createPrismaClient(databaseUrl: string, opts: ClientOptions = {}): Db {
  let client: Db;
  if (providerOf(databaseUrl) === "sqlite") {
    const file = sqliteFilePath(databaseUrl);
    mkdirSync(path.dirname(file), { recursive: true });
    const factory = new SqliteAdapterFactory({ url: file, timeout: 5000 });
    const sqlite = new SqliteClient({ adapter: factory, transactionOptions });
    client = sqlite;
    sqliteFiles.set(client, file);
    const background = opts.backgroundCheckpoints;
    if (background) {
      factory.checkpointsInBackground = true;
      const checkpointer = SqliteCheckpointer.start(file, (error) => {
        checkpointers.delete(sqlite);
        factory.checkpointsInBackground = false;
        background.onFailure(error);
        sqlite
          .$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`)
          .catch((cause: unknown) => background.onFailure(cause));
      });
      checkpointers.set(client, checkpointer);
    }
  } else {
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.poolMax ?? 10 });
    client = new PostgresClient({ adapter, transactionOptions }) as unknown as Db;
  }
  providers.set(client, providerOf(databaseUrl));
  return client;
}

/** Ends a client made by createPrismaClient: its checkpoint thread (with a last checkpoint), then its connections. */
export async function closePrismaClient(db: Db): Promise<void> {
  await checkpointers.get(db)?.stop();
  checkpointers.delete(db);
  await db.$disconnect();
}

/** The provider a client was created for (raw SQL placeholders differ: `?` or `$n`). */
export function providerOfClient(db: Db): Provider {
  const provider = providers.get(db);
  if (!provider) throw new Error("this Prisma client was not made by createPrismaClient");
  return provider;
}

/** The database file of a SQLite client (for a read-only connection of its own); null for PostgreSQL. */
export function sqliteFileOfClient(db: Db): string | null {
  return sqliteFiles.get(db) ?? null;
}

/**
 * Creates a uniquely named database on the server of `baseUrl` (which must allow CREATE DATABASE)
 * and returns its URL. `drop()` removes it, closing any connection left to it (PostgreSQL 13+).
 */
export async function createFreshPostgresDatabase(
  baseUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const safePrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "_")
      .slice(0, 40) || "db";
  const name = `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
