import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { cacheStatements } from "./statement-cache.ts";

type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;

const text = { scalarType: "string", arity: "scalar" } as const;
const int = { scalarType: "int", arity: "scalar" } as const;

let adapter: SqlDriverAdapter | null = null;
afterEach(async () => {
  await adapter?.dispose();
  adapter = null;
});

/** The adapter on a new in-memory database, its statements cached, and how often each SQL was prepared. */
async function cachedAdapter(): Promise<{ adapter: SqlDriverAdapter; prepared: Map<string, number> }> {
  adapter = await new PrismaBetterSqlite3({ url: ":memory:" }).connect();
  const connection = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
  const prepare = connection.prepare.bind(connection);
  const prepared = new Map<string, number>();
  connection.prepare = (sql: string) => {
    prepared.set(sql, (prepared.get(sql) ?? 0) + 1);
    return prepare(sql);
  };
  cacheStatements(adapter);
  return { adapter, prepared };
}

describe("cacheStatements", () => {
  it("prepares each statement once and binds each execution's own arguments", async () => {
    const { adapter, prepared } = await cachedAdapter();
    await adapter.executeScript('CREATE TABLE "T" ("name" TEXT PRIMARY KEY, "n" INTEGER NOT NULL)');
    const insert = 'INSERT INTO "T" ("name", "n") VALUES (?, ?)';
    const select = 'SELECT "name", "n" FROM "T" WHERE "n" >= ? ORDER BY "n"';
    for (let n = 1; n <= 3; n++)
      expect(await adapter.executeRaw({ sql: insert, args: [`p${n}`, n], argTypes: [text, int] })).toBe(1);
    const read = async (from: number) =>
      (await adapter.queryRaw({ sql: select, args: [from], argTypes: [int] })).rows.map(([name, n]) => [
        name,
        Number(n),
      ]);
    expect(await read(2)).toEqual([
      ["p2", 2],
      ["p3", 3],
    ]);
    expect(await read(1)).toHaveLength(3);
    expect(await read(4)).toEqual([]);
    expect(prepared.get(insert)).toBe(1);
    expect(prepared.get(select)).toBe(1);
  });

  it("still reports a failed statement as the adapter's error, and the statement stays usable", async () => {
    const { adapter } = await cachedAdapter();
    await adapter.executeScript('CREATE TABLE "T" ("name" TEXT PRIMARY KEY)');
    const insert = { sql: 'INSERT INTO "T" ("name") VALUES (?)', args: ["a"], argTypes: [text] };
    await adapter.executeRaw(insert);
    await expect(adapter.executeRaw(insert)).rejects.toMatchObject({ cause: { kind: "UniqueConstraintViolation" } });
    expect(await adapter.executeRaw({ ...insert, args: ["b"] })).toBe(1);
  });

  it("refuses an adapter whose connection it cannot find, naming the file to update", () => {
    expect(() => cacheStatements({})).toThrow(/statement-cache\.ts/);
  });
});
