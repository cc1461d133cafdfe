// Prisma's schema engine from @prisma/schema-engine-wasm, wired to a driver adapter. The native
// engine cannot be downloaded on these machines; this WebAssembly build is the same engine.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import * as runtime from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";

const require = createRequire(import.meta.url);

export type EngineProvider = "sqlite" | "postgresql";
export type { MigrationList, SchemaEngine };
export const noFilters = { externalTables: [], externalEnums: [] };

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;
type Factory = { connect(): Promise<Adapter>; connectToShadowDb(): Promise<Adapter> };

// The engine wants the factory wrapped the way Prisma's CLI wraps it (results, error registry).
// driver-adapter-utils is not our dependency, so borrow the copy the pg adapter itself uses.
const { bindMigrationAwareSqlAdapterFactory } = createRequire(require.resolve("@prisma/adapter-pg"))(
  "@prisma/driver-adapter-utils",
) as { bindMigrationAwareSqlAdapterFactory(factory: object): object };

let instantiated: Promise<void> | undefined;
// @types/node 20 declares WebAssembly's types but not the global itself.
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

// Node 20 cannot `import` a .wasm file, which the package's entry point does; instantiate the
// module by hand against its JS glue instead.
function instantiate(): Promise<void> {
  instantiated ??= (async () => {
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (m) => console.error(`schema engine panic: ${m}`) };
    const glue = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(glue.replace(/\.js$/, ".wasm"));
    const { instance } = await wasm.instantiate(bytes, { "./schema_engine_bg.js": runtime });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return instantiated;
}

// The SQLite connector sends whole migration scripts through executeRaw, but better-sqlite3
// prepares one statement at a time: hand multi-statement scripts to exec() instead.
function multiStatementRaw(adapter: Adapter): Adapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.args.length > 0 || !String(error).includes("more than one statement")) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

// adapter-pg's executeScript splits a script at every ";", even inside a function's $$-quoted body
// or a comment; PostgreSQL's simple query protocol takes the whole script as it is.
type PgScriptable = {
  executeScript(script: string): Promise<void>;
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
};
function wholeScripts<T>(adapter: T): T {
  const a = adapter as T & PgScriptable;
  a.executeScript = async (script) => {
    await a.client.query(script).catch((error: unknown) => a.onError(error));
  };
  return adapter;
}

// PostgreSQL's internal `"char"` type (oid 18, e.g. pg_class.relkind) is unknown to adapter-pg,
// which throws on it; the engine's introspection reads such columns. It is one byte of text.
type PgQueryable = { performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
function charAsText<T>(queryable: T): T {
  const q = queryable as T & PgQueryable & { startTransaction?(...args: unknown[]): Promise<unknown> };
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  const start = q.startTransaction?.bind(q);
  if (start) q.startTransaction = async (...args) => charAsText(await start(...args));
  return queryable;
}

/** A PostgreSQL URL split into parts: adapter-pg derives its shadow database from these. */
export function pgConfig(url: string) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client(pgConfig(url));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function sqliteFactory(url: string): Factory {
  const factory = new PrismaBetterSqlite3({ url });
  return {
    connect: async () => multiStatementRaw(await factory.connect()),
    connectToShadowDb: async () => multiStatementRaw(await factory.connectToShadowDb()),
  };
}

// adapter-pg's own shadow database is dropped while its pool still holds a connection, which
// PostgreSQL refuses; this one closes the pool first.
function pgFactory(url: string): Factory {
  const config = pgConfig(url);
  return {
    connect: async () => wholeScripts(charAsText(await new PrismaPg(config).connect())),
    connectToShadowDb: async () => {
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      await adminQuery(url, `CREATE DATABASE "${database}"`);
      const adapter = wholeScripts(charAsText(await new PrismaPg({ ...config, database }).connect()));
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await adminQuery(url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      };
      return adapter;
    },
  };
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

/** An engine for `schema`; `url` is the database (or, for PostgreSQL, the server) it may use. */
export async function openSchemaEngine(
  provider: EngineProvider,
  url: string,
  schema: { path: string; content: string },
): Promise<OpenEngine> {
  await instantiate();
  const inner = provider === "sqlite" ? sqliteFactory(url) : pgFactory(url);
  const opened: Adapter[] = [];
  const track = (adapter: Adapter) => {
    opened.push(adapter);
    return adapter;
  };
  const factory = {
    provider: provider === "sqlite" ? "sqlite" : "postgres",
    adapterName: provider === "sqlite" ? "@prisma/adapter-better-sqlite3" : "@prisma/adapter-pg",
    connect: async () => track(await inner.connect()),
    connectToShadowDb: async () => track(await inner.connectToShadowDb()),
  };
  const engine = await runtime.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async close() {
      engine.free();
      // The engine disposes the shadow databases it opens; disposing twice is harmless.
      await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    },
  };
}
