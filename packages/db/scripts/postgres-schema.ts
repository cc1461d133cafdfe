// prisma/postgres/schema.prisma is derived from prisma/schema.prisma: same models, provider and
// generator output swapped. One generated client serves one provider, hence two schemas.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const schemas = {
  sqlite: path.join(root, "prisma/schema.prisma"),
  postgresql: path.join(root, "prisma/postgres/schema.prisma"),
} as const;

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const count = text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
  if (count !== 1) throw new Error(`${schemas.sqlite}: expected one match of ${pattern}, found ${count}`);
  return text.replace(pattern, replacement);
}

export function derivePostgresSchema(sqliteSchema: string): string {
  let text = replaceOnce(sqliteSchema, /provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
  text = replaceOnce(
    text,
    /output\s*=\s*"\.\.\/packages\/db\/src\/generated\/sqlite"/,
    'output   = "../../packages/db/src/generated/postgres"',
  );
  // A field marked `// postgresql: BigInt` is Int on SQLite (whose INTEGER is 64-bit) and BIGINT here.
  text = text.replace(
    /^(\s*\w+\s+)Int(\s.*?)\s*\/\/ postgresql: BigInt$/gm,
    (_, head: string, rest: string) => `${head}BigInt${rest}`,
  );
  return `// GENERATED from prisma/schema.prisma by packages/db/scripts/generate.ts. Do not edit.\n\n${text}`;
}

/** Writes prisma/postgres/schema.prisma from prisma/schema.prisma; returns both contents. */
export function writePostgresSchema(): { sqlite: string; postgresql: string } {
  const sqlite = readFileSync(schemas.sqlite, "utf8");
  const postgresql = derivePostgresSchema(sqlite);
  mkdirSync(path.dirname(schemas.postgresql), { recursive: true });
  writeFileSync(schemas.postgresql, postgresql);
  return { sqlite, postgresql };
}
