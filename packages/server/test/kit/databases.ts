import path from "node:path";
import { removeTemporaryFolder, temporaryFolder } from "./temporary-folders.ts";

export type ProviderName = "sqlite" | "postgresql";

import { TEST_POSTGRES_URL } from "@sls/db/testing";

export { TEST_POSTGRES_URL };

/** The databases the integration suites run against; PostgreSQL unless the test runner found it unreachable. */
export function providers(): ProviderName[] {
  if (process.env.SLS_SKIP_PG === "1") {
    console.warn("!! SLS_SKIP_PG=1: PostgreSQL integration suites are SKIPPED");
    return ["sqlite"];
  }
  return ["sqlite", "postgresql"];
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty database of its own: a SQLite file in a new temporary folder, or a new PostgreSQL database. */
export async function freshDatabase(provider: ProviderName, label: string): Promise<FreshDatabase> {
  if (provider === "postgresql") {
    // Loaded here so that the browser tests, which only use SQLite, do not load Prisma.
    const { createFreshPostgresDatabase } = await import("@sls/db");
    return createFreshPostgresDatabase(TEST_POSTGRES_URL, `sls_${label}`);
  }
  return freshSqlite(label);
}

export function freshSqlite(label: string): FreshDatabase {
  const dir = temporaryFolder(label);
  return { url: `file:${path.join(dir, "sls.db")}`, drop: async () => removeTemporaryFolder(dir) };
}
