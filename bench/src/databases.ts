import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createFreshPostgresDatabase } from "@sls/db";
import { config } from "./config.ts";

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export function freshSqlite(label: string): BenchDatabase {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sls-bench-${label}-`));
  return { url: `file:${path.join(dir, "sls.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new database on the PostgreSQL server, or null (with the reason) when it cannot be reached. */
export async function freshPostgres(label: string): Promise<BenchDatabase | { unavailable: string }> {
  try {
    return await createFreshPostgresDatabase(config.postgresUrl, `sls_bench_${label}`);
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}
