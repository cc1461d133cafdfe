import { auditEvents } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  reasonOf,
  waitFor,
} from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";

describe.each(providers())("background work and counters on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "background");
    server = await startTestServer(db.url, { SLS_SWEEP_INTERVAL_MS: "100", SLS_POOL_SIZE: "100" });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("reclaims a silent participant by itself and hands the sessions to the oldest pending ask", async () => {
    const silent = await registerOk(server, "SWEEP01", { localLimit: 0 });
    const waiting = await registerOk(server, "SWEEP02", { localLimit: 0 });
    await server.caller(silent).appliance.request({ sessions: 100, requestId: "a" });
    await server.caller(waiting).appliance.request({ sessions: 50, requestId: "b" });
    server.clock.advance(60);
    await server.caller(waiting).appliance.refresh({ inUse: 0 });
    server.clock.advance(31);
    const store = server.running.services.store;
    await waitFor(async () => (await store.findParticipantBySerial("SWEEP01"))!.granted === 0, {
      what: "the sweep to reclaim SWEEP01",
      timeoutMs: 5_000,
    });
    expect(await store.findParticipantBySerial("SWEEP01")).toMatchObject({ granted: 0, pending: 0 });
    expect(await store.findParticipantBySerial("SWEEP02")).toMatchObject({ granted: 50, pending: 0 });
    const [reclaim] = await auditEvents(store, { types: ["reclaim"], serials: ["SWEEP01"] });
    expect(reclaim).toMatchObject({ actor: "system:sweep", grantedDelta: -100 });
    await expectLedgerBalanced(server.running.services.store);
  });

  it("counts received, answered and failed messages per server and per participant", async () => {
    const token = await registerOk(server, "COUNT01");
    await server.caller(token).appliance.refresh({ inUse: 0 });
    expect(await reasonOf(server.caller(token).appliance.request({ sessions: 70, requestId: "bad" }))).toBe(
      "NOT_A_MULTIPLE_OF_50",
    );
    expect(await reasonOf(server.caller("slt_unknown").appliance.refresh({ inUse: 0 }))).toBe("BAD_TOKEN");
    const { services } = server.running;
    await services.counters.flush(services.store, services.serverId);
    const participant = await services.store.findParticipantBySerial("COUNT01");
    const mine = Object.fromEntries(
      (await services.store.participantCounters(participant!.id)).map((c) => [
        c.messageType,
        [c.received, c.answered, c.failed],
      ]),
    );
    expect(mine).toEqual({ register: [1, 1, 0], refresh: [1, 1, 0], request: [1, 0, 1] });
    const totals = Object.fromEntries(
      (await services.store.serverCounters())
        .filter((c) => c.serverId === services.serverId)
        .map((c) => [c.messageType, [c.received, c.answered, c.failed]]),
    );
    expect(totals.refresh?.[2]).toBeGreaterThanOrEqual(1);
    expect(totals.refresh![0]).toBe(totals.refresh![1]! + totals.refresh![2]!);
  });
});
