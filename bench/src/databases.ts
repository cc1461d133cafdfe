import { freshDatabase, freshSqlite as freshSqliteDatabase, type FreshDatabase } from "@sls/server/testing";

export type BenchDatabase = FreshDatabase;

export function freshSqlite(label: string): BenchDatabase {
  return freshSqliteDatabase(`bench-${label}`);
}

/** A new database on the PostgreSQL server (TEST_DATABASE_URL), or null (with the reason) when it cannot be reached. */
export async function freshPostgres(label: string): Promise<BenchDatabase | { unavailable: string }> {
  try {
    return await freshDatabase("postgresql", `bench_${label}`);
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}
