import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createFreshPostgresDatabase, type Provider } from "../../src/client.ts";
import { TEST_POSTGRES_URL } from "../../src/testing.ts";

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * An empty database of its own for one test: a SQLite file in a temporary folder, or a new
 * PostgreSQL database whose name starts with `name`. Null when PostgreSQL is skipped (SLS_SKIP_PG=1).
 */
export async function freshDatabase(provider: Provider, name: string): Promise<FreshDatabase | null> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), `sls-${name.replaceAll("_", "-")}-`));
    return { url: `file:${path.join(dir, "sls.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (process.env.SLS_SKIP_PG === "1") return null;
  return createFreshPostgresDatabase(TEST_POSTGRES_URL, `sls_${name}`);
}
