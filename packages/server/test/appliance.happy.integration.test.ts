import { checkInvariants } from "@sls/allocator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
} from "./harness.ts";
import { expectLedgerBalanced } from "./ledger.ts";

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
    const result = await server.call("register", {
      secret: "integration-secret-1",
      serial: "FTX1000A",
      hostname: "vpn-a.example.net",
      model: "ASA5585-X",
      platformLimit: 1000,
      localLimit: 100,
    });
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

    expect(await server.call("request", { sessions: 300, requestId: "a1" }, a)).toMatchObject({
      ok: true,
      data: { granted: 300, added: 300, pending: 0, refreshIntervalSec: 30 },
    });
    // 200 left in the pool of 500: B asks 350, gets 200 now and 150 pending.
    expect(await server.call("request", { sessions: 350, requestId: "b1" }, b)).toMatchObject({
      ok: true,
      data: { granted: 200, added: 200, pending: 150 },
    });
    // A releases 100: B's pending is served first-come-first-served without B calling.
    expect(await server.call("release", { sessions: 100 }, a)).toMatchObject({
      ok: true,
      data: { granted: 200, pending: 0 },
    });
    expect(await server.call("refresh", { inUse: 250 }, b)).toMatchObject({
      ok: true,
      data: { granted: 300, pending: 50, refreshIntervalSec: 30, backup: null },
    });
    await expectLedgerBalanced(server);
    // Release everything so later tests start from a full pool.
    await server.call("release", { sessions: 200 }, a);
    await server.call("release", { sessions: 350 }, b);
  });

  it("clips the ask to the platform headroom", async () => {
    const token = await registerOk(server, "FTX3000A", { platformLimit: 220, localLimit: 100 });
    expect(await server.call("request", { sessions: 200, requestId: "c1" }, token)).toMatchObject({
      ok: true,
      data: { granted: 120, added: 120, pending: 0 },
    });
    await server.call("release", { sessions: 120 }, token);
  });

  it("answers a retried requestId with the first answer and grants nothing twice", async () => {
    const token = await registerOk(server, "FTX4000A");
    const first = await server.call("request", { sessions: 100, requestId: "same-id" }, token);
    const again = await server.call("request", { sessions: 100, requestId: "same-id" }, token);
    expect(again).toEqual(first);
    expect(await server.call("refresh", { inUse: 0 }, token)).toMatchObject({ ok: true, data: { granted: 100 } });
    await server.call("release", { sessions: 100 }, token);
  });

  it("re-registering keeps the live grant and retires the old token", async () => {
    const oldToken = await registerOk(server, "FTX5000A");
    await server.call("request", { sessions: 50, requestId: "r" }, oldToken);
    const again = await server.call<{ token: string; granted: number }>("register", {
      secret: "integration-secret-1",
      serial: "FTX5000A",
      hostname: "renamed.example.net",
      model: "ASA5585-X",
      platformLimit: 1000,
      localLimit: 100,
    });
    expect(again).toMatchObject({ ok: true, data: { granted: 50 } });
    const stale = await server.call("refresh", { inUse: 0 }, oldToken);
    expect(stale).toMatchObject({
      ok: false,
      status: 401,
      error: { data: { code: "UNAUTHORIZED", reason: "BAD_TOKEN" } },
    });
    if (again.ok) await server.call("release", { sessions: 50 }, again.data.token);
  });

  it("transfers a failover peer's sessions to the newly active unit", async () => {
    const primary = await registerOk(server, "FTX6000P", { haPeerSerial: "FTX6000S" });
    const standby = await registerOk(server, "FTX6000S", { haPeerSerial: "FTX6000P" });
    await server.call("request", { sessions: 150, requestId: "p1" }, primary);
    expect(await server.call("transfer", { fromSerial: "FTX6000P" }, standby)).toMatchObject({
      ok: true,
      data: { granted: 150, pending: 0 },
    });
    expect(await server.call("refresh", { inUse: 0 }, primary)).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 0 },
    });
    await server.call("release", { sessions: 150 }, standby);
    await expectLedgerBalanced(server);
  });

  it("reclaims a silent participant after 3 refresh intervals and serves the oldest pending demand", async () => {
    const silent = await registerOk(server, "FTX7000A", { platformLimit: 1000, localLimit: 0 });
    const waiting = await registerOk(server, "FTX7000B", { platformLimit: 1000, localLimit: 0 });
    await server.call("request", { sessions: 500, requestId: "s1" }, silent);
    expect(await server.call("request", { sessions: 100, requestId: "w1" }, waiting)).toMatchObject({
      ok: true,
      data: { added: 0, pending: 100 },
    });
    server.clock.advance(60);
    await server.call("refresh", { inUse: 0 }, waiting);
    server.clock.advance(31);
    // 91 s of silence > 3 × 30 s: the sweep takes the grant back and B's pending is served.
    const { sweepSilentParticipants } = await import("../src/services/sweeper.ts");
    expect(await sweepSilentParticipants(server.running.services)).toBe(1);
    expect(await server.call("refresh", { inUse: 0 }, waiting)).toMatchObject({
      ok: true,
      data: { granted: 100, pending: 0 },
    });
    // The silent one comes back with nothing and must request again.
    expect(await server.call("refresh", { inUse: 0 }, silent)).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 0 },
    });
    await expectLedgerBalanced(server);
  });

  it("reclaims on the participant's next call even before the sweep runs", async () => {
    const token = await registerOk(server, "FTX8000A", { platformLimit: 1000, localLimit: 0 });
    await server.call("request", { sessions: 50, requestId: "x" }, token);
    server.clock.advance(91);
    expect(await server.call("refresh", { inUse: 0 }, token)).toMatchObject({ ok: true, data: { granted: 0 } });
    await expectLedgerBalanced(server);
  });

  it("keeps every invariant over the whole database", async () => {
    const participants = await server.running.services.store.listParticipants();
    const serverRow = await server.running.services.store.readServer();
    const violations = checkInvariants(
      {
        poolSize: serverRow!.poolSize,
        grantedTotal: serverRow!.grantedTotal,
        pendingTotal: serverRow!.pendingTotal,
        pendingSeq: serverRow!.pendingSeq,
      },
      participants.map((p) => ({ ...p, lastSeenAt: p.lastSeenAt.getTime() })),
    );
    expect(violations).toEqual([]);
  });
});
