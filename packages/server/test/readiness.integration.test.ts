import { hideServerTable, unfinishLastMigration } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  providers,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";

interface ReadyAnswer {
  status: number;
  text: string;
  body: { ready: boolean; checks: Record<string, { ok: boolean; detail: string }> };
}

async function ready(baseUrl: string): Promise<ReadyAnswer> {
  const response = await fetch(`${baseUrl}/api/ready`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as ReadyAnswer["body"] };
}

/** Waits out the one-second cache until /api/ready answers `status`. */
function readyWith(baseUrl: string, status: number): Promise<ReadyAnswer> {
  return waitFor(async () => ((await ready(baseUrl)).status === status ? ready(baseUrl) : null), {
    what: `/api/ready to answer ${status}`,
  });
}

/** How many times this server evaluated its readiness checks, from its own /metrics (null: not exposed). */
async function evaluations(baseUrl: string): Promise<number | null> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const sample = /^sls_readiness_checks_total (\d+)$/m.exec(text)?.[1];
  return sample === undefined ? null : Number(sample);
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
    const pending = await readyWith(server.baseUrl, 503);
    expect(pending.body.ready).toBe(false);
    expect(pending.body.checks.handback).toMatchObject({
      ok: false,
      detail: expect.stringContaining("hand-back pending"),
    });
    await store.backup.recordBackupReport({ at: new Date(), active: false, remainingMs: 0 });
    await readyWith(server.baseUrl, 200);

    const { name: last, restore } = await unfinishLastMigration(store);
    try {
      const missing = await readyWith(server.baseUrl, 503);
      expect(missing.body.checks.migrations).toMatchObject({ ok: false, detail: `not applied: ${last}` });
      expect(missing.body.checks.database?.ok).toBe(true);
    } finally {
      await restore();
    }
    await readyWith(server.baseUrl, 200);
  });

  it("answers 200 probes at once with one evaluation, cached about a second", async () => {
    const before = await evaluations(server.baseUrl);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 200 }, () => ready(server.baseUrl)));
    const seconds = (performance.now() - started) / 1000;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const after = await evaluations(server.baseUrl);
    expect(before).not.toBeNull();
    expect(after).toBeGreaterThanOrEqual(1);
    // One per second started at most (plus the one a second's edge may split), however many probes;
    // none when the answer cached by the test before is still fresh.
    expect(after! - before!, `over ${seconds.toFixed(2)} s`).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });

  it("says the database failed without echoing its error", async () => {
    const hidden = await hideServerTable(server.running.services.store);
    try {
      const down = await readyWith(server.baseUrl, 503);
      expect(down.body.checks.database).toEqual({ ok: false, detail: "failed; the error is in the server log" });
      expect(down.text).not.toMatch(/Server_|does not exist|prisma|relation|table/i);
    } finally {
      await hidden.restore();
    }
    await readyWith(server.baseUrl, 200);
  });
});
