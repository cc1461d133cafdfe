import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  settle,
} from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";

describe.each(providers())("appliance calls over HTTP on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "happy");
    server = await startTestServer(db.url);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("registers and answers the refresh interval, with no grant and no backup", async () => {
    const result = await settle(
      server.api().appliance.register.mutate({
        secret: "integration-secret-1",
        serial: "FTX1000A",
        hostname: "vpn-a.example.net",
        model: "ASA5585-X",
        platformLimit: 1000,
        localLimit: 100,
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toEqual({
      token: expect.stringMatching(/^slt_/),
      role: "participant",
      refreshIntervalSec: 30,
      granted: 0,
      pending: 0,
      backup: null,
    });
  });

  it("grants in 50-session increments up to the pool, the rest pending, then serves pending on release", async () => {
    const a = await registerOk(server, "FTX2000A", { platformLimit: 1000, localLimit: 100 });
    const b = await registerOk(server, "FTX2000B", { platformLimit: 1000, localLimit: 100 });

    expect(await settle(server.api(a).appliance.request.mutate({ sessions: 300, requestId: "a1" }))).toMatchObject({
      ok: true,
      data: { granted: 300, added: 300, pending: 0, refreshIntervalSec: 30 },
    });
    // 200 left in the pool of 500: B asks 350, gets 200 now and 150 pending.
    expect(await settle(server.api(b).appliance.request.mutate({ sessions: 350, requestId: "b1" }))).toMatchObject({
      ok: true,
      data: { granted: 200, added: 200, pending: 150 },
    });
    // A releases 100: B's pending is served first-come-first-served without B calling.
    expect(await settle(server.api(a).appliance.release.mutate({ sessions: 100 }))).toMatchObject({
      ok: true,
      data: { granted: 200, pending: 0 },
    });
    expect(await settle(server.api(b).appliance.refresh.mutate({ inUse: 250 }))).toMatchObject({
      ok: true,
      data: { granted: 300, pending: 50, refreshIntervalSec: 30, backup: null },
    });
    await expectLedgerBalanced(server.running.services.store);
    // Release everything so later tests start from a full pool.
    await server.api(a).appliance.release.mutate({ sessions: 200 });
    await server.api(b).appliance.release.mutate({ sessions: 350 });
  });

  it("clips the ask to the platform headroom", async () => {
    const token = await registerOk(server, "FTX3000A", { platformLimit: 220, localLimit: 100 });
    expect(await settle(server.api(token).appliance.request.mutate({ sessions: 200, requestId: "c1" }))).toMatchObject({
      ok: true,
      data: { granted: 120, added: 120, pending: 0 },
    });
    await server.api(token).appliance.release.mutate({ sessions: 120 });
  });

  it("answers a retried requestId with the first answer and grants nothing twice", async () => {
    const token = await registerOk(server, "FTX4000A");
    const first = await settle(server.api(token).appliance.request.mutate({ sessions: 100, requestId: "same-id" }));
    const again = await settle(server.api(token).appliance.request.mutate({ sessions: 100, requestId: "same-id" }));
    expect(again).toEqual(first);
    expect(await settle(server.api(token).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
      ok: true,
      data: { granted: 100 },
    });
    await server.api(token).appliance.release.mutate({ sessions: 100 });
  });

  it("re-registering keeps the live grant and retires the old token", async () => {
    const oldToken = await registerOk(server, "FTX5000A");
    await server.api(oldToken).appliance.request.mutate({ sessions: 50, requestId: "r" });
    const again = await settle(
      server.api().appliance.register.mutate({
        secret: "integration-secret-1",
        serial: "FTX5000A",
        hostname: "renamed.example.net",
        model: "ASA5585-X",
        platformLimit: 1000,
        localLimit: 100,
      }),
    );
    expect(again).toMatchObject({ ok: true, data: { granted: 50 } });
    const stale = await settle(server.api(oldToken).appliance.refresh.mutate({ inUse: 0 }));
    expect(stale).toMatchObject({
      ok: false,
      status: 401,
      error: { data: { code: "UNAUTHORIZED", reason: "BAD_TOKEN" } },
    });
    if (again.ok) await settle(server.api(again.data.token).appliance.release.mutate({ sessions: 50 }));
  });

  it("transfers a failover peer's sessions to the newly active unit", async () => {
    const primary = await registerOk(server, "FTX6000P", { haPeerSerial: "FTX6000S" });
    const standby = await registerOk(server, "FTX6000S", { haPeerSerial: "FTX6000P" });
    await server.api(primary).appliance.request.mutate({ sessions: 150, requestId: "p1" });
    expect(await settle(server.api(standby).appliance.transfer.mutate({ fromSerial: "FTX6000P" }))).toMatchObject({
      ok: true,
      data: { granted: 150, pending: 0 },
    });
    expect(await settle(server.api(primary).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 0 },
    });
    await server.api(standby).appliance.release.mutate({ sessions: 150 });
    await expectLedgerBalanced(server.running.services.store);
  });

  it("reclaims a silent participant after 3 refresh intervals and serves the oldest pending demand", async () => {
    const silent = await registerOk(server, "FTX7000A", { platformLimit: 1000, localLimit: 0 });
    const waiting = await registerOk(server, "FTX7000B", { platformLimit: 1000, localLimit: 0 });
    await server.api(silent).appliance.request.mutate({ sessions: 500, requestId: "s1" });
    expect(
      await settle(server.api(waiting).appliance.request.mutate({ sessions: 100, requestId: "w1" })),
    ).toMatchObject({
      ok: true,
      data: { added: 0, pending: 100 },
    });
    server.clock.advance(60);
    await server.api(waiting).appliance.refresh.mutate({ inUse: 0 });
    server.clock.advance(31);
    // 91 s of silence > 3 × 30 s: the sweep takes the grant back and B's pending is served.
    const { sweepSilentParticipants } = await import("../src/services/sweeper.ts");
    expect(await sweepSilentParticipants(server.running.services)).toBe(1);
    expect(await settle(server.api(waiting).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
      ok: true,
      data: { granted: 100, pending: 0 },
    });
    // The silent one comes back with nothing and must request again.
    expect(await settle(server.api(silent).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 0 },
    });
    await expectLedgerBalanced(server.running.services.store);
  });

  it("reclaims on the participant's next call even before the sweep runs", async () => {
    const token = await registerOk(server, "FTX8000A", { platformLimit: 1000, localLimit: 0 });
    await server.api(token).appliance.request.mutate({ sessions: 50, requestId: "x" });
    server.clock.advance(91);
    expect(await settle(server.api(token).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
      ok: true,
      data: { granted: 0 },
    });
    await expectLedgerBalanced(server.running.services.store);
  });

  it("keeps every invariant over the whole database", async () => {
    await expectLedgerBalanced(server.running.services.store);
  });
});
