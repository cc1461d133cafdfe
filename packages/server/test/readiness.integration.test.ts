import { unfinishLastMigration } from "@sls/db/testing";
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
    const { store } = server.running.services;
    await store.backup.recordBackupReport({ at: new Date(), active: true, remainingMs: 0 });
    const pending = await ready(server.baseUrl);
    expect(pending.status).toBe(503);
    expect(pending.body.ready).toBe(false);
    expect(pending.body.checks.handback).toMatchObject({
      ok: false,
      detail: expect.stringContaining("hand-back pending"),
    });
    await store.backup.recordBackupReport({ at: new Date(), active: false, remainingMs: 0 });

    const { name: last, restore } = await unfinishLastMigration(store);
    try {
      const missing = await ready(server.baseUrl);
      expect(missing.status).toBe(503);
      expect(missing.body.checks.migrations).toMatchObject({ ok: false, detail: `not applied: ${last}` });
      expect(missing.body.checks.database?.ok).toBe(true);
    } finally {
      await restore();
    }
    expect((await ready(server.baseUrl)).status).toBe(200);
  });
});
