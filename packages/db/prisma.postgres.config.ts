import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Same as prisma.config.ts, for the PostgreSQL schema derived by scripts/generate.ts.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);

export default defineConfig({
  schema: "../../prisma/postgres/schema.prisma",
  migrations: { path: "../../prisma/postgres/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
