import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  reasonOf,
  settle,
} from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import type { RouterInputs } from "../src/root.ts";

type TAuditType = NonNullable<NonNullable<RouterInputs["admin"]["audit"]["list"]["filter"]>["types"]>[number];

describe.each(providers())("admin console on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "admin_happy");
    server = await startTestServer(db.url);
    admin = await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const adminAudit = async (type: TAuditType) =>
    (await admin.trpc.admin.audit.list.query({ filter: { types: [type] } })).rows;

  it("refuses to shrink the pool below what is granted, with the figure, and serves pending demand when it grows", async () => {
    const a = await registerOk(server, "POOLA");
    const b = await registerOk(server, "POOLB");
    await server.api(a).appliance.request.mutate({ sessions: 400, requestId: "a" });
    expect(await settle(server.api(b).appliance.request.mutate({ sessions: 200, requestId: "b" }))).toMatchObject({
      data: { granted: 100, pending: 100 },
    });

    const refused = await settle(admin.trpc.admin.settings.setPoolSize.mutate({ poolSize: 450 }));
    expect(refused).toMatchObject({ ok: false, status: 400, error: { data: { reason: "POOL_BELOW_GRANTED" } } });
    if (!refused.ok) expect(refused.error.message).toContain("below the 500 sessions granted now; choose at least 500");

    expect(await admin.trpc.admin.settings.setPoolSize.mutate({ poolSize: 650 })).toEqual({ served: 100 });
    expect(await settle(server.api(b).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
      data: { granted: 200, pending: 0 },
    });
    const [resized] = await adminAudit("admin.pool-size");
    expect(resized).toMatchObject({ actor: "admin:root" });
    expect(JSON.parse(resized!.detail!)).toEqual({ from: 500, to: 650, served: 100 });
    const [served] = await adminAudit("grant-pending");
    expect(served).toMatchObject({ actor: "admin:root", serial: "POOLB", grantedDelta: 100 });
    await expectLedgerBalanced(server.running.services.store);
  });

  it("force release and remove go through the allocator, are audited with the administrator, and keep the ledger", async () => {
    const result = await admin.trpc.admin.participants.forceRelease.mutate({ serial: "POOLA" });
    expect(result).toEqual({ freed: 400, withdrawn: 0 });
    expect(await adminAudit("force-release")).toMatchObject([
      { actor: "admin:root", serial: "POOLA", grantedDelta: -400 },
    ]);
    expect(await adminAudit("admin.force-release")).toMatchObject([{ actor: "admin:root", serial: "POOLA" }]);

    expect(await admin.trpc.admin.participants.remove.mutate({ serial: "POOLB" })).toEqual({
      freed: 200,
      withdrawn: 0,
    });
    expect(await settle(admin.trpc.admin.participants.get.query({ serial: "POOLB" }))).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await settle(admin.trpc.admin.participants.remove.mutate({ serial: "POOLB" }))).toMatchObject({
      ok: false,
      status: 404,
    });
    await expectLedgerBalanced(server.running.services.store);
    const overview = await admin.trpc.admin.overview.get.query();
    expect(overview.pool).toMatchObject({ granted: 0, available: 650 });
  });

  it("approves a participant waiting for approval, which can then register", async () => {
    await admin.trpc.admin.settings.setOperation.mutate({
      enabled: true,
      approvalRequired: true,
      alertThresholdPct: 85,
    });
    const waiting = await settle(
      server.api().appliance.register.mutate({
        secret: "integration-secret-1",
        serial: "NEWBIE",
        hostname: "n",
        model: "m",
        platformLimit: 100,
        localLimit: 0,
      }),
    );
    expect(waiting).toMatchObject({ ok: false, error: { data: { reason: "AWAITING_APPROVAL" } } });
    const list = await admin.trpc.admin.participants.list.query({ state: "awaiting-approval" });
    expect(list.rows.map((r) => r.serial)).toEqual(["NEWBIE"]);
    await admin.trpc.admin.participants.approve.mutate({ serial: "NEWBIE" });
    expect(await registerOk(server, "NEWBIE", { localLimit: 0, platformLimit: 100 })).toMatch(/^slt_/);
    await admin.trpc.admin.settings.setOperation.mutate({
      enabled: true,
      approvalRequired: false,
      alertThresholdPct: 90,
    });
  });

  it("validates every setting on the server, naming the field", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["admin.settings.setSecret", { secret: "abc" }, "secret"],
      ["admin.settings.setSecret", { secret: "x".repeat(129) }, "secret"],
      ["admin.settings.setSecret", { secret: "with space" }, "secret"],
      ["admin.settings.setRefreshInterval", { refreshIntervalSec: 9 }, "refreshIntervalSec"],
      ["admin.settings.setRefreshInterval", { refreshIntervalSec: 301 }, "refreshIntervalSec"],
      ["admin.settings.setRefreshInterval", { refreshIntervalSec: 30.5 }, "refreshIntervalSec"],
      ["admin.settings.setPoolSize", { poolSize: 1_000_001 }, "poolSize"],
      ["admin.settings.setPoolSize", { poolSize: -1 }, "poolSize"],
      [
        "admin.settings.setBackup",
        { backup: { address: "host/with/path", serial: "BK1", peerSerial: null } },
        "backup.address",
      ],
      [
        "admin.settings.setBackup",
        { backup: { address: "host:3000", serial: "bad serial!", peerSerial: null } },
        "backup.serial",
      ],
      [
        "admin.settings.setBackup",
        { backup: { address: "host:3000", serial: "BK1", peerSerial: "BK1" } },
        "backup.peerSerial",
      ],
      [
        "admin.settings.setOperation",
        { enabled: true, approvalRequired: false, alertThresholdPct: 0 },
        "alertThresholdPct",
      ],
      [
        "admin.settings.setOperation",
        { enabled: true, approvalRequired: false, alertThresholdPct: 101 },
        "alertThresholdPct",
      ],
    ];
    for (const [path, input, field] of cases) {
      const result = await settle(admin.byPath.mutation(path, input));
      expect(result, `${path} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        status: 400,
        error: { data: { reason: "INVALID_INPUT" } },
      });
      if (!result.ok)
        expect(
          (result.error.data as unknown as { issues: Array<{ path: string }> }).issues.map((i) => i.path),
        ).toContain(field);
    }
  });

  it("applies valid settings, never shows the secret, and audits each change with the administrator", async () => {
    await admin.trpc.admin.settings.setSecret.mutate({ secret: "rotated-secret-0001" });
    await admin.trpc.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 60 });
    await admin.trpc.admin.settings.setBackup.mutate({
      backup: { address: "https://backup.example.net:8443", serial: "BK1", peerSerial: "BK2" },
    });
    const settings = await admin.trpc.admin.settings.get.query();
    expect(settings).toMatchObject({
      secretSet: true,
      refreshIntervalSec: 60,
      backup: { address: "https://backup.example.net:8443", serial: "BK1", peerSerial: "BK2" },
    });
    expect(JSON.stringify(settings)).not.toContain("rotated-secret-0001");
    expect(JSON.stringify(settings)).not.toContain("scrypt");
    const [secretEvent] = await adminAudit("admin.secret");
    expect(secretEvent).toMatchObject({ actor: "admin:root" });
    expect(secretEvent!.detail).not.toContain("rotated-secret-0001");
    const old = await settle(
      server.api().appliance.register.mutate({
        secret: "integration-secret-1",
        serial: "LATE",
        hostname: "h",
        model: "m",
        platformLimit: 100,
        localLimit: 0,
      }),
    );
    expect(old).toMatchObject({ ok: false, error: { data: { reason: "BAD_SECRET" } } });
    expect(
      await settle(
        server.api().appliance.register.mutate({
          secret: "rotated-secret-0001",
          serial: "LATE",
          hostname: "h",
          model: "m",
          platformLimit: 100,
          localLimit: 0,
        }),
      ),
    ).toMatchObject({
      ok: true,
      data: { refreshIntervalSec: 60, backup: { address: "https://backup.example.net:8443" } },
    });
    await admin.trpc.admin.settings.setBackup.mutate({ backup: null });
    await admin.trpc.admin.settings.setSecret.mutate({ secret: "integration-secret-1" });
  });

  it("keeps at least one administrator, refuses duplicate names and self-removal, and signs out on password reset", async () => {
    const me = (await admin.trpc.auth.state.query()).account!;
    expect(await settle(admin.trpc.admin.accounts.setRole.mutate({ id: me.id, role: "viewer" }))).toMatchObject({
      ok: false,
      status: 409,
      error: { data: { reason: "LAST_ADMIN" } },
    });
    expect(await settle(admin.trpc.admin.accounts.remove.mutate({ id: me.id }))).toMatchObject({
      ok: false,
      error: { data: { reason: "OWN_ACCOUNT" } },
    });
    expect(
      await settle(
        admin.trpc.admin.accounts.create.mutate({ name: "Root", password: "another password 1", role: "viewer" }),
      ),
    ).toMatchObject({
      ok: false,
      status: 409,
      error: { data: { reason: "NAME_TAKEN" } },
    });

    const second = await admin.trpc.admin.accounts.create.mutate({
      name: "Second.Admin",
      password: "second admin password",
      role: "admin",
    });
    expect(second.name).toBe("second.admin");
    const other = ConsoleClient.for(server);
    await other.trpc.auth.login.mutate({ name: "second.admin", password: "second admin password" });
    // With two administrators, one may demote the other; then the last one is protected again.
    await other.trpc.admin.accounts.setRole.mutate({ id: me.id, role: "viewer" });
    expect(await settle(admin.trpc.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 30 }))).toMatchObject(
      {
        ok: false,
        status: 403,
      },
    );
    expect(await settle(other.trpc.admin.accounts.setRole.mutate({ id: second.id, role: "viewer" }))).toMatchObject({
      ok: false,
      error: { data: { reason: "LAST_ADMIN" } },
    });
    await other.trpc.admin.accounts.setRole.mutate({ id: me.id, role: "admin" });

    await admin.trpc.admin.accounts.resetPassword.mutate({ id: second.id, password: "reset password 123" });
    expect(await settle(other.trpc.admin.overview.get.query())).toMatchObject({ ok: false, status: 401 });
    await other.trpc.auth.login.mutate({ name: "second.admin", password: "reset password 123" });
    await admin.trpc.admin.accounts.remove.mutate({ id: second.id });
    expect(await settle(other.trpc.admin.overview.get.query())).toMatchObject({ ok: false, status: 401 });
    const names = (await admin.trpc.admin.accounts.list.query()).accounts.map((a) => a.name);
    expect(names).toEqual(["root"]);
    expect((await adminAudit("admin.account-remove"))[0]).toMatchObject({ actor: "admin:root" });
  });

  it("pages, sorts, filters and searches participants on the server", async () => {
    for (let i = 0; i < 30; i++)
      await registerOk(server, `FLEET${String(i).padStart(2, "0")}`, {
        hostname: i % 2 ? `Odd-${i}.example.net` : `even-${i}.example.net`,
      });
    const first = await admin.trpc.admin.participants.list.query({
      page: 1,
      pageSize: 10,
      sort: "serial",
    });
    const second = await admin.trpc.admin.participants.list.query({
      page: 2,
      pageSize: 10,
      sort: "serial",
    });
    expect(first.total).toBe(second.total);
    expect(first.rows).toHaveLength(10);
    expect(first.rows.at(-1)!.serial < second.rows[0]!.serial).toBe(true);
    const odd = await admin.trpc.admin.participants.list.query({ search: "ODD-", pageSize: 50 });
    expect(odd.total).toBe(15);
    expect(odd.rows.every((r) => r.hostname.startsWith("Odd-"))).toBe(true);
    const asc = await admin.trpc.admin.participants.list.query({
      sort: "hostname",
      direction: "asc",
      pageSize: 200,
    });
    const desc = await admin.trpc.admin.participants.list.query({
      sort: "hostname",
      direction: "desc",
      pageSize: 200,
    });
    expect(desc.rows.map((r) => r.hostname)).toEqual(asc.rows.map((r) => r.hostname).reverse());
    server.clock.advance(3 * 60 + 1);
    const token = await registerOk(server, "FRESH01");
    expect(token).toMatch(/^slt_/);
    const active = await admin.trpc.admin.participants.list.query({ state: "active" });
    expect(active.rows.map((r) => r.serial)).toEqual(["FRESH01"]);
    const states = await admin.trpc.admin.overview.get.query();
    expect(states.participants).toMatchObject({ active: 1, awaitingApproval: 0 });
    expect(states.participants.expired).toBe(states.participants.total! - 1);
  });

  it("counts each appliance message once per server and once per participant", async () => {
    const { services } = server.running;
    await services.counters.flush(services.store, services.serverId);
    const before = await admin.trpc.admin.overview.get.query();
    const token = await registerOk(server, "COUNTME");
    await server.api(token).appliance.refresh.mutate({ inUse: 0 });
    expect(await reasonOf(server.api(token).appliance.request.mutate({ sessions: 70, requestId: "x" }))).toBe(
      "NOT_A_MULTIPLE_OF_50",
    );
    await services.counters.flush(services.store, services.serverId);
    const after = await admin.trpc.admin.overview.get.query();
    const delta = (type: string) => {
      const b = before.counters.find((c) => c.messageType === type)!;
      const a = after.counters.find((c) => c.messageType === type)!;
      return [a.received - b.received, a.answered - b.answered, a.failed - b.failed];
    };
    expect(delta("register")).toEqual([1, 1, 0]);
    expect(delta("refresh")).toEqual([1, 1, 0]);
    expect(delta("request")).toEqual([1, 0, 1]);
    const detail = await admin.trpc.admin.participants.get.query({ serial: "COUNTME" });
    expect(detail.counters.map((c) => [c.messageType, c.received])).toEqual([
      ["refresh", 1],
      ["register", 1],
      ["request", 1],
    ]);
  });

  it("filters the audit history and exports it as CSV, quoting what needs quoting", async () => {
    const token = await registerOk(server, "CSV01", { hostname: '=cmd|"evil",x' });
    await server.api(token).appliance.request.mutate({ sessions: 50, requestId: "csv" });
    const filtered = await admin.trpc.admin.audit.list.query({ filter: { serial: "CSV01" } });
    expect(filtered.rows.map((r) => r.type)).toEqual(["request", "register"]);
    const actorFiltered = await admin.trpc.admin.audit.list.query({
      filter: { actor: "admin:" },
      pageSize: 200,
    });
    expect(actorFiltered.rows.every((r) => r.actor.startsWith("admin:"))).toBe(true);
    const future = new Date(server.clock.ms + 3600_000).toISOString();
    expect((await admin.trpc.admin.audit.list.query({ filter: { from: future } })).total).toBe(0);
    expect(
      await settle(admin.trpc.admin.audit.list.query({ filter: { from: future, to: new Date(0).toISOString() } })),
    ).toMatchObject({ ok: false, status: 400 });

    const { csv, rows, truncated } = await admin.trpc.admin.audit.export.query({ filter: { serial: "CSV01" } });
    expect({ rows, truncated }).toEqual({ rows: 2, truncated: false });
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,at,type,actor,serial,grantedDelta,pendingDelta,grantedAfter,pendingAfter,detail");
    expect(lines[1]).toContain(',register,appliance:CSV01,CSV01,0,0,,,"{""hostname"":""=cmd|\\""evil\\"",x""');
    expect(lines[2]).toMatch(/,request,appliance:CSV01,CSV01,50,0,50,0,$/);
  });

  it("samples usage and serves the history with the current figures last", async () => {
    await server.running.services.store.usage.record({
      at: new Date(server.clock.ms - 30 * 60_000),
      poolSize: 650,
      granted: 10,
      pending: 0,
      inUse: 5,
      participants: 3,
    });
    const { points } = await admin.trpc.admin.overview.usage.query({ range: "hour" });
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points[0]).toMatchObject({ granted: 10 });
    expect(points.at(-1)).toMatchObject({ at: new Date(server.clock.ms).toISOString(), granted: 50, poolSize: 650 });
  });

  it("still signs in after all that", async () => {
    await ConsoleClient.for(server).trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
  });
});
