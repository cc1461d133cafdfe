import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// The native schema engine cannot be downloaded here; `prisma generate` needs none but checks that
// the path exists. Migrations go through scripts/migrate-create.ts and src/migrate.ts instead.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);

export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
  // env("DATABASE_URL") would throw during `generate` when the variable is unset.
  datasource: { url: process.env.DATABASE_URL ?? "file:../../data/sls.db" },
});
