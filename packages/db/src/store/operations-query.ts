import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { providerOfClient, type Db } from "../client.ts";
import { migrationsDir } from "../migrate.ts";

export interface InUseTotalsRow {
  /** Sessions the appliances report in use, their own local sessions included. */
  inUse: number;
  /** Sessions in use beyond each appliance's local limit, i.e. drawn from the shared pool (at most its grant). */
  inUseFromPool: number;
  participants: number;
}

/**
 * Queries for operations (/metrics, /api/ready, the overview). Fleet-wide sums for scrape-time gauges and the overview: one aggregate over the participants,
 * no lock, no index needed (a sequential read of a few columns; about 10 ms per 100,000 rows).
 */
export class OperationsQueries {
  /** The migrations shipped with this build: the folder is read once per process, not per probe. */
  private shipped: string[] | null = null;

  constructor(private readonly db: Db) {}

  async inUseTotals(): Promise<InUseTotalsRow> {
    const rows = await this.db.$queryRawUnsafe<Array<{ inUse: unknown; fromPool: unknown; participants: unknown }>>(
      `SELECT COALESCE(SUM("inUse"), 0) AS "inUse",
              COALESCE(SUM(CASE WHEN "inUse" <= "localLimit" THEN 0
                                WHEN "inUse" - "localLimit" > "granted" THEN "granted"
                                ELSE "inUse" - "localLimit" END), 0) AS "fromPool",
              COUNT(*) AS "participants"
         FROM "Participant"`,
    );
    const row = rows[0];
    return {
      inUse: Number(row?.inUse ?? 0),
      inUseFromPool: Number(row?.fromPool ?? 0),
      participants: Number(row?.participants ?? 0),
    };
  }

  /** Migrations shipped with this build that the database has not recorded as applied. */
  async missingMigrations(): Promise<string[]> {
    this.shipped ??= shippedMigrations(migrationsDir(providerOfClient(this.db)));
    const shipped = this.shipped;
    const rows = await this.db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return shipped.filter((name) => !applied.has(name)).sort();
  }
}

function shippedMigrations(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
        .map((d) => d.name)
    : [];
}
