// Derives prisma/postgres/schema.prisma, then runs `prisma generate` for both schemas, producing
// src/generated/sqlite and src/generated/postgres.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { root, schemas, writePostgresSchema } from "./postgres-schema.ts";

writePostgresSchema();
console.log(`wrote ${path.relative(root, schemas.postgresql)}`);

// Generation needs no engine, but the CLI insists on finding one: any existing file will do.
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? schemas.sqlite,
  CHECKPOINT_DISABLE: "1", // no update check: the network may be closed
};
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const pkgDir = path.join(root, "packages/db");
for (const config of ["prisma.config.ts", "prisma.postgres.config.ts"]) {
  execFileSync(process.execPath, [prismaCli, "generate", "--config", config], { cwd: pkgDir, env, stdio: "inherit" });
}
