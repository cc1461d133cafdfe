import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { pendingDiff, readMigrationList } from "../scripts/migrate-create.ts";
import { derivePostgresSchema, schemas } from "../scripts/postgres-schema.ts";
import { noFilters, openSchemaEngine } from "../scripts/schema-engine.ts";
import { createFreshPostgresDatabase, createPrismaClient, type Db, type Provider } from "../src/client.ts";
import { applyMigrations, migrationsDir } from "../src/migrate.ts";
import { TEST_POSTGRES_URL } from "../src/testing.ts";

const migrationCount = (provider: Provider) => readMigrationList(provider).migrationDirectories.length;

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    if (process.env.CI)
      throw new Error(`PostgreSQL at ${TEST_POSTGRES_URL} is unreachable and CI is set`, { cause: error });
    console.warn(
      `\n*** PostgreSQL at ${TEST_POSTGRES_URL} is unreachable: PostgreSQL tests SKIPPED (${String(error)}) ***\n`,
    );
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
const hasPostgres = await postgresReachable();

/** One row in every table, read back, then a cascade through the foreign keys. */
async function exerciseAllTables(db: Db): Promise<void> {
  const now = new Date();
  await db.server.create({ data: { id: 1, poolSize: 100 } });
  await db.participant.create({
    data: {
      id: "p1",
      serial: "FCH0001",
      hostname: "asa-1",
      model: "ASA5525",
      platformLimit: 250,
      localLimit: 50,
      registeredAt: now,
      lastSeenAt: now,
    },
  });
  await db.$transaction(async (tx) => {
    await tx.server.update({
      where: { id: 1 },
      data: { grantedTotal: { increment: 5 }, lockVersion: { increment: 1 } },
    });
    await tx.appliedRequest.create({
      data: { participantId: "p1", requestId: "req-1", answer: '{"granted":5}', createdAt: now },
    });
    await tx.auditEvent.create({
      data: { at: now, type: "grant", participantId: "p1", serial: "FCH0001", grantedDelta: 5, actor: "test" },
    });
  });
  await db.serverCounter.create({ data: { serverId: "srv-a", messageType: "request", received: 1 } });
  await db.participantCounter.create({ data: { participantId: "p1", messageType: "request", answered: 1 } });

  const server = await db.server.findUniqueOrThrow({ where: { id: 1 } });
  expect(server).toMatchObject({ grantedTotal: 5, enabled: true, refreshIntervalSec: 30 });
  expect(server.createdAt).toBeInstanceOf(Date);
  const audit = await db.auditEvent.findFirstOrThrow();
  expect(audit.at.toISOString()).toBe(now.toISOString());
  expect(await db.serverCounter.count()).toBe(1);

  await db.participant.delete({ where: { id: "p1" } });
  expect(await db.appliedRequest.count()).toBe(0);
  expect(await db.participantCounter.count()).toBe(0);
}

/** What Prisma's own engine thinks of the database: in sync, and nothing left to deploy. */
async function expectPrismaAgrees(provider: Provider, url: string): Promise<void> {
  const schema = { path: schemas[provider], content: readFileSync(schemas[provider], "utf8") };
  const { engine, close } = await openSchemaEngine(provider, url, schema);
  try {
    const migrationsList = readMigrationList(provider);
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: noFilters,
    });
    expect(diagnosis).toMatchObject({
      history: null,
      failedMigrationNames: [],
      editedMigrationNames: [],
      hasMigrationsTable: true,
    });
    expect(await engine.applyMigrations({ migrationsList, filters: noFilters })).toEqual({ appliedMigrationNames: [] });
  } finally {
    await close();
  }
}

describe("migrations folders", () => {
  it("match the schema for SQLite (run `pnpm --filter @sls/db migrate:create <name>` if not)", async () => {
    expect(await pendingDiff("sqlite", readFileSync(schemas.sqlite, "utf8"))).toBeNull();
  });
  it.skipIf(!hasPostgres)("match the schema for PostgreSQL", async () => {
    expect(await pendingDiff("postgresql", derivePostgresSchema(readFileSync(schemas.sqlite, "utf8")))).toBeNull();
  });
  it("are read from the repository's prisma folder", () => {
    expect(migrationsDir("sqlite")).toBe(readMigrationList("sqlite").baseDir);
    expect(migrationsDir("postgresql")).toBe(readMigrationList("postgresql").baseDir);
  });
});

describe("applyMigrations on SQLite", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sls-db-migrate-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the file, applies every migration once, and agrees with Prisma", async () => {
    const url = `file:${path.join(dir, "missing-dir", "sls.db")}`;
    const lines: string[] = [];
    const first = await applyMigrations(url, (line) => lines.push(line));
    expect(first.applied).toHaveLength(migrationCount("sqlite"));
    expect(lines.some((line) => line.includes(first.applied[0]!))).toBe(true);

    const db = createPrismaClient(url);
    try {
      await exerciseAllTables(db);
    } finally {
      await db.$disconnect();
    }
    expect(await applyMigrations(url)).toEqual({ applied: [] });
    await expectPrismaAgrees("sqlite", url);
  });
});

describe.skipIf(!hasPostgres)("applyMigrations on PostgreSQL", () => {
  const drops: (() => Promise<void>)[] = [];
  const freshDatabase = async (prefix: string) => {
    const fresh = await createFreshPostgresDatabase(TEST_POSTGRES_URL, prefix);
    drops.push(fresh.drop);
    return fresh.url;
  };
  afterAll(async () => {
    await Promise.all(drops.map((drop) => drop()));
  });

  it("applies every migration once to a fresh database, and agrees with Prisma", async () => {
    const url = await freshDatabase("sls_test_migrate");
    const first = await applyMigrations(url);
    expect(first.applied).toHaveLength(migrationCount("postgresql"));

    const db = createPrismaClient(url, { poolMax: 2 });
    try {
      await exerciseAllTables(db);
    } finally {
      await db.$disconnect();
    }
    expect(await applyMigrations(url)).toEqual({ applied: [] });
    await expectPrismaAgrees("postgresql", url);
  });

  it("applies once when two processes start at the same time", async () => {
    const url = await freshDatabase("sls_test_concurrent");
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied).toHaveLength(migrationCount("postgresql"));
    expect(new Set(applied).size).toBe(applied.length);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "_prisma_migrations"`);
      expect(Number(rows[0]!.n)).toBe(migrationCount("postgresql"));
    } finally {
      await client.end();
    }
  });

  it("drops the databases it creates", async () => {
    const fresh = await createFreshPostgresDatabase(TEST_POSTGRES_URL, "sls_test_drop");
    const name = new URL(fresh.url).pathname.slice(1);
    const leftover = createPrismaClient(fresh.url);
    await leftover.$queryRawUnsafe("SELECT 1"); // an open pool must not prevent the drop
    await fresh.drop();
    await leftover.$disconnect().catch(() => {});
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      expect(rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});
