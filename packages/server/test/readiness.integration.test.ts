import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, providers, startTestServer, type FreshDatabase, type TestServer } from "./harness.ts";

async function ready(
  baseUrl: string,
): Promise<{ status: number; body: { ready: boolean; checks: Record<string, { ok: boolean; detail: string }> } }> {
  const response = await fetch(`${baseUrl}/api/ready`);
  return { status: response.status, body: (await response.json()) as never };
}

describe.each(providers())("GET /api/health and /api/ready on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "ready");
    server = await startTestServer(db.url);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("is live and ready once migrated and seeded", async () => {
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    const answer = await ready(server.baseUrl);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ready: true,
      checks: {
        database: { ok: true },
        migrations: { ok: true },
        role: { ok: true, detail: "main" },
        handback: { ok: true },
      },
    });
  });

  it("answers 503 naming what is not ready: a hand-back pending, then a migration missing", async () => {
    const { db: prisma } = server.running.services.store;
    await prisma.server.update({ where: { id: 1 }, data: { backupActive: true } });
    const pending = await ready(server.baseUrl);
    expect(pending.status).toBe(503);
    expect(pending.body.ready).toBe(false);
    expect(pending.body.checks.handback).toMatchObject({
      ok: false,
      detail: expect.stringContaining("hand-back pending"),
    });
    await prisma.server.update({ where: { id: 1 }, data: { backupActive: false } });

    const rows = await prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
      `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
    );
    const last = rows[0]!.migration_name;
    await prisma.$executeRawUnsafe(
      `UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = '${last}'`,
    );
    try {
      const missing = await ready(server.baseUrl);
      expect(missing.status).toBe(503);
      expect(missing.body.checks.migrations).toMatchObject({ ok: false, detail: `not applied: ${last}` });
      expect(missing.body.checks.database?.ok).toBe(true);
    } finally {
      await prisma.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET finished_at = started_at WHERE migration_name = '${last}'`,
      );
    }
    expect((await ready(server.baseUrl)).status).toBe(200);
  });
});
