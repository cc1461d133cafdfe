import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closePrismaClient, createPrismaClient, type Db } from "./client.ts";
import { CHECKPOINT_INTERVAL_MS, SqliteCheckpointer } from "./sqlite-checkpointer.ts";

let dir: string;
let file: string;
let client: Db | null = null;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "sls-checkpoint-"));
  file = path.join(dir, "pool.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec('CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL)');
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
});

afterEach(async () => {
  if (client) await closePrismaClient(client);
  client = null;
  rmSync(dir, { recursive: true, force: true });
});

/** Writes about 2 MB through the client: 500 pages of log, under SQLite's own checkpoint threshold. */
async function write(db: Db): Promise<void> {
  for (let i = 0; i < 50; i++)
    await db.$executeRawUnsafe(
      "INSERT INTO \"T\" (\"body\") SELECT printf('%.4000c', 'x') FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10)",
    );
}

const size = () => statSync(file).size;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function autocheckpointOf(db: Db): Promise<number> {
  const [row] = await db.$queryRawUnsafe<Array<{ wal_autocheckpoint: number | bigint }>>("PRAGMA wal_autocheckpoint");
  return Number(row!.wal_autocheckpoint);
}

describe("checkpoints from a thread of their own", () => {
  it("the serving connection never checkpoints; the thread copies the log into the database file", async () => {
    const failures: unknown[] = [];
    client = createPrismaClient(`file:${file}`, { backgroundCheckpoints: { onFailure: (e) => failures.push(e) } });
    expect(await autocheckpointOf(client)).toBe(0);
    const before = size();
    await write(client);
    // Written to the log at once; in the database file only once the thread has checkpointed.
    const deadline = Date.now() + 50 * CHECKPOINT_INTERVAL_MS;
    while (size() < before + 1_500_000 && Date.now() < deadline) await pause(CHECKPOINT_INTERVAL_MS);
    expect(size()).toBeGreaterThan(before + 1_500_000);
    expect(failures).toEqual([]);
  });

  it("without it, a log under SQLite's threshold stays out of the database file", async () => {
    client = createPrismaClient(`file:${file}`);
    expect(await autocheckpointOf(client)).toBe(1000);
    const before = size();
    await write(client);
    await pause(5 * CHECKPOINT_INTERVAL_MS);
    expect(size()).toBe(before);
  });

  it("a thread that fails is reported, and the connection checkpoints by itself again", async () => {
    const failures: unknown[] = [];
    client = createPrismaClient(`file:${path.join(dir, "missing", "pool.db")}`, {
      backgroundCheckpoints: { onFailure: (e) => failures.push(e) },
    });
    const deadline = Date.now() + 10_000;
    while (failures.length === 0 && Date.now() < deadline) await pause(20);
    expect(failures[0]).toMatchObject({ code: "SQLITE_CANTOPEN" });
    expect(await autocheckpointOf(client)).toBe(1000);
  });

  it("stop makes a last checkpoint and ends the thread", async () => {
    const writer = new Database(file);
    writer.pragma("wal_autocheckpoint = 0");
    writer.exec(`INSERT INTO "T" ("body") VALUES (printf('%.100000c', 'x'))`);
    const before = size();
    const failures: unknown[] = [];
    const checkpointer = SqliteCheckpointer.start(file, (e) => failures.push(e));
    await checkpointer.stop();
    expect(size()).toBeGreaterThan(before + 90_000);
    writer.close();
    expect(failures).toEqual([]);
  });
});
