import { auditEvents } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleCapacity } from "../src/services/capacity/report.ts";
import { pruneHistory } from "../src/services/capacity/retention.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { ADMIN_PASSWORD, setUpAdmin, type ConsoleClient } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  settle,
} from "./kit/test-server.ts";

describe.each(providers())("capacity history and report on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "capacity");
    server = await startTestServer(db.url);
    admin = await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("folds minute samples into hour and day figures: peaks, unmet session-minutes, dry spells, the pool size needed", async () => {
    const { services } = server.running;
    const big = await registerOk(server, "CAP00001", { localLimit: 100 });
    expect(await settle(server.caller(big).appliance.request({ sessions: 300, requestId: "1" }))).toMatchObject({
      ok: true,
    });
    expect(await settle(server.caller(big).appliance.refresh({ inUse: 350 }))).toMatchObject({ ok: true });
    // Refreshes are written behind (services/leases): write them now, as the next flush would.
    await services.leases.writeThrough();
    expect(await sampleCapacity(services)).toBe(true);
    // The same minute again (another process, or a retry) is not counted twice.
    expect(await sampleCapacity(services)).toBe(false);

    server.clock.advance(60);
    const small = await registerOk(server, "CAP00002", { localLimit: 50 });
    expect(await settle(server.caller(small).appliance.request({ sessions: 250, requestId: "2" }))).toMatchObject({
      ok: true,
      data: { granted: 200, pending: 50 },
    });
    await server.caller(small).appliance.refresh({ inUse: 120 });
    await server.caller(big).appliance.refresh({ inUse: 350 });
    await services.leases.writeThrough();
    expect(await sampleCapacity(services)).toBe(true);
    server.clock.advance(60);
    await server.caller(small).appliance.refresh({ inUse: 120 });
    await server.caller(big).appliance.refresh({ inUse: 350 });
    await services.leases.writeThrough();
    expect(await sampleCapacity(services)).toBe(true);

    const report = await admin.trpc.admin.capacity.report.query({ days: 7 });
    expect(report.total).toEqual({
      minutesSampled: 3,
      poolSize: 500,
      peakGranted: 500,
      peakInUse: 470,
      peakInUseFromPool: 250 + 70,
      unmetSessionMinutes: 2 * 50,
      // Full from the second minute on: one dry spell, however long.
      dryEvents: 1,
      poolSizeNeeded: 550,
    });
    expect(report.daily).toHaveLength(1);
    expect(report.participants).toEqual([
      {
        serial: "CAP00001",
        peakGranted: 300,
        peakInUse: 350,
        peakInUseFromPool: 250,
        unmetSessionMinutes: 0,
        poolSizeNeeded: 300,
      },
      {
        serial: "CAP00002",
        peakGranted: 200,
        peakInUse: 120,
        peakInUseFromPool: 70,
        unmetSessionMinutes: 100,
        poolSizeNeeded: 250,
      },
    ]);

    const csv = await admin.trpc.admin.capacity.export.query({ days: 7 });
    expect(csv.filename).toMatch(/^sls-capacity-7d-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.csv.split("\r\n")).toEqual([
      "serial,peak granted,peak in use,peak in use from pool,unmet session-minutes,times the pool ran dry,pool size needed",
      "CAP00001,300,350,250,0,,300",
      "CAP00002,200,120,70,100,,250",
      "TOTAL,500,470,320,100,1,550",
      "",
    ]);
  });

  it("shows in use from the pool beside the total on the overview and in its usage chart", async () => {
    const overview = await admin.trpc.admin.overview.get.query();
    // 350 in use against a local limit of 100, and 120 against 50: 250 + 70 drawn from the pool.
    expect(overview.pool).toMatchObject({ inUse: 470, inUseFromPool: 320 });
    const usage = await admin.trpc.admin.overview.usage.query({ range: "hour" });
    expect(usage.points.at(-1)).toMatchObject({ inUse: 470, inUseFromPool: 320 });
    // The sampled minutes carry their capacity figure; the first sample (before the second unit) had 250.
    expect(usage.points.filter((p) => p.inUseFromPool !== null).map((p) => p.inUseFromPool)).toContain(250);
  });

  it("refuses a period other than 7, 30 or 90 days", async () => {
    const bad = await settle(admin.trpc.admin.capacity.report.query({ days: 8 as never }));
    expect(bad).toMatchObject({ ok: false, status: 400, error: { data: { reason: "INVALID_INPUT" } } });
  });

  it("prunes history past the retention period in batches, keeping the ledger balanced", async () => {
    const { services } = server.running;
    await expectLedgerBalanced(services.store);
    server.clock.advance(401 * 86_400);
    const { capacityRows, auditRows } = await pruneHistory(services, 400);
    expect(capacityRows).toBeGreaterThan(0);
    expect(auditRows).toBeGreaterThan(0);
    await expectLedgerBalanced(services.store);
    await admin.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    const report = await admin.trpc.admin.capacity.report.query({ days: 90 });
    expect(report.daily).toEqual([]);
    const old = await auditEvents(services.store, { before: new Date(server.clock.now() - 400 * 86_400_000) });
    expect(old.filter((row) => row.type !== "history-pruned")).toEqual([]);
  });
});
